// DOM helpers of the map webview. Elements are made from a tag, attribute values and text only:
// a string from a layout, a dump or the workspace never becomes markup.

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, text?: string): HTMLElementTagNameMap[K];
export function el(tag: string, attrs?: Record<string, string>, text?: string): HTMLElement;
export function el(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function button(label: string, title: string, onClick: () => void, secondary = true): HTMLElement {
  const b = el('vscode-button', { title, 'aria-label': title }, label);
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', onClick);
  return b;
}

/** A collapsible section of the side pane. */
export function collapsible(heading: string, body: HTMLElement, open = true): HTMLElement {
  const c = el('vscode-collapsible', { heading });
  if (open) c.setAttribute('open', '');
  c.append(body);
  return c;
}
