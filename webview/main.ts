// The address-map webview: draws the view model of src/engine/map/model.ts as SVG, with a details
// pane, a legend, the active file's markers and problems, a comparison of two layouts, zoom with the
// mouse and the keyboard, and export. Every string from a layout, a dump or the workspace goes into
// the DOM as textContent or an attribute value, never as markup.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-split-layout/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import './map.css';
import type { Layout } from '../src/engine/paging/types';
import {
  AddrWindow, buildCompareView, buildView, CompareView, DEFAULT_PALETTE, drawCompare, drawView, fullWindow, KIND_COLOR_VARS, MapView,
  modeFor, Palette, panWindow, Prim, regionFacts, regionSummary, renderSvg, windowFor, zoomWindow,
} from '../src/engine/map/model';
import { formatHex, formatSize } from '../src/engine/paging/numbers';
import {
  big, fromWireLayout, hexOf, HostMessage, HostRequest, isMessage, LayoutChoiceItem, MapSnapshot, MapViewState, PROTOCOL_VERSION,
  WebviewMessage, WireLocation, WireProblem, Correlator,
} from '../src/shared/protocol';

interface VsCodeApi { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const SVG_NS = 'http://www.w3.org/2000/svg';

type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
function post(m: Without<WebviewMessage, 'v'>): void { api.postMessage({ ...m, v: PROTOCOL_VERSION }); }
const host = new Correlator<HostRequest>((requestId, request) => post({ type: 'request', requestId, request }), 60_000);

// ---- state --------------------------------------------------------------------------------------

interface Marker { name: string; value: bigint; location: WireLocation }
interface Problem { code: string; message: string; start: bigint; end: bigint; severity: WireProblem['severity']; location?: WireLocation }

const s = {
  mode: 'single' as 'single' | 'compare',
  layout: undefined as Layout | undefined,
  locations: new Map<string, WireLocation>(),
  compare: undefined as { a: Layout; b: Layout; lines: string[] } | undefined,
  choices: [] as LayoutChoiceItem[],
  markers: [] as Marker[],
  problems: [] as Problem[],
  fileName: undefined as string | undefined,
  window: undefined as AddrWindow | undefined,
  zoomStack: [] as AddrWindow[],
  /** Selected region, by index into the layout's regions (single mode). */
  selected: undefined as number | undefined,
  focusRow: 0,
  cursor: undefined as bigint | undefined,
  cursorName: undefined as string | undefined,
  view: undefined as MapView | CompareView | undefined,
};

// ---- DOM skeleton -------------------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, text?: string): HTMLElementTagNameMap[K];
function el(tag: string, attrs?: Record<string, string>, text?: string): HTMLElement;
function el(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(label: string, title: string, onClick: () => void, secondary = true): HTMLElement {
  const b = el('vscode-button', { title, 'aria-label': title }, label);
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', onClick);
  return b;
}

const app = document.getElementById('app')!;
app.replaceChildren();
app.removeAttribute('aria-busy');

const layoutSelect = el('vscode-single-select', { 'aria-label': 'Layout shown on the map', id: 'layout-select', combobox: '' }) as HTMLElement & { value: string };
const compareSelect = el('vscode-single-select', { 'aria-label': 'Compare with another layout', id: 'compare-select', combobox: '' }) as HTMLElement & { value: string };
const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Address map' });
const lbl1 = el('label', { class: 'field' }); lbl1.append(el('span', {}, 'Layout'), layoutSelect);
const lbl2 = el('label', { class: 'field' }); lbl2.append(el('span', {}, 'Compare with'), compareSelect);
toolbar.append(
  lbl1, lbl2,
  button('−', 'Zoom out (-)', () => zoomOutStep()),
  button('+', 'Zoom in (+)', () => zoomAt(centerY(), 2)),
  button('Whole space', 'Show the whole address space (0)', () => resetZoom()),
  button('Import…', 'Import a page-table dump, /proc/PID/maps or /proc/iomem', () => void host.request({ kind: 'import' }).catch(showError)),
  button('Export SVG', 'Export the current view as SVG', () => void exportSvg()),
  button('Export Markdown', 'Export the layout (or the comparison) as a Markdown table', () => void host.request({ kind: 'export', format: 'md', layoutId: s.layout?.id ?? '' }).catch(showError)),
);
const scaleNote = el('div', { class: 'scale-note', id: 'scale-note', role: 'note' });
const titleBar = el('div', { class: 'title-bar' });
const mapTitle = el('h1', { id: 'map-title' });
titleBar.append(mapTitle, scaleNote);
const split = el('vscode-split-layout', { split: 'vertical', 'initial-handle-position': '66%', 'min-start': '320px', 'min-end': '220px', class: 'split' });
const mapPane = el('div', { slot: 'start', class: 'map-pane', id: 'map-pane' });
const svg = document.createElementNS(SVG_NS, 'svg');
svg.setAttribute('id', 'map');
svg.setAttribute('role', 'group');
svg.setAttribute('aria-label', 'Address map: Tab to enter, arrow keys to move between regions, Enter to zoom in, minus to zoom out, 0 for the whole space');
svg.setAttribute('aria-roledescription', 'address map');
const tooltip = el('div', { class: 'tooltip', role: 'tooltip', id: 'map-tooltip', hidden: '' });
const status = el('div', { class: 'sr-only', 'aria-live': 'polite', id: 'map-status' });
mapPane.append(svg, tooltip, status);
const side = el('div', { slot: 'end', class: 'side', id: 'side' });
const summary = el('section', { id: 'summary', class: 'summary', 'aria-label': 'Difference between the two layouts', 'aria-live': 'polite' });
const details = el('div', { id: 'details', class: 'details' });
const legend = el('ul', { id: 'legend', class: 'legend', 'aria-label': 'Legend: colours by region kind' });
const markerList = el('ul', { id: 'markers', class: 'plain-list' });
const problemList = el('ul', { id: 'problems', class: 'plain-list' });
const collapsible = (heading: string, body: HTMLElement, open = true) => {
  const c = el('vscode-collapsible', { heading });
  if (open) c.setAttribute('open', '');
  c.append(body);
  return c;
};
const markersSection = collapsible('Markers of the active file', markerList);
const problemsSection = collapsible('Problems on the map', problemList);
side.append(summary, collapsible('Details', details), collapsible('Legend', legend), markersSection, problemsSection);
split.append(mapPane, side);
app.append(toolbar, titleBar, split);

// Colours: one class per region kind, taken from the theme's --vscode-* variables.
{
  const sheet = new CSSStyleSheet();
  const rules = Object.entries(KIND_COLOR_VARS).map(([k, v]) =>
    `.k-${k}{--kind-color:var(${v}, ${DEFAULT_PALETTE.kinds[k] ?? '#888'})}`).join('\n');
  sheet.replaceSync(rules);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

// ---- helpers ------------------------------------------------------------------------------------

function showError(e: unknown): void {
  status.textContent = `Error: ${(e as Error).message}`;
}

function bounds(): AddrWindow {
  const l = s.mode === 'compare' ? s.compare?.a : s.layout;
  return fullWindow(modeFor(l ?? { mode: 'x86_64-4level' } as Layout));
}

function size(): { width: number; height: number } {
  const r = mapPane.getBoundingClientRect();
  return { width: Math.max(320, Math.floor(r.width)), height: Math.max(240, Math.floor(r.height) - 8) };
}

const TOP = 24;
function picHeight(): number { return size().height - TOP - 8; }
function centerY(): number { return picHeight() / 2; }

function saveState(): void {
  const st: MapViewState = {
    version: 1,
    layoutId: s.mode === 'compare' ? s.compare?.a.id : s.layout?.id,
    compareWith: s.mode === 'compare' ? s.compare?.b.id : undefined,
    windowStart: s.window ? hexOf(s.window.start) : undefined,
    windowEnd: s.window ? hexOf(s.window.end) : undefined,
    selected: s.selected !== undefined ? s.layout?.regions[s.selected]?.name : undefined,
  };
  api.setState(st);
  post({ type: 'state', state: st });
}

let frame = 0;
function requestRender(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => { frame = 0; render(); });
}

// ---- rendering ----------------------------------------------------------------------------------

function primNode(p: Prim): SVGElement {
  let n: SVGElement;
  switch (p.t) {
    case 'rect':
      n = document.createElementNS(SVG_NS, 'rect');
      n.setAttribute('x', String(p.x)); n.setAttribute('y', String(p.y)); n.setAttribute('width', String(p.w)); n.setAttribute('height', String(p.h));
      break;
    case 'line':
      n = document.createElementNS(SVG_NS, 'line');
      n.setAttribute('x1', String(p.x1)); n.setAttribute('y1', String(p.y1)); n.setAttribute('x2', String(p.x2)); n.setAttribute('y2', String(p.y2));
      break;
    case 'path':
      n = document.createElementNS(SVG_NS, 'path');
      n.setAttribute('d', p.d);
      break;
    case 'text':
      n = document.createElementNS(SVG_NS, 'text');
      n.setAttribute('x', String(p.x)); n.setAttribute('y', String(p.y));
      if (p.anchor && p.anchor !== 'start') n.setAttribute('text-anchor', p.anchor);
      n.textContent = p.text;
      break;
  }
  n.setAttribute('class', p.cls);
  if (p.ref) {
    n.dataset.ref = p.ref.type;
    n.dataset.index = String(p.ref.index);
    if (p.ref.type === 'column') n.dataset.column = String(p.ref.column);
  }
  if ((p.t === 'rect' || p.t === 'path') && p.ref && p.name) {
    const focusable = p.ref.type === 'row' || p.ref.type === 'column' || p.ref.type === 'marker';
    if (focusable) {
      n.setAttribute('tabindex', '-1');
      n.setAttribute('role', 'button');
      n.setAttribute('aria-label', p.name);
      n.classList.add('focusable');
    } else n.setAttribute('aria-label', p.name);
  }
  return n;
}

function render(): void {
  const { width } = size();
  const height = picHeight();
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height + TOP + 8));
  svg.setAttribute('viewBox', `0 0 ${width} ${height + TOP + 8}`);
  const hadFocus = svg.contains(document.activeElement);
  let prims: Prim[] = [];
  if (s.mode === 'compare' && s.compare) {
    const cv = buildCompareView(s.compare.a, s.compare.b, { height, window: s.window });
    s.view = cv;
    prims = drawCompare(cv, { width, top: TOP });
    scaleNote.textContent = `${cv.scale.text}. Lines link the start of each region in both layouts; moved starts are drawn thick.`;
    mapTitle.textContent = `${s.compare.a.id} (left) compared with ${s.compare.b.id} (right)`;
  } else if (s.layout) {
    const v = buildView(s.layout, {
      height, window: s.window,
      markers: s.markers, problems: s.problems,
    });
    s.view = v;
    const hl = s.cursor !== undefined ? s.markers.findIndex((m) => m.value === s.cursor) : -1;
    const selRow = s.selected !== undefined ? v.rows.findIndex((r) => r.region === s.selected) : -1;
    prims = drawView(v, { width, top: TOP, selected: selRow >= 0 ? selRow : undefined, cursor: s.cursor, highlightMarker: hl >= 0 ? hl : undefined });
    const w = v.scale.window;
    const digits = v.mode.addressBits / 4;
    const whole = w.start === 0n && w.end === bounds().end;
    scaleNote.textContent = `${v.scale.text} · ruler: ${v.mode.levels[0].arch} slot numbers, page-size boundaries${s.layout.origin === 'import:iomem' ? ' (physical: no slots)' : ''}`;
    mapTitle.textContent = `${s.layout.title} — ${whole ? 'whole address space' : `${formatHex(w.start, { grouped: true, digits })} – ${formatHex(w.end, { grouped: true, digits })} (${formatSize(w.end - w.start + 1n)})`}`;
  }
  const frag = document.createDocumentFragment();
  if (s.mode === 'compare' && s.compare) {
    const g = prims.length ? size().width : 0;
    const head = (x: number, anchor: string, text: string) => {
      const t = document.createElementNS(SVG_NS, 'text');
      t.setAttribute('x', String(x)); t.setAttribute('y', '16'); t.setAttribute('text-anchor', anchor); t.setAttribute('class', 'label name column-title');
      t.textContent = text;
      frag.append(t);
    };
    head(Math.round(g * 0.42), 'end', s.compare.a.id);
    head(Math.round(g * 0.58), 'start', s.compare.b.id);
  }
  for (const p of prims) frag.append(primNode(p));
  svg.replaceChildren(frag);
  // Roving tabindex: one region of the map is in the Tab order.
  const items = focusables();
  if (items.length) {
    s.focusRow = Math.min(s.focusRow, items.length - 1);
    items[s.focusRow].setAttribute('tabindex', '0');
    if (hadFocus) (items[s.focusRow] as SVGElement).focus({ preventScroll: true });
  }
}

