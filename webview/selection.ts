// The selected region: chosen by a click, the space bar or Enter, shown in the details pane and kept
// across reloads; the first click also reveals its #define when a workspace file has one.
import { regionSummary } from '../src/engine/map/model';
import { Details } from './details';
import { Picture } from './picture';
import { HostLink, MapState } from './state';
import { Status } from './status';
import { Zoom } from './zoom';

export interface Selection {
  /** Selects the region of a row (a cluster or `zoom` zooms to it; `reveal` shows its #define). */
  selectRow(index: number, opts?: { reveal?: boolean; zoom?: boolean }): void;
  clear(): void;
}

export function createSelection(s: MapState, d: { picture: Picture; zoom: Zoom; details: Details; link: HostLink; status: Status }): Selection {
  const { picture, zoom, details, link, status } = d;

  function selectRow(index: number, opts: { reveal?: boolean; zoom?: boolean } = {}): void {
    const v = s.view;
    if (!v || !('rows' in v)) return;
    const row = v.rows[index];
    if (!row) return;
    s.focusRow = picture.focusables().findIndex((n) => n.dataset.index === String(index));
    if (row.region !== undefined) {
      s.selected = row.region;
      const r = v.layout.regions[row.region];
      status.say(`Selected ${regionSummary(r, v.mode)}`);
      const loc = s.locations.get(r.name);
      if (opts.reveal && loc) void link.request({ kind: 'reveal', location: loc }).catch(status.showError);
    }
    if (opts.zoom || row.kind === 'cluster') zoom.zoomTo(row.start, row.end);
    else { picture.render(); link.save(); }
    details.render();
  }

  function clear(): void {
    s.selected = undefined;
    picture.render();
    details.render();
    link.save();
  }

  return { selectRow, clear };
}
