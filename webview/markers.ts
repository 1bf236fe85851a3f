// The active file's markers: each address constant of the editor drawn on the map, listed with its
// value; a click reveals it in the editor, the one under the cursor is highlighted.
import { formatHex } from '../src/engine/paging/numbers';
import { collapsible, el } from './dom';
import { HostLink, MapState } from './state';
import { Status } from './status';

/** At most this many entries are listed (all are drawn). */
const LISTED = 300;

export interface MarkerList {
  /** The collapsible section of the side pane. */
  readonly element: HTMLElement;
  render(): void;
}

export function createMarkerList(s: MapState, d: { link: HostLink; status: Status }): MarkerList {
  const { link, status } = d;
  const markerList = el('ul', { id: 'markers', class: 'plain-list' });
  const section = collapsible('Markers of the active file', markerList);
  return {
    element: section,
    render() {
      markerList.replaceChildren();
      section.setAttribute('heading', s.fileName ? `Markers of ${s.fileName} (${s.markers.length})` : 'Markers of the active file');
      if (!s.markers.length) markerList.append(el('li', { class: 'muted' }, s.mode === 'compare' ? 'Markers are shown on a single layout.' : 'No address constants in the active editor.'));
      for (const [i, m] of s.markers.slice(0, LISTED).entries()) {
        const li = el('li', {});
        const b = el('button', { class: 'link-button', type: 'button', 'data-marker': String(i), title: 'Reveal in the editor' });
        b.append(el('span', { class: 'marker-name' }, m.name), el('span', { class: 'muted' }, ` ${formatHex(m.value, { grouped: true })}`));
        b.addEventListener('click', () => void link.request({ kind: 'reveal', location: m.location }).catch(status.showError));
        li.append(b);
        if (s.cursor === m.value) li.classList.add('highlight');
        markerList.append(li);
      }
    },
  };
}