function focusables(): SVGElement[] {
  return Array.from(svg.querySelectorAll<SVGElement>('.focusable[data-ref="row"], .focusable[data-ref="column"]'));
}

// ---- side pane ----------------------------------------------------------------------------------

function renderSide(): void {
  summary.replaceChildren();
  summary.hidden = !(s.mode === 'compare' && s.compare);
  if (s.mode === 'compare' && s.compare) {
    summary.append(el('h2', {}, `${s.compare.a.id} → ${s.compare.b.id}`));
    const ul = el('ul', { class: 'summary-lines' });
    for (const line of s.compare.lines) ul.append(el('li', {}, line));
    summary.append(ul);
  }
  renderDetails();
  // Legend: the kinds on the picture.
  legend.replaceChildren();
  const layouts = s.mode === 'compare' && s.compare ? [s.compare.a, s.compare.b] : s.layout ? [s.layout] : [];
  const counts = new Map<string, number>();
  for (const l of layouts) for (const r of l.regions) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  for (const [kind, n] of [...counts.entries()].sort()) {
    const li = el('li', {});
    li.append(el('span', { class: `swatch k-${kind}`, 'aria-hidden': 'true' }), el('span', {}, kind), el('span', { class: 'muted' }, ` ${n}`));
    legend.append(li);
  }
  legend.append(Object.assign(el('li', {}), { textContent: '' }));
  const gapLi = el('li', {});
  gapLi.append(el('span', { class: 'swatch gap-swatch', 'aria-hidden': 'true' }), el('span', {}, 'unmapped (no region)'));
  const clLi = el('li', {});
  clLi.append(el('span', { class: 'swatch cluster-swatch', 'aria-hidden': 'true' }), el('span', {}, 'several small regions (zoom in)'));
  legend.append(gapLi, clLi);
  // Markers and problems.
  markerList.replaceChildren();
  markersSection.setAttribute('heading', s.fileName ? `Markers of ${s.fileName} (${s.markers.length})` : 'Markers of the active file');
  if (!s.markers.length) markerList.append(el('li', { class: 'muted' }, s.mode === 'compare' ? 'Markers are shown on a single layout.' : 'No address constants in the active editor.'));
  for (const [i, m] of s.markers.slice(0, 300).entries()) {
    const li = el('li', {});
    const b = el('button', { class: 'link-button', type: 'button', 'data-marker': String(i), title: 'Reveal in the editor' });
    b.append(el('span', { class: 'marker-name' }, m.name), el('span', { class: 'muted' }, ` ${formatHex(m.value, { grouped: true })}`));
    b.addEventListener('click', () => void host.request({ kind: 'reveal', location: m.location }).catch(showError));
    li.append(b);
    if (s.cursor === m.value) li.classList.add('highlight');
    markerList.append(li);
  }
  problemList.replaceChildren();
  problemsSection.setAttribute('heading', `Problems on the map (${s.problems.length})`);
  if (!s.problems.length) problemList.append(el('li', { class: 'muted' }, 'None.'));
  for (const p of s.problems.slice(0, 300)) {
    const li = el('li', { class: `problem-item ${p.severity}` });
    const b = el('button', { class: 'link-button', type: 'button' }, `${p.severity}: ${p.message}`);
    b.addEventListener('click', () => { if (p.location) void host.request({ kind: 'reveal', location: p.location }).catch(showError); else zoomTo(p.start, p.end); });
    li.append(b);
    problemList.append(li);
  }
}

