// Imported memory maps drawn over the layout: one narrow lane per import at the right edge of the
// region bar, each entry at its exact addresses (a point for a value or a translation), neighbours
// closer than a pixel drawn as one mark that zooms in. The tooltip names the entry, its range and its
// line in the input; a click selects the region it lies in and shows the entry in the details pane.
import { addrToY, geometry, MapView } from '../src/engine/map/model';
import { formatHex, formatSize } from '../src/engine/paging/numbers';
import { SVG_NS } from './dom';
import { MapState, Overlay, OverlayEntry, OverlayMark } from './state';

/** Most overlays drawn at once (the side pane switches the others on and off). */
export const MAX_LANES = 4;
const LANE = 8;
const GAP = 2;

/** The overlays drawn, in lane order: drawable, switched on, at most MAX_LANES. */
export function lanes(s: MapState): number[] {
  return s.overlays.map((_, i) => i).filter((i) => s.overlays[i].drawable && !s.hiddenOverlays.has(s.overlays[i].id)).slice(0, MAX_LANES);
}

/** The marks of the overlays for a view: entries in the window, merged where they meet on screen. */
export function overlayMarks(s: MapState, v: MapView): OverlayMark[] {
  const win = v.scale.window;
  const marks: OverlayMark[] = [];
  lanes(s).forEach((oi, lane) => {
    let cur: OverlayMark | undefined;
    s.overlays[oi].entries.forEach((e, i) => {
      const end = e.end ?? e.start;
      if (end < win.start || e.start > win.end) return;
      const y1 = addrToY(v.scale, e.start < win.start ? win.start : e.start);
      const y2 = end >= win.end ? v.scale.height : addrToY(v.scale, end + 1n);
      const h = e.end === undefined ? 0 : Math.max(2, y2 - y1);
      if (cur && y1 <= cur.y + cur.h + 1) {
        cur.last = i;
        if (end > cur.end) cur.end = end;
        cur.h = Math.max(cur.y + cur.h, y1 + h) - cur.y;
      } else {
        cur = { overlay: oi, first: i, last: i, start: e.start, end, y: y1, h, lane };
        marks.push(cur);
      }
    });
  });
  return marks;
}

function range(e: { start: bigint; end?: bigint }): string {
  return e.end === undefined ? formatHex(e.start, { grouped: true }) : `${formatHex(e.start, { grouped: true })} – ${formatHex(e.end, { grouped: true })}`;
}

/** What one mark says (its tooltip and accessible name). */
export function markLines(s: MapState, m: OverlayMark): string[] {
  const o = s.overlays[m.overlay];
  if (!o) return [];
  if (m.first !== m.last) {
    return [`${o.title}: ${m.last - m.first + 1} entries`, `${formatHex(m.start, { grouped: true })} – ${formatHex(m.end, { grouped: true })}`, 'Click to zoom in'];
  }
  const e = o.entries[m.first];
  return e ? entryLines(o, e) : [];
}

export function entryLines(o: Overlay, e: OverlayEntry): string[] {
  const out = [`${o.title}: ${e.name}`, `${o.formatTitle}, ${e.type}${e.line ? `, line ${e.line}` : ''}`, range(e)];
  if (e.end !== undefined) out.push(formatSize(e.end - e.start + 1n));
  if (e.detail) out.push(e.detail);
  return out;
}

/** The SVG nodes of the overlays (stores the marks in the state for the pointer and the tooltip). */
export function drawOverlays(s: MapState, v: MapView, width: number, top: number): SVGElement[] {
  const g = geometry(width);
  const marks = overlayMarks(s, v);
  s.overlayMarks = marks;
  const nodes: SVGElement[] = [];
  const used = new Set(marks.map((m) => m.lane));
  for (const lane of used) {
    const x = g.barEnd - (lane + 1) * (LANE + GAP);
    const bg = document.createElementNS(SVG_NS, 'rect');
    bg.setAttribute('x', String(x)); bg.setAttribute('y', String(top)); bg.setAttribute('width', String(LANE)); bg.setAttribute('height', String(v.scale.height));
    bg.setAttribute('class', `overlay-lane lane-${lane}`);
    nodes.push(bg);
  }
  marks.forEach((m, index) => {
    const x = g.barEnd - (m.lane + 1) * (LANE + GAP);
    const point = m.h === 0;
    const r = document.createElementNS(SVG_NS, 'rect');
    const y = top + m.y;
    r.setAttribute('x', String(point ? x - 1 : x));
    r.setAttribute('y', String(Math.round((point ? y - 1.5 : y) * 10) / 10));
    r.setAttribute('width', String(point ? LANE + 2 : LANE));
    r.setAttribute('height', String(point ? 3 : Math.round(m.h * 10) / 10));
    r.setAttribute('class', `overlay lane-${m.lane}${point ? ' point' : ''}${m.first !== m.last ? ' several' : ''}${s.entry && s.entry.overlay === m.overlay && s.entry.index >= m.first && s.entry.index <= m.last ? ' chosen' : ''}`);
    r.dataset.ref = 'overlay';
    r.dataset.index = String(index);
    r.setAttribute('aria-label', markLines(s, m).slice(0, 3).join(', '));
    nodes.push(r);
  });
  return nodes;
}
