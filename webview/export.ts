// Export: the current view as a standalone SVG (the engine's renderer, in the theme's colours), the
// layout or the comparison as Markdown (written by the host), and the snapshot of what is shown
// that the host asks for in tests.
import { renderSvg } from '../src/engine/map/model';
import { MapSnapshot } from '../src/shared/protocol';
import { lanes } from './overlays';
import { Picture } from './picture';
import { HostLink, MapState } from './state';
import { Status } from './status';
import { resolvePalette } from './theme';

export interface Exporter {
  /** The current view as SVG text. */
  svg(): string;
  exportSvg(): Promise<void>;
  exportMarkdown(): void;
  snapshot(): MapSnapshot;
}

export function createExporter(s: MapState, d: { picture: Picture; link: HostLink; status: Status }): Exporter {
  const { picture, link, status } = d;

  function svg(): string {
    const { width } = picture.size();
    const height = picture.picHeight();
    if (s.mode === 'compare' && s.compare) {
      return renderSvg({ layout: s.compare.a, compare: { b: s.compare.b, summary: s.compare.lines }, window: s.window, width, height, palette: resolvePalette() });
    }
    if (!s.layout) return '';
    const v = s.view && 'rows' in s.view ? s.view : undefined;
    const sel = v && s.selected !== undefined ? v.rows.findIndex((r) => r.region === s.selected) : -1;
    return renderSvg({ layout: s.layout, window: s.window, width, height, markers: s.markers, problems: s.problems, palette: resolvePalette(), selected: sel >= 0 ? sel : undefined });
  }

  async function exportSvg(): Promise<void> {
    try {
      await link.request({ kind: 'export', format: 'svg', svg: svg(), layoutId: s.layout?.id ?? '' });
    } catch (e) { status.showError(e); }
  }

  function exportMarkdown(): void {
    void link.request({ kind: 'export', format: 'md', layoutId: s.layout?.id ?? '' }).catch(status.showError);
  }

  function snapshot(): MapSnapshot {
    const v = s.view;
    let rows: string[] = [];
    if (v && 'rows' in v) rows = v.rows.map((r) => r.label);
    else if (v && 'columns' in v) rows = [...v.columns[0].filter((r) => r.region !== undefined).map((r) => `A: ${v.a.regions[r.region!].name}`), ...v.columns[1].filter((r) => r.region !== undefined).map((r) => `B: ${v.b.regions[r.region!].name}`)];
    return {
      mode: s.mode,
      layoutIds: s.mode === 'compare' && s.compare ? [s.compare.a.id, s.compare.b.id] : s.layout ? [s.layout.id] : [],
      rows, scale: v?.scale.text ?? '',
      selected: s.selected !== undefined ? s.layout?.regions[s.selected]?.name : undefined,
      summary: s.compare && s.mode === 'compare' ? s.compare.lines : [],
      overlays: s.overlays.map((o, i) => {
        const lane = lanes(s).indexOf(i);
        const drawn = s.mode !== 'single' ? 'not drawn (a comparison)' : !o.drawable ? `not drawn (${o.why ?? 'nothing to draw'})`
          : s.hiddenOverlays.has(o.id) ? 'switched off' : lane < 0 ? 'not drawn (no free lane)'
            : `${o.entries.length} of ${o.total} drawn, ${s.overlayMarks.filter((m) => m.overlay === i).length} marks`;
        return `${o.title} [${o.formatTitle}]: ${drawn}${o.hidden ? `; ${o.hidden.text}` : ''}`;
      }),
      boots: s.boots.map((b) => b.id),
      randomised: s.mode === 'compare' && s.compare
        ? [...s.compare.a.regions.filter((r) => r.randomised).map((r) => `A: ${r.name}`), ...s.compare.b.regions.filter((r) => r.randomised).map((r) => `B: ${r.name}`)]
        : (s.layout?.regions ?? []).filter((r) => r.randomised).map((r) => r.name),
      unplaced: s.mode === 'compare' ? [] : (s.layout?.unplaced ?? []).map((u) => `${u.name}: ${u.reason}`),
      markers: s.markers.map((m) => m.name),
    };
  }

  return { svg, exportSvg, exportMarkdown, snapshot };
}