function renderDetails(): void {
  details.replaceChildren();
  const l = s.layout;
  if (s.mode === 'compare' || !l) {
    details.append(el('p', { class: 'muted' }, 'Hover a region for its bounds; the list above says what changed.'));
    return;
  }
  if (s.selected === undefined || !l.regions[s.selected]) {
    details.append(el('p', { class: 'muted' }, 'Select a region (click, or Tab and the arrow keys) to see its start, end, size, kind, slots, capacity and source. Double-click or Enter zooms in.'));
    if (s.cursor !== undefined) details.append(el('p', {}, `Cursor: ${s.cursorName ?? ''} = ${formatHex(s.cursor, { grouped: true })}`));
    return;
  }
  const r = l.regions[s.selected];
  details.append(el('h2', { id: 'details-title' }, r.name));
  const table = el('table', { class: 'facts', 'aria-labelledby': 'details-title' });
  for (const [k, v] of regionFacts(r, modeFor(l))) {
    const tr = el('tr');
    tr.append(el('th', { scope: 'row' }, k), el('td', {}, v));
    table.append(tr);
  }
  details.append(table);
  const actions = el('div', { class: 'actions' });
  actions.append(button('Zoom to region', 'Zoom the map to this region', () => zoomTo(r.start, r.end)));
  const loc = s.locations.get(r.name);
  if (loc) actions.append(button('Go to definition', 'Reveal the #define of this region in the editor', () => void host.request({ kind: 'reveal', location: loc }).catch(showError), false));
  actions.append(button('Copy start', 'Copy the start address', () => void host.request({ kind: 'copy', text: formatHex(r.start) }).catch(showError)));
  details.append(actions);
}

