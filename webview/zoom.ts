// Zoom and pan: the window of the address space on the map, a stack of the windows zoomed out of,
// and the steps the wheel, the keyboard, the toolbar and the host's commands take.
import { AddrWindow, panWindow, windowFor, zoomWindow } from '../src/engine/map/model';
import { formatHex } from '../src/engine/paging/numbers';
import { Picture } from './picture';
import { bounds, HostLink, MapState } from './state';
import { Status } from './status';

export interface Zoom {
  /** Zooms in (factor > 1) or out around a height of the picture. */
  zoomAt(y: number, factor: number): void;
  /** Back to the window zoomed out of, or out around `y` when there is none. */
  zoomOutStep(y?: number): void;
  resetZoom(): void;
  zoomTo(start: bigint, end: bigint): void;
  /** Moves the window by `dy` pixels of the picture. */
  pan(dy: number): void;
}

export function createZoom(s: MapState, d: { picture: Picture; link: HostLink; status: Status }): Zoom {
  const { picture, link, status } = d;

  function setWindow(w: AddrWindow | undefined, push = true): void {
    const full = bounds(s);
    const cur = s.window ?? full;
    if (w && w.start === cur.start && w.end === cur.end) return;
    if (push) s.zoomStack.push(cur);
    if (s.zoomStack.length > 200) s.zoomStack.shift();
    s.window = w && (w.start !== full.start || w.end !== full.end) ? w : undefined;
    picture.render();
    link.save();
  }

  function zoomAt(y: number, factor: number): void {
    if (!s.view) return;
    setWindow(zoomWindow(s.view.scale, y, factor, bounds(s)));
  }

  function zoomOutStep(y = picture.centerY()): void {
    const prev = s.zoomStack.pop();
    if (prev) { setWindow(prev, false); return; }
    if (!s.view) return;
    setWindow(zoomWindow(s.view.scale, y, 0.25, bounds(s)), false);
  }

  function resetZoom(): void {
    s.zoomStack = [];
    setWindow(undefined, false);
  }

  function zoomTo(start: bigint, end: bigint): void {
    setWindow(windowFor(start, end, bounds(s)));
    status.say(`Zoomed to ${formatHex(start)}–${formatHex(end)}`);
  }

  function pan(dy: number): void {
    if (!s.view) return;
    const w = panWindow(s.view.scale, dy, bounds(s));
    s.window = w.start === bounds(s).start && w.end === bounds(s).end ? undefined : w;
    picture.requestRender();
    link.save();
  }

  return { zoomAt, zoomOutStep, resetZoom, zoomTo, pan };
}
