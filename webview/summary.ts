// The comparison summary at the top of the side pane: what changed from one layout to the other,
// one sentence per change. Hidden while one layout is shown.
import { el } from './dom';
import { MapState } from './state';

export interface Summary {
  readonly element: HTMLElement;
  render(): void;
}

export function createSummary(s: MapState): Summary {
  const summary = el('section', { id: 'summary', class: 'summary', 'aria-label': 'Difference between the two layouts', 'aria-live': 'polite' });
  return {
    element: summary,
    render() {
      summary.replaceChildren();
      summary.hidden = !(s.mode === 'compare' && s.compare);
      if (s.mode === 'compare' && s.compare) {
        summary.append(el('h2', {}, `${s.compare.a.id} → ${s.compare.b.id}`));
        const ul = el('ul', { class: 'summary-lines' });
        for (const line of s.compare.lines) ul.append(el('li', {}, line));
        summary.append(ul);
      }
    },
  };
}