function fillSelects(): void {
  const current = s.mode === 'compare' ? s.compare?.a.id : s.layout?.id;
  const group = (g: LayoutChoiceItem['group']) => (g === 'workspace' ? 'workspace' : g === 'import' ? 'imported' : 'preset');
  const items = [...s.choices];
  if (current && !items.some((c) => c.id === current)) items.unshift({ id: current, title: current, group: 'import' });
  const option = (value: string, label: string, description: string, selected: boolean) => {
    const o = el('vscode-option', { value, description }, label);
    if (selected) o.setAttribute('selected', '');
    return o;
  };
  layoutSelect.replaceChildren(...items.map((c) => option(c.id, c.id, `${c.title} · ${group(c.group)}`, c.id === current)));
  const other = s.mode === 'compare' ? s.compare?.b.id ?? '' : '';
  compareSelect.replaceChildren(option('', '— none —', 'show one layout', !other),
    ...items.filter((c) => c.id !== current).map((c) => option(c.id, c.id, c.title, c.id === other)));
  filling = true;
  setTimeout(() => { layoutSelect.value = current ?? ''; compareSelect.value = other; filling = false; }, 0);
}

/** Set while the selects are refilled, so that their change events are not taken for the user's. */
let filling = false;

layoutSelect.addEventListener('change', () => {
  if (filling) return;
  const id = layoutSelect.value;
  if (!id) return;
  const other = s.mode === 'compare' ? s.compare?.b.id : undefined;
  void host.request(other && other !== id ? { kind: 'compare', a: id, b: other } : { kind: 'selectLayout', id }).catch(showError);
});
compareSelect.addEventListener('change', () => {
  if (filling) return;
  const b = compareSelect.value;
  const a = s.mode === 'compare' ? s.compare?.a.id : s.layout?.id;
  if (!a) return;
  void host.request(b ? { kind: 'compare', a, b } : { kind: 'selectLayout', id: a }).catch(showError);
});

