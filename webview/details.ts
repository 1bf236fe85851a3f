// The details pane: the selected region's facts (start, end, size, kind, slots, capacity, source)
// and its actions (zoom to it, go to its #define, copy its start), or a hint when none is selected;
// above them the import entry a click chose (its range, fields and line, which opens the input there).
import { modeFor, regionFacts } from '../src/engine/map/model';
import { formatHex, formatSize } from '../src/engine/paging/numbers';
import { button, collapsible, el } from './dom';
import { HostLink, MapState } from './state';
import { Status } from './status';

export interface Details {
  /** The collapsible section of the side pane. */
  readonly element: HTMLElement;
  render(): void;
}

export function createDetails(s: MapState, d: { link: HostLink; status: Status; zoomTo(start: bigint, end: bigint): void }): Details {
  const { link, status } = d;
  const details = el('div', { id: 'details', class: 'details' });

  /** The import entry chosen on the map, when it belongs to the region selected (or to none). */
  function renderEntry(): void {
    const c = s.entry;
    if (!c || c.region !== s.selected) return;
    const o = s.overlays[c.overlay];
    const e = o?.entries[c.index];
    if (!o || !e) return;
    details.append(el('h2', { id: 'entry-title' }, `${o.title}: ${e.name}`));
    const table = el('table', { class: 'facts entry-facts', 'aria-labelledby': 'entry-title' });
    const rows: [string, string][] = [['Import', `${o.title} (${o.formatTitle})`], ['Record', e.type], [e.end === undefined ? 'Address' : 'Start', formatHex(e.start, { grouped: true })]];
    if (e.end !== undefined) rows.push(['End', formatHex(e.end, { grouped: true })], ['Size', formatSize(e.end - e.start + 1n)]);
    if (e.line) rows.push(['Line', String(e.line)]);
    if (e.detail) rows.push(['Fields', e.detail]);
    for (const [k, v] of rows) {
      const tr = el('tr');
      tr.append(el('th', { scope: 'row' }, k), el('td', {}, v));
      table.append(tr);
    }
    details.append(table);
    if (o.canReveal && e.line) {
      const actions = el('div', { class: 'actions' });
      actions.append(button(`Open line ${e.line}`, `Open ${o.title} at line ${e.line}`, () => void link.request({ kind: 'revealImport', id: o.id, line: e.line }).catch(status.showError)));
      details.append(actions);
    }
  }

  function render(): void {
    details.replaceChildren();
    const l = s.layout;
    if (s.mode !== 'compare' && l) renderEntry();
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
    actions.append(button('Zoom to region', 'Zoom the map to this region', () => d.zoomTo(r.start, r.end)));
    const loc = s.locations.get(r.name);
    if (loc) actions.append(button('Go to definition', 'Reveal the #define of this region in the editor', () => void link.request({ kind: 'reveal', location: loc }).catch(status.showError), false));
    actions.append(button('Copy start', 'Copy the start address', () => void link.request({ kind: 'copy', text: formatHex(r.start) }).catch(status.showError)));
    details.append(actions);
  }

  return { element: collapsible('Details', details), render };
}
