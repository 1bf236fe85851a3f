// The map's live region: what a screen reader hears after a selection, a zoom or a failed request.
import { el } from './dom';

export interface Status {
  readonly element: HTMLElement;
  say(text: string): void;
  showError(e: unknown): void;
}

export function createStatus(): Status {
  const element = el('div', { class: 'sr-only', 'aria-live': 'polite', id: 'map-status' });
  return {
    element,
    say(text) { element.textContent = text; },
    showError(e) { element.textContent = `Error: ${(e as Error).message}`; },
  };
}