// ---- zoom and pan -------------------------------------------------------------------------------

function setWindow(w: AddrWindow | undefined, push = true): void {
  const full = bounds();
  const cur = s.window ?? full;
  if (w && w.start === cur.start && w.end === cur.end) return;
  if (push) s.zoomStack.push(cur);
  if (s.zoomStack.length > 200) s.zoomStack.shift();
  s.window = w && (w.start !== full.start || w.end !== full.end) ? w : undefined;
  render();
  saveState();
}

function zoomAt(y: number, factor: number): void {
  if (!s.view) return;
  setWindow(zoomWindow(s.view.scale, y, factor, bounds()));
}

function zoomOutStep(y = centerY()): void {
  const prev = s.zoomStack.pop();
  if (prev) { setWindow(prev, false); return; }
  if (!s.view) return;
  setWindow(zoomWindow(s.view.scale, y, 0.25, bounds()), false);
}

function resetZoom(): void {
  s.zoomStack = [];
  setWindow(undefined, false);
}

function zoomTo(start: bigint, end: bigint): void {
  setWindow(windowFor(start, end, bounds()));
  status.textContent = `Zoomed to ${formatHex(start)}–${formatHex(end)}`;
}

function pan(dy: number): void {
  if (!s.view) return;
  const w = panWindow(s.view.scale, dy, bounds());
  s.window = w.start === bounds().start && w.end === bounds().end ? undefined : w;
  requestRender();
  saveState();
}

svg.addEventListener('wheel', (e) => {
  e.preventDefault();
  const y = e.offsetY - TOP;
  if (e.shiftKey) { pan(e.deltaY); return; }
  if (e.deltaY < 0) zoomAt(y, 1.6); else zoomOutStep(y);
}, { passive: false });

let drag: { y: number; moved: boolean } | undefined;
svg.addEventListener('pointerdown', (e) => { if (e.button === 0) drag = { y: e.clientY, moved: false }; });
svg.addEventListener('pointermove', (e) => {
  if (drag && e.buttons & 1) {
    const dy = e.clientY - drag.y;
    if (Math.abs(dy) > 3 || drag.moved) {
      drag.moved = true;
      drag.y = e.clientY;
      pan(-dy);
      tooltip.hidden = true;
      return;
    }
  }
  showTooltip(e);
});
svg.addEventListener('pointerup', () => { setTimeout(() => { drag = undefined; }, 0); });
svg.addEventListener('pointerleave', () => { tooltip.hidden = true; });

