// The legend: a swatch and a count for each region kind on the picture, then the unmapped and the
// cluster swatches.
import { collapsible, el } from './dom';
import { MapState } from './state';

export interface Legend {
  /** The collapsible section of the side pane. */
  readonly element: HTMLElement;
  render(): void;
}

export function createLegend(s: MapState): Legend {
  const legend = el('ul', { id: 'legend', class: 'legend', 'aria-label': 'Legend: colours by region kind' });
  return {
    element: collapsible('Legend', legend),
    render() {
      legend.replaceChildren();
      const layouts = s.mode === 'compare' && s.compare ? [s.compare.a, s.compare.b] : s.layout ? [s.layout] : [];
      const counts = new Map<string, number>();
      for (const l of layouts) for (const r of l.regions) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
      for (const [kind, n] of [...counts.entries()].sort()) {
        const li = el('li', {});
        li.append(el('span', { class: `swatch k-${kind}`, 'aria-hidden': 'true' }), el('span', {}, kind), el('span', { class: 'muted' }, ` ${n}`));
        legend.append(li);
      }
      legend.append(Object.assign(el('li', {}), { textContent: '' }));
      const gapLi = el('li', {});
      gapLi.append(el('span', { class: 'swatch gap-swatch', 'aria-hidden': 'true' }), el('span', {}, 'unmapped (no region)'));
      const clLi = el('li', {});
      clLi.append(el('span', { class: 'swatch cluster-swatch', 'aria-hidden': 'true' }), el('span', {}, 'several small regions (zoom in)'));
      legend.append(gapLi, clLi);
      if (layouts.some((l) => l.regions.some((r) => r.randomised))) {
        const rLi = el('li', {});
        rLi.append(el('span', { class: 'swatch randomised-swatch', 'aria-hidden': 'true' }), el('span', {}, 'randomised at boot (KASLR): drawn at its boot default'));
        legend.append(rLi);
      }
    },
  };
}
