// The tooltip over the map: a region's bounds, size, kind and slots, a marker's value, a problem's
// message. The same lines are what the live region reads out when the keyboard moves.
import { modeFor, regionFacts } from '../src/engine/map/model';
import { formatHex, formatSize } from '../src/engine/paging/numbers';
import { el } from './dom';
import { markLines } from './overlays';
import { Hit, hitOf } from './picture';
import { MapState } from './state';

export interface Tooltip {
  readonly element: HTMLElement;
  /** What the tooltip says for a hit; empty when nothing. */
  lines(hit: Hit): string[];
  /** Shows the tooltip for what is under the pointer, next to it. */
  show(e: PointerEvent | MouseEvent): void;
  hide(): void;
}

export function createTooltip(s: MapState, pane: HTMLElement): Tooltip {
  const element = el('div', { class: 'tooltip', role: 'tooltip', id: 'map-tooltip', hidden: '' });

  function lines(hit: Hit): string[] {
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
    if (hit.ref === 'overlay') {
      const m = s.overlayMarks[hit.index];
      return m ? markLines(s, m) : [];
    }
    if (hit.ref === 'problem') {
      const p = s.problems[hit.index];
      return p ? [`${p.severity}: ${p.message}`] : [];
    }
    return [];
  }

  function show(e: PointerEvent | MouseEvent): void {
    const hit = hitOf(e.target);
    const text = hit ? lines(hit) : [];
    if (!text.length) { element.hidden = true; return; }
    element.replaceChildren(...text.map((l, i) => el(i === 0 ? 'strong' : 'div', {}, l)));
    element.hidden = false;
    const box = pane.getBoundingClientRect();
    const x = Math.min(e.clientX - box.left + 14, box.width - element.offsetWidth - 6);
    const y = Math.min(e.clientY - box.top + 14, box.height - element.offsetHeight - 6);
    element.style.left = `${Math.max(4, x)}px`;
    element.style.top = `${Math.max(4, y)}px`;
  }

  return { element, lines, show, hide() { element.hidden = true; } };
}