// ---- interaction --------------------------------------------------------------------------------

interface Hit { ref: string; index: number; column?: number }

function hitOf(target: EventTarget | null): Hit | undefined {
  const n = target instanceof Element ? target.closest('[data-ref]') as SVGElement | null : null;
  if (!n) return undefined;
  return { ref: n.dataset.ref!, index: Number(n.dataset.index), column: n.dataset.column !== undefined ? Number(n.dataset.column) : undefined };
}

function tooltipLines(hit: Hit): string[] {
  const v = s.view;
  if (!v) return [];
  if (hit.ref === 'row' && 'rows' in v) {
    const row = v.rows[hit.index];
    if (!row) return [];
    if (row.region !== undefined) {
      const r = v.layout.regions[row.region];
      return [r.name, ...regionFacts(r, v.mode).filter(([k]) => ['Start', 'End', 'Size', 'Kind', 'Slots'].includes(k)).map(([k, val]) => `${k}: ${val}`)];
    }
    return [row.label, `${formatHex(row.start, { grouped: true })} – ${formatHex(row.end, { grouped: true })}`, formatSize(row.end - row.start + 1n)];
  }
  if (hit.ref === 'column' && 'columns' in v) {
    const row = v.columns[hit.column as 0 | 1][hit.index];
    const l = hit.column === 0 ? v.a : v.b;
    if (!row) return [];
    if (row.region === undefined) return [`${l.id}: unmapped`, `${formatHex(row.start, { grouped: true })} – ${formatHex(row.end, { grouped: true })}`];
    const r = l.regions[row.region];
    return [`${l.id}: ${r.name}`, ...regionFacts(r, modeFor(l)).filter(([k]) => ['Start', 'End', 'Size', 'Slots'].includes(k)).map(([k, val]) => `${k}: ${val}`)];
  }
  if (hit.ref === 'marker') {
    const m = s.markers[hit.index];
    return m ? [m.name, formatHex(m.value, { grouped: true }), 'Click to reveal in the editor'] : [];
  }
  if (hit.ref === 'problem') {
    const p = s.problems[hit.index];
    return p ? [`${p.severity}: ${p.message}`] : [];
  }
  return [];
}

function showTooltip(e: PointerEvent | MouseEvent): void {
  const hit = hitOf(e.target);
  const lines = hit ? tooltipLines(hit) : [];
  if (!lines.length) { tooltip.hidden = true; return; }
  tooltip.replaceChildren(...lines.map((l, i) => el(i === 0 ? 'strong' : 'div', {}, l)));
  tooltip.hidden = false;
  const pane = mapPane.getBoundingClientRect();
  const x = Math.min(e.clientX - pane.left + 14, pane.width - tooltip.offsetWidth - 6);
  const y = Math.min(e.clientY - pane.top + 14, pane.height - tooltip.offsetHeight - 6);
  tooltip.style.left = `${Math.max(4, x)}px`;
  tooltip.style.top = `${Math.max(4, y)}px`;
}

function selectRow(index: number, opts: { reveal?: boolean; zoom?: boolean } = {}): void {
  const v = s.view;
  if (!v || !('rows' in v)) return;
  const row = v.rows[index];
  if (!row) return;
  s.focusRow = focusables().findIndex((n) => n.dataset.index === String(index));
  if (row.region !== undefined) {
    s.selected = row.region;
    const r = v.layout.regions[row.region];
    status.textContent = `Selected ${regionSummary(r, v.mode)}`;
    const loc = s.locations.get(r.name);
    if (opts.reveal && loc) void host.request({ kind: 'reveal', location: loc }).catch(showError);
  }
  if (opts.zoom || row.kind === 'cluster') zoomTo(row.start, row.end);
  else { render(); saveState(); }
  renderDetails();
}

svg.addEventListener('click', (e) => {
  if (drag?.moved) return;
  const hit = hitOf(e.target);
  if (!hit) return;
  // The first click re-renders the picture, so a double click is read from the click count.
  if (hit.ref === 'row') selectRow(hit.index, e.detail >= 2 ? { zoom: true } : { reveal: true });
  else if (hit.ref === 'marker') { const m = s.markers[hit.index]; if (m) void host.request({ kind: 'reveal', location: m.location }).catch(showError); }
  else if (hit.ref === 'problem') { const p = s.problems[hit.index]; if (p?.location) void host.request({ kind: 'reveal', location: p.location }).catch(showError); }
});
svg.addEventListener('dblclick', (e) => {
  const hit = hitOf(e.target);
  const v = s.view;
  if (!hit && v) zoomAt(e.offsetY - TOP, 2);
});

