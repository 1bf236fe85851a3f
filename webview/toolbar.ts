// The toolbar: the layout shown and the one compared with (both choose through the host), zoom
// buttons, import and export.
import { LayoutChoiceItem } from '../src/shared/protocol';
import { button, el } from './dom';
import { Exporter } from './export';
import { Picture } from './picture';
import { HostLink, MapState } from './state';
import { Status } from './status';
import { Zoom } from './zoom';

export interface Toolbar {
  readonly element: HTMLElement;
  /** Refills both selects from the state's choices. */
  fillSelects(): void;
}

export function createToolbar(s: MapState, d: { picture: Picture; zoom: Zoom; exporter: Exporter; link: HostLink; status: Status }): Toolbar {
  const { picture, zoom, exporter, link, status } = d;
  const layoutSelect = el('vscode-single-select', { 'aria-label': 'Layout shown on the map', id: 'layout-select', combobox: '' }) as HTMLElement & { value: string };
  const compareSelect = el('vscode-single-select', { 'aria-label': 'Compare with another layout', id: 'compare-select', combobox: '' }) as HTMLElement & { value: string };
  const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Address map' });
  const lbl1 = el('label', { class: 'field' }); lbl1.append(el('span', {}, 'Layout'), layoutSelect);
  const lbl2 = el('label', { class: 'field' }); lbl2.append(el('span', {}, 'Compare with'), compareSelect);
  toolbar.append(
    lbl1, lbl2,
    button('−', 'Zoom out (-)', () => zoom.zoomOutStep()),
    button('+', 'Zoom in (+)', () => zoom.zoomAt(picture.centerY(), 2)),
    button('Whole space', 'Show the whole address space (0)', () => zoom.resetZoom()),
    button('Import…', 'Import a memory map: page-table dump, /proc maps, iomem, vmallocinfo, kallsyms, System.map, crash, QEMU, ld -Map, readelf (detected)', () => void link.request({ kind: 'import' }).catch(status.showError)),
    button('Export SVG', 'Export the current view as SVG', () => void exporter.exportSvg()),
    button('Export Markdown', 'Export the layout (or the comparison) as a Markdown table', () => exporter.exportMarkdown()),
  );

  /** Set while the selects are refilled, so that their change events are not taken for the user's. */
  let filling = false;

  function fillSelects(): void {
    const current = s.mode === 'compare' ? s.compare?.a.id : s.layout?.id;
    const group = (g: LayoutChoiceItem['group']) => (g === 'workspace' ? 'workspace' : g === 'import' ? 'imported' : g === 'boot' ? 'this boot' : g === 'derived' ? 'derived from headers' : 'preset');
    const items = [...s.choices];
    if (current && !items.some((c) => c.id === current)) items.unshift({ id: current, title: current, group: 'import' });
    const option = (value: string, label: string, description: string, selected: boolean) => {
      const o = el('vscode-option', { value, description }, label);
      if (selected) o.setAttribute('selected', '');
      return o;
    };
    layoutSelect.replaceChildren(...items.map((c) => option(c.id, c.id, `${c.title} · ${group(c.group)}`, c.id === current)));
    const other = s.mode === 'compare' ? s.compare?.b.id ?? '' : '';
    compareSelect.replaceChildren(option('', '— none —', 'show one layout', !other),
      ...items.filter((c) => c.id !== current).map((c) => option(c.id, c.id, c.title, c.id === other)));
    filling = true;
    setTimeout(() => { layoutSelect.value = current ?? ''; compareSelect.value = other; filling = false; }, 0);
  }

  layoutSelect.addEventListener('change', () => {
    if (filling) return;
    const id = layoutSelect.value;
    if (!id) return;
    const other = s.mode === 'compare' ? s.compare?.b.id : undefined;
    void link.request(other && other !== id ? { kind: 'compare', a: id, b: other } : { kind: 'selectLayout', id }).catch(status.showError);
  });
  compareSelect.addEventListener('change', () => {
    if (filling) return;
    const b = compareSelect.value;
    const a = s.mode === 'compare' ? s.compare?.a.id : s.layout?.id;
    if (!a) return;
    void link.request(b ? { kind: 'compare', a, b } : { kind: 'selectLayout', id: a }).catch(status.showError);
  });

  return { element: toolbar, fillSelects };
}
