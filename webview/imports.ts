// The side pane's imports: this boot's layouts (show one, compare it with its static layout, use it in
// the editor) and every imported memory map with its detected format, what is drawn of it on the
// layout shown (or why nothing), the addresses the kernel hid, and a switch for its overlay; then the
// files of this machine that could not be read, and why.
import { button, collapsible, el } from './dom';
import { lanes } from './overlays';
import { HostLink, MapState } from './state';
import { Status } from './status';

export interface ImportList {
  readonly element: HTMLElement;
  render(): void;
}

export function createImportList(s: MapState, d: { link: HostLink; status: Status; redraw(): void }): ImportList {
  const { link, status } = d;
  const body = el('div', { id: 'imports', class: 'imports' });
  const section = collapsible('Imports and this boot', body);
  const ask = (r: Parameters<HostLink['request']>[0]) => void link.request(r).catch(status.showError);

  function render(): void {
    body.replaceChildren();
    section.setAttribute('heading', `Imports and this boot (${s.overlays.length})`);
    const shown = s.mode === 'compare' ? s.compare?.a.id : s.layout?.id;
    if (s.boots.length) {
      body.append(el('h3', {}, 'This boot'));
      const ul = el('ul', { class: 'plain-list boots' });
      for (const b of s.boots) {
        const li = el('li', { class: 'boot', 'data-boot': b.id });
        const head = el('div', { class: 'boot-head' });
        head.append(el('strong', {}, b.name), el('span', { class: 'muted' }, ` on ${b.staticId}${b.active ? ' · in use in the editor' : b.current ? ' · hovers use it' : ''}`));
        li.append(head);
        if (b.lines.length) {
          const moves = el('ul', { class: 'boot-moves' });
          for (const line of b.lines) moves.append(el('li', {}, line));
          li.append(moves);
        } else li.append(el('p', { class: 'muted' }, 'No region moves: the values equal the static ones.'));
        for (const p of b.problems.slice(0, 4)) li.append(el('p', { class: 'muted note' }, `note: ${p}`));
        const actions = el('div', { class: 'actions' });
        if (shown !== b.id || s.mode === 'compare') actions.append(button('Show', `Show the layout of boot ${b.name}`, () => ask({ kind: 'selectLayout', id: b.id })));
        actions.append(button(`Compare with ${b.staticId}`, `Compare boot ${b.name} with the static layout ${b.staticId}`, () => ask({ kind: 'compare', a: b.staticId, b: b.id })));
        if (!b.active) actions.append(button('Use in the editor', `Use this boot's layout for hovers, diagnostics and the status bar`, () => ask({ kind: 'useLayout', id: b.id })));
        li.append(actions);
        ul.append(li);
      }
      body.append(ul);
    }
    body.append(el('h3', {}, 'Imported memory maps'));
    if (!s.overlays.length) body.append(el('p', { class: 'muted' }, 'None. Import a page-table dump, /proc maps, iomem, vmallocinfo, kallsyms, System.map, crash, QEMU, ld -Map or readelf output; or read this machine\'s.'));
    const drawn = lanes(s);
    const ul = el('ul', { class: 'plain-list overlays' });
    s.overlays.forEach((o, i) => {
      const li = el('li', { class: 'overlay-item', 'data-overlay': o.id });
      const lane = drawn.indexOf(i);
      const label = el('label', { class: 'overlay-toggle' });
      const box = el('input', { type: 'checkbox', 'aria-label': `Draw ${o.title} over the layout` }) as HTMLInputElement;
      box.checked = !s.hiddenOverlays.has(o.id);
      box.disabled = !o.drawable;
      box.addEventListener('change', () => {
        if (box.checked) s.hiddenOverlays.delete(o.id); else s.hiddenOverlays.add(o.id);
        d.redraw();
        render();
        link.save();
      });
      label.append(box, el('span', { class: `swatch overlay-swatch${lane >= 0 ? ` lane-${lane}` : ''}`, 'aria-hidden': 'true' }), el('strong', {}, o.title));
      li.append(label, el('div', { class: 'muted' }, `${o.formatTitle}${o.live ? ' · this machine' : ''}`));
      const state = s.mode === 'compare' ? 'drawn over a single layout, not in a comparison'
        : !o.drawable ? `not drawn: ${o.why ?? 'nothing to draw'}`
        : s.hiddenOverlays.has(o.id) ? 'switched off'
          : lane < 0 ? `not drawn: at most ${drawn.length} overlays at once; switch another off`
            : `${o.entries.length} of ${o.total} entr${o.total === 1 ? 'y' : 'ies'} drawn (lane ${lane + 1})`;
      li.append(el('div', { class: 'overlay-state' }, state));
      if (o.hidden) li.append(el('div', { class: 'hidden-note' }, o.hidden.text));
      for (const n of o.notes) li.append(el('div', { class: 'muted note' }, n));
      const actions = el('div', { class: 'actions' });
      if (shown !== o.id && o.entries.length) actions.append(button('Show on its own', `Show ${o.title} as a layout of its own`, () => ask({ kind: 'selectLayout', id: o.id })));
      actions.append(button('Remove', `Remove the import ${o.title}`, () => ask({ kind: 'removeImport', id: o.id })));
      li.append(actions);
      ul.append(li);
    });
    body.append(ul);
    if (s.live.length) {
      body.append(el('h3', {}, 'This machine: not read'));
      const lu = el('ul', { class: 'plain-list live-notes' });
      for (const n of s.live) {
        const li = el('li', {});
        li.append(el('code', {}, n.path), el('span', {}, ` — ${n.reason}`));
        lu.append(li);
      }
      body.append(lu);
    }
    const actions = el('div', { class: 'actions' });
    actions.append(
      button('Import…', 'Import a memory map (the format is detected)', () => ask({ kind: 'import' })),
      button('Read this machine', 'Read this machine\'s /proc and debugfs memory maps', () => ask({ kind: 'readThisMachine' })),
    );
    body.append(actions);
  }

  return { element: section, render };
}
