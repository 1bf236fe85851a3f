// The problems on the map: each one drawn over its address range, listed with its severity; a click
// reveals it in the editor, or zooms to its range when it has no place in a file.
import { collapsible, el } from './dom';
import { HostLink, MapState } from './state';
import { Status } from './status';

/** At most this many entries are listed (all are drawn). */
const LISTED = 300;

export interface ProblemList {
  /** The collapsible section of the side pane. */
  readonly element: HTMLElement;
  render(): void;
}

export function createProblemList(s: MapState, d: { link: HostLink; status: Status; zoomTo(start: bigint, end: bigint): void }): ProblemList {
  const { link, status } = d;
  const problemList = el('ul', { id: 'problems', class: 'plain-list' });
  const section = collapsible('Problems on the map', problemList);
  return {
    element: section,
    render() {
      problemList.replaceChildren();
      section.setAttribute('heading', `Problems on the map (${s.problems.length})`);
      if (!s.problems.length) problemList.append(el('li', { class: 'muted' }, 'None.'));
      for (const p of s.problems.slice(0, LISTED)) {
        const li = el('li', { class: `problem-item ${p.severity}` });
        const b = el('button', { class: 'link-button', type: 'button' }, `${p.severity}: ${p.message}`);
        b.addEventListener('click', () => { if (p.location) void link.request({ kind: 'reveal', location: p.location }).catch(status.showError); else d.zoomTo(p.start, p.end); });
        li.append(b);
        problemList.append(li);
      }
    },
  };
}
