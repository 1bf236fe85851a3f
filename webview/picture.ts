// The map picture: the SVG drawn from the engine's view model (one layout with its ruler, markers and
// problems, or two layouts side by side), the title and scale note above it, and the roving tabindex
// that puts one region of the map in the Tab order.
import {
  buildCompareView, buildView, drawCompare, drawView, Prim,
} from '../src/engine/map/model';
import { formatHex, formatSize } from '../src/engine/paging/numbers';
import { el, SVG_NS } from './dom';
import { drawOverlays } from './overlays';
import { bounds, MapState } from './state';

/** Height above the first row (column titles of a comparison). */
export const TOP = 24;

/** What a pointer or the keyboard is on: a row, a column cell, a marker or a problem of the picture. */
export interface Hit { ref: string; index: number; column?: number }

export function hitOf(target: EventTarget | null): Hit | undefined {
  const n = target instanceof Element ? target.closest('[data-ref]') as SVGElement | null : null;
  if (!n) return undefined;
  return { ref: n.dataset.ref!, index: Number(n.dataset.index), column: n.dataset.column !== undefined ? Number(n.dataset.column) : undefined };
}

export interface Picture {
  /** The map pane (the picture; the tooltip and the live region go after it). */
  readonly pane: HTMLElement;
  readonly svg: SVGSVGElement;
  /** The title and the scale note. */
  readonly titleBar: HTMLElement;
  size(): { width: number; height: number };
  /** Height of the drawing below TOP. */
  picHeight(): number;
  centerY(): number;
  render(): void;
  /** Renders on the next animation frame (several requests make one render). */
  requestRender(): void;
  /** The regions of the picture that take the keyboard focus, top to bottom. */
  focusables(): SVGElement[];
}

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

export function createPicture(s: MapState): Picture {
  const scaleNote = el('div', { class: 'scale-note', id: 'scale-note', role: 'note' });
  const titleBar = el('div', { class: 'title-bar' });
  const mapTitle = el('h1', { id: 'map-title' });
  titleBar.append(mapTitle, scaleNote);
  const pane = el('div', { slot: 'start', class: 'map-pane', id: 'map-pane' });
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('id', 'map');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', 'Address map: Tab to enter, arrow keys to move between regions, Enter to zoom in, minus to zoom out, 0 for the whole space');
  svg.setAttribute('aria-roledescription', 'address map');
  pane.append(svg);

  const size = () => {
    const r = pane.getBoundingClientRect();
    return { width: Math.max(320, Math.floor(r.width)), height: Math.max(240, Math.floor(r.height) - 8) };
  };
  const picHeight = () => size().height - TOP - 8;
  const focusables = () => Array.from(svg.querySelectorAll<SVGElement>('.focusable[data-ref="row"], .focusable[data-ref="column"]'));

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
      const whole = w.start === 0n && w.end === bounds(s).end;
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
    // Imported memory maps over the layout, in lanes at the right edge of the region bar.
    if (s.mode === 'single' && s.view && 'rows' in s.view) for (const n of drawOverlays(s, s.view, width, TOP)) frag.append(n);
    else s.overlayMarks = [];
    svg.replaceChildren(frag);
    // Roving tabindex: one region of the map is in the Tab order.
    const items = focusables();
    if (items.length) {
      s.focusRow = Math.min(s.focusRow, items.length - 1);
      items[s.focusRow].setAttribute('tabindex', '0');
      if (hadFocus) (items[s.focusRow] as SVGElement).focus({ preventScroll: true });
    }
  }

  let frame = 0;
  function requestRender(): void {
    if (frame) return;
    frame = requestAnimationFrame(() => { frame = 0; render(); });
  }

  return { pane, svg, titleBar, size, picHeight, centerY: () => picHeight() / 2, render, requestRender, focusables };
}
