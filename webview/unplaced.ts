// The regions a derived layout could not place (a boundary its headers do not give, an overlap): one
// line each with the reason, so that what the map leaves out is said. Hidden when there are none.
import { formatHex } from '../src/engine/paging/numbers';
import { collapsible, el } from './dom';
import { MapState } from './state';

export interface UnplacedList {
  /** The collapsible section of the side pane. */
  readonly element: HTMLElement;
  render(): void;
}

export function createUnplacedList(s: MapState): UnplacedList {
  const list = el('ul', { id: 'unplaced', class: 'plain-list unplaced-list', 'aria-label': 'Regions of the derivation that are not placed' });
  const element = collapsible('Not placed', list);
  return {
    element,
    render() {
      list.replaceChildren();
      const items = s.mode === 'compare' ? [] : s.layout?.unplaced ?? [];
      element.hidden = items.length === 0;
      for (const u of items) {
        const li = el('li', {});
        li.append(el('strong', {}, u.name), el('span', { class: 'muted' }, ` (${u.kind}${u.start !== undefined ? `, start ${formatHex(u.start, { grouped: true })}` : ''})`), el('div', {}, u.reason));
        list.append(li);
      }
    },
  };
}
