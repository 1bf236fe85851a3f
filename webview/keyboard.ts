// The keyboard on the map: arrows, Home and End move between regions (the live region reads each
// out), Enter zooms to a region, Space selects it, + - 0 Backspace zoom, Page Up/Down pan, Escape
// clears the selection. The host's forwarded keybindings (zoom in/out, reset, focus) land here too.
import { HostMessage } from '../src/shared/protocol';
import { hitOf, Picture, TOP } from './picture';
import { Selection } from './selection';
import { MapState } from './state';
import { Status } from './status';
import { Tooltip } from './tooltip';
import { Zoom } from './zoom';

export type MapCommand = Extract<HostMessage, { type: 'command' }>['command'];

export interface Keyboard {
  /** Runs a command forwarded by the host. */
  command(c: MapCommand): void;
}

export function attachKeyboard(s: MapState, d: { picture: Picture; zoom: Zoom; tooltip: Tooltip; selection: Selection; status: Status }): Keyboard {
  const { picture, zoom, tooltip, selection, status } = d;

  picture.svg.addEventListener('keydown', (e) => {
    const items = picture.focusables();
    const current = document.activeElement instanceof SVGElement ? items.indexOf(document.activeElement) : -1;
    const move = (i: number) => {
      if (!items.length) return;
      const next = Math.max(0, Math.min(items.length - 1, i));
      items.forEach((n) => n.setAttribute('tabindex', '-1'));
      items[next].setAttribute('tabindex', '0');
      items[next].focus({ preventScroll: true });
      s.focusRow = next;
      const hit = hitOf(items[next]);
      const lines = hit ? tooltip.lines(hit) : [];
      status.say(lines.join(', '));
    };
    const focusY = () => {
      const n = items[current];
      if (!n) return picture.centerY();
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
        if (hit?.ref === 'row') selection.selectRow(hit.index, { zoom: true });
        break;
      case ' ':
        if (hit?.ref === 'row') selection.selectRow(hit.index, { reveal: true });
        break;
      case '+': case '=': zoom.zoomAt(focusY(), 2); break;
      case '-': case '_': zoom.zoomOutStep(focusY()); break;
      case '0': zoom.resetZoom(); break;
      case 'Backspace': zoom.zoomOutStep(); break;
      case 'PageDown': zoom.pan(picture.picHeight() / 3); break;
      case 'PageUp': zoom.pan(-picture.picHeight() / 3); break;
      case 'Escape': selection.clear(); break;
      default: return;
    }
    e.preventDefault();
  });

  return {
    command(c) {
      if (c === 'zoomIn') zoom.zoomAt(picture.centerY(), 2);
      else if (c === 'zoomOut') zoom.zoomOutStep();
      else if (c === 'resetZoom') zoom.resetZoom();
      else if (c === 'focusMap') picture.focusables()[s.focusRow]?.focus();
    },
  };
}