svg.addEventListener('keydown', (e) => {
  const items = focusables();
  const current = document.activeElement instanceof SVGElement ? items.indexOf(document.activeElement) : -1;
  const move = (i: number) => {
    if (!items.length) return;
    const next = Math.max(0, Math.min(items.length - 1, i));
    items.forEach((n) => n.setAttribute('tabindex', '-1'));
    items[next].setAttribute('tabindex', '0');
    items[next].focus({ preventScroll: true });
    s.focusRow = next;
    const hit = hitOf(items[next]);
    const lines = hit ? tooltipLines(hit) : [];
    status.textContent = lines.join(', ');
  };
  const focusY = () => {
    const n = items[current];
    if (!n) return centerY();
    const y = Number(n.getAttribute('y')), h = Number(n.getAttribute('height'));
    return y - TOP + h / 2;
  };
  const hit = current >= 0 ? hitOf(items[current]) : undefined;
  switch (e.key) {
    case 'ArrowDown': case 'ArrowRight': move(current + 1); break;
    case 'ArrowUp': case 'ArrowLeft': move(current - 1); break;
    case 'Home': move(0); break;
    case 'End': move(items.length - 1); break;
    case 'Enter':
      if (hit?.ref === 'row') selectRow(hit.index, { zoom: true });
      break;
    case ' ':
      if (hit?.ref === 'row') selectRow(hit.index, { reveal: true });
      break;
    case '+': case '=': zoomAt(focusY(), 2); break;
    case '-': case '_': zoomOutStep(focusY()); break;
    case '0': resetZoom(); break;
    case 'Backspace': zoomOutStep(); break;
    case 'PageDown': pan(picHeight() / 3); break;
    case 'PageUp': pan(-picHeight() / 3); break;
    case 'Escape': s.selected = undefined; render(); renderDetails(); saveState(); break;
    default: return;
  }
  e.preventDefault();
});

// ---- export and snapshots -----------------------------------------------------------------------

function resolvePalette(): Palette {
  const cs = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const kinds: Record<string, string> = {};
  for (const [k, name] of Object.entries(KIND_COLOR_VARS)) kinds[k] = v(name, DEFAULT_PALETTE.kinds[k] ?? '#888888');
  return {
    background: v('--vscode-editor-background', DEFAULT_PALETTE.background),
    foreground: v('--vscode-editor-foreground', DEFAULT_PALETTE.foreground),
    muted: v('--vscode-descriptionForeground', DEFAULT_PALETTE.muted),
    border: v('--vscode-panel-border', DEFAULT_PALETTE.border),
    error: v('--vscode-editorError-foreground', DEFAULT_PALETTE.error),
    warning: v('--vscode-editorWarning-foreground', DEFAULT_PALETTE.warning),
    info: v('--vscode-editorInfo-foreground', DEFAULT_PALETTE.info),
    accent: v('--vscode-focusBorder', DEFAULT_PALETTE.accent),
    kinds,
  };
}

function currentSvg(): string {
  const { width } = size();
  const height = picHeight();
  if (s.mode === 'compare' && s.compare) {
    return renderSvg({ layout: s.compare.a, compare: { b: s.compare.b, summary: s.compare.lines }, window: s.window, width, height, palette: resolvePalette() });
  }
  if (!s.layout) return '';
  const v = s.view && 'rows' in s.view ? s.view : undefined;
  const sel = v && s.selected !== undefined ? v.rows.findIndex((r) => r.region === s.selected) : -1;
  return renderSvg({ layout: s.layout, window: s.window, width, height, markers: s.markers, problems: s.problems, palette: resolvePalette(), selected: sel >= 0 ? sel : undefined });
}

async function exportSvg(): Promise<void> {
  try {
    await host.request({ kind: 'export', format: 'svg', svg: currentSvg(), layoutId: s.layout?.id ?? '' });
  } catch (e) { showError(e); }
}

function snapshot(): MapSnapshot {
  const v = s.view;
  let rows: string[] = [];
  if (v && 'rows' in v) rows = v.rows.map((r) => r.label);
  else if (v && 'columns' in v) rows = [...v.columns[0].filter((r) => r.region !== undefined).map((r) => `A: ${v.a.regions[r.region!].name}`), ...v.columns[1].filter((r) => r.region !== undefined).map((r) => `B: ${v.b.regions[r.region!].name}`)];
  return {
    mode: s.mode,
    layoutIds: s.mode === 'compare' && s.compare ? [s.compare.a.id, s.compare.b.id] : s.layout ? [s.layout.id] : [],
    rows, scale: v?.scale.text ?? '',
    selected: s.selected !== undefined ? s.layout?.regions[s.selected]?.name : undefined,
    summary: s.compare && s.mode === 'compare' ? s.compare.lines : [],
  };
}

