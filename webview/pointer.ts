// The pointer on the map: the wheel zooms (with Shift it pans), a drag pans, hovering shows the
// tooltip, a click selects a region or reveals a marker's or a problem's place in the editor, a click
// on an import's entry selects the region it lies in and shows the entry (on several: zooms to them),
// a double click zooms in.
import { hitOf, Picture, TOP } from './picture';
import { Selection } from './selection';
import { HostLink, MapState } from './state';
import { Status } from './status';
import { Tooltip } from './tooltip';
import { Zoom } from './zoom';

export function attachPointer(s: MapState, d: { picture: Picture; zoom: Zoom; tooltip: Tooltip; selection: Selection; link: HostLink; status: Status }): void {
  const { picture, zoom, tooltip, selection, link, status } = d;
  const svg = picture.svg;

  svg.addEventListener('wheel', (e) => {
    e.preventDefault();
    const y = e.offsetY - TOP;
    if (e.shiftKey) { zoom.pan(e.deltaY); return; }
    if (e.deltaY < 0) zoom.zoomAt(y, 1.6); else zoom.zoomOutStep(y);
  }, { passive: false });

  let drag: { y: number; moved: boolean } | undefined;
  svg.addEventListener('pointerdown', (e) => { if (e.button === 0) drag = { y: e.clientY, moved: false }; });
  svg.addEventListener('pointermove', (e) => {
    if (drag && e.buttons & 1) {
      const dy = e.clientY - drag.y;
      if (Math.abs(dy) > 3 || drag.moved) {
        drag.moved = true;
        drag.y = e.clientY;
        zoom.pan(-dy);
        tooltip.hide();
        return;
      }
    }
    tooltip.show(e);
  });
  svg.addEventListener('pointerup', () => { setTimeout(() => { drag = undefined; }, 0); });
  svg.addEventListener('pointerleave', () => { tooltip.hide(); });

  svg.addEventListener('click', (e) => {
    if (drag?.moved) return;
    const hit = hitOf(e.target);
    if (!hit) return;
    // The first click re-renders the picture, so a double click is read from the click count.
    if (hit.ref === 'row') { s.entry = undefined; selection.selectRow(hit.index, e.detail >= 2 ? { zoom: true } : { reveal: true }); }
    else if (hit.ref === 'overlay') {
      const m = s.overlayMarks[hit.index];
      const v = s.view;
      if (!m || !v || !('rows' in v)) return;
      if (m.first !== m.last) { zoom.zoomTo(m.start, m.end); return; }
      const start = s.overlays[m.overlay]?.entries[m.first]?.start ?? m.start;
      const row = v.rows.findIndex((r) => r.region !== undefined && r.start <= start && start <= r.end);
      s.entry = { overlay: m.overlay, index: m.first, region: row >= 0 ? v.rows[row].region : undefined };
      if (row >= 0) selection.selectRow(row);
      else { s.selected = undefined; selection.clear(); }
      status.say(`Selected ${s.overlays[m.overlay]?.title}: ${s.overlays[m.overlay]?.entries[m.first]?.name}`);
    }
    else if (hit.ref === 'marker') { const m = s.markers[hit.index]; if (m) void link.request({ kind: 'reveal', location: m.location }).catch(status.showError); }
    else if (hit.ref === 'problem') { const p = s.problems[hit.index]; if (p?.location) void link.request({ kind: 'reveal', location: p.location }).catch(status.showError); }
  });
  svg.addEventListener('dblclick', (e) => {
    const hit = hitOf(e.target);
    const v = s.view;
    if (!hit && v) zoom.zoomAt(e.offsetY - TOP, 2);
  });
}
