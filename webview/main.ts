// The address-map webview: draws the view model of src/engine/map/model.ts as SVG, with a details
// pane, a legend, the active file's markers and problems, imported memory maps drawn over the layout
// with this boot's layouts, a comparison of two layouts, zoom with the mouse and the keyboard, and export. Every string from a layout, a dump or the workspace goes into
// the DOM as textContent or an attribute value, never as markup.
//
// This file composes the views; the state and the link to the host are in state.ts, each view in a
// file of its own (picture, tooltip, zoom, pointer, keyboard, selection, toolbar, summary, details,
// legend, markers, problems, not placed, export).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-split-layout/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import './map.css';
import { createDetails } from './details';
import { el } from './dom';
import { createExporter } from './export';
import { createImportList } from './imports';
import { attachKeyboard } from './keyboard';
import { createLegend } from './legend';
import { createMarkerList } from './markers';
import { createPicture } from './picture';
import { attachPointer } from './pointer';
import { createProblemList } from './problems';
import { createSelection } from './selection';
import { connect, createState, setCursor, setImports, setMarkers, showComparison, showLayout, VsCodeApi } from './state';
import { createStatus } from './status';
import { createSummary } from './summary';
import { createUnplacedList } from './unplaced';
import { adoptKindColours } from './theme';
import { createToolbar } from './toolbar';
import { createTooltip } from './tooltip';
import { createZoom } from './zoom';

declare function acquireVsCodeApi(): VsCodeApi;

function start(api: VsCodeApi): void {
  const s = createState();
  const link = connect(api, s);

  const app = document.getElementById('app')!;
  app.replaceChildren();
  app.removeAttribute('aria-busy');

  // The views, each given the state and the few others it acts on.
  const status = createStatus();
  const picture = createPicture(s);
  const tooltip = createTooltip(s, picture.pane);
  const zoom = createZoom(s, { picture, link, status });
  const zoomTo = zoom.zoomTo;
  const summary = createSummary(s);
  const details = createDetails(s, { link, status, zoomTo });
  const legend = createLegend(s);
  const unplaced = createUnplacedList(s);
  const markers = createMarkerList(s, { link, status });
  const problems = createProblemList(s, { link, status, zoomTo });
  const imports = createImportList(s, { link, status, redraw: () => picture.render() });
  const selection = createSelection(s, { picture, zoom, details, link, status });
  attachPointer(s, { picture, zoom, tooltip, selection, link, status });
  const keyboard = attachKeyboard(s, { picture, zoom, tooltip, selection, status });
  const exporter = createExporter(s, { picture, link, status });
  const toolbar = createToolbar(s, { picture, zoom, exporter, link, status });

  // The page: toolbar, title, and the map and side panes of a split.
  const split = el('vscode-split-layout', { split: 'vertical', 'initial-handle-position': '66%', 'min-start': '320px', 'min-end': '220px', class: 'split' });
  picture.pane.append(tooltip.element, status.element);
  const side = el('div', { slot: 'end', class: 'side', id: 'side' });
  side.append(summary.element, details.element, unplaced.element, imports.element, legend.element, markers.element, problems.element);
  split.append(picture.pane, side);
  app.append(toolbar.element, picture.titleBar, split);
  adoptKindColours();

  const renderSide = () => { summary.render(); details.render(); unplaced.render(); imports.render(); legend.render(); markers.render(); problems.render(); };

  link.listen((m) => {
    switch (m.type) {
      case 'show':
        showLayout(s, m);
        toolbar.fillSelects();
        picture.render();
        renderSide();
        link.save();
        break;
      case 'compare':
        showComparison(s, m);
        toolbar.fillSelects();
        picture.render();
        renderSide();
        link.save();
        break;
      case 'markers':
        setMarkers(s, m);
        picture.requestRender();
        renderSide();
        break;
      case 'cursor':
        setCursor(s, m);
        picture.requestRender();
        renderSide();
        break;
      case 'command':
        keyboard.command(m.command);
        break;
      case 'imports':
        setImports(s, m.imports, m.choices);
        toolbar.fillSelects();
        picture.render();
        renderSide();
        break;
    }
  }, (q) => (q.kind === 'snapshot' ? exporter.snapshot() : exporter.svg()));

  /** Side by side when there is room, stacked in a narrow panel. */
  let narrow: boolean | undefined;
  const arrange = () => {
    const w = app.getBoundingClientRect().width;
    const isNarrow = w < 900;
    if (isNarrow === narrow) return;
    narrow = isNarrow;
    split.setAttribute('split', isNarrow ? 'horizontal' : 'vertical');
    split.setAttribute('initial-handle-position', isNarrow ? '64%' : '68%');
    (split as HTMLElement & { resetHandlePosition?: () => void }).resetHandlePosition?.();
  };
  arrange();
  new ResizeObserver(() => { arrange(); picture.requestRender(); }).observe(app);
  new ResizeObserver(() => picture.requestRender()).observe(picture.pane);
  link.ready();
}

start(acquireVsCodeApi());