// ---- messages from the host ---------------------------------------------------------------------

function toMarkers(list: { name: string; value: string; location: WireLocation }[]): Marker[] {
  return list.flatMap((m) => { const v = big(m.value); return v === undefined ? [] : [{ name: String(m.name), value: v, location: m.location }]; });
}
function toProblems(list: WireProblem[]): Problem[] {
  return list.flatMap((p) => {
    const a = big(p.start), b = big(p.end);
    return a === undefined || b === undefined ? [] : [{ code: String(p.code), message: String(p.message), start: a, end: b, severity: p.severity, location: p.location }];
  });
}

function restoreWindow(st: MapViewState | undefined): void {
  const a = big(st?.windowStart), b = big(st?.windowEnd);
  s.window = a !== undefined && b !== undefined && b > a ? { start: a, end: b } : undefined;
}

window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as unknown;
  if (!isMessage<HostMessage>(m)) return;
  switch (m.type) {
    case 'show': {
      const prevId = s.mode === 'single' ? s.layout?.id : undefined;
      s.mode = 'single';
      s.compare = undefined;
      s.layout = fromWireLayout(m.layout);
      s.locations = new Map(m.layout.regions.filter((r) => r.location).map((r) => [r.name, r.location!]));
      s.choices = m.choices;
      s.markers = toMarkers(m.markers);
      s.problems = toProblems(m.problems);
      s.fileName = m.fileName;
      if (prevId !== s.layout.id) {
        s.zoomStack = [];
        restoreWindow(m.state);
        const sel = m.state?.selected;
        const i = sel ? s.layout.regions.findIndex((r) => r.name === sel) : -1;
        s.selected = i >= 0 ? i : undefined;
        s.focusRow = 0;
      }
      fillSelects();
      render();
      renderSide();
      saveState();
      break;
    }
    case 'compare': {
      s.mode = 'compare';
      s.compare = { a: fromWireLayout(m.comparison.a), b: fromWireLayout(m.comparison.b), lines: m.comparison.lines };
      s.layout = s.compare.a;
      s.locations = new Map();
      s.choices = m.choices;
      s.selected = undefined;
      s.zoomStack = [];
      restoreWindow(m.state);
      fillSelects();
      render();
      renderSide();
      saveState();
      break;
    }
    case 'markers':
      s.markers = toMarkers(m.markers);
      s.problems = toProblems(m.problems);
      s.fileName = m.fileName;
      requestRender();
      renderSide();
      break;
    case 'cursor':
      s.cursor = big(m.value ?? undefined);
      s.cursorName = m.name;
      requestRender();
      renderSide();
      break;
    case 'command':
      if (m.command === 'zoomIn') zoomAt(centerY(), 2);
      else if (m.command === 'zoomOut') zoomOutStep();
      else if (m.command === 'resetZoom') resetZoom();
      else if (m.command === 'focusMap') focusables()[s.focusRow]?.focus();
      break;
    case 'response':
      host.settle(m.requestId, m.ok, m.body, m.error);
      break;
    case 'request': {
      try {
        const body = m.request.kind === 'snapshot' ? snapshot() : currentSvg();
        post({ type: 'response', requestId: m.requestId, ok: true, body });
      } catch (e) {
        post({ type: 'response', requestId: m.requestId, ok: false, error: (e as Error).message });
      }
      break;
    }
  }
});

/** Side by side when there is room, stacked in a narrow panel. */
let narrow: boolean | undefined;
function arrange(): void {
  const w = app.getBoundingClientRect().width;
  const isNarrow = w < 900;
  if (isNarrow === narrow) return;
  narrow = isNarrow;
  split.setAttribute('split', isNarrow ? 'horizontal' : 'vertical');
  split.setAttribute('initial-handle-position', isNarrow ? '64%' : '68%');
  (split as HTMLElement & { resetHandlePosition?: () => void }).resetHandlePosition?.();
}
arrange();
new ResizeObserver(() => { arrange(); requestRender(); }).observe(app);
new ResizeObserver(() => requestRender()).observe(mapPane);
const saved = api.getState() as MapViewState | undefined;
post({ type: 'ready', state: saved && typeof saved === 'object' && saved.version === 1 ? saved : undefined });
