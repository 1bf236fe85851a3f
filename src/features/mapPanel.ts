// The address-space map: a webview panel showing a layout (or two, compared), the active editor's
// constants as markers, the workspace's own #define layout, imported memory maps (each as a layout of
// its own and as an overlay of the layout shown) and this boot's layouts beside the static ones.
// Commands: pagingLayout.showMap, pagingLayout.compareOnMap, pagingLayout.importMemoryMap,
// pagingLayout.removeImports, pagingLayout.exportMap.
// The panel keeps no context when hidden: the webview stores its view state with setState and the
// serializer restores the panel after a window reload.
import * as vscode from 'vscode';
import * as path from 'path';
import { diffLayouts, diffMarkdown, Layout, mapMarkdown, modeOf, parseAddress } from '../engine/paging';
import { addDefinitionValue, analysisMarkers, describeDiff, deriveWorkspaceLayout, FileConstant as DefinedConstant, FORMAT_TITLES, ImportFormat, ImportResult, isImportFormat, WORKSPACE_LAYOUT_ID } from '../engine/map';
import { DocumentAnalysis } from '../engine/source';
import { Correlator, HostMessage, HostRequest, hexOf, isMessage, LayoutChoiceItem, MapSnapshot, MapViewState, PROTOCOL_VERSION, toWireLayout, WebviewMessage, WebviewQuery, WireImports, WireLocation, WireMarker, WireProblem } from '../shared/protocol';
import { DIAGNOSTIC_SOURCE, diagnosticCode, EXCLUDED_FOLDERS, FILE_PATTERN, LayoutService, PagingContext } from '../context';
import { constantAtCursor, constantNamed, LineDiagnostic, mapMarkers } from '../present';
import { bootCompareLines, formatName, importLayoutOf, importSummary, isBootLayout, overlayOf, wireBoot } from '../present/boot';

const MAP_VIEW_TYPE = 'pagingLayout.map';
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
const MAX_SCAN_FILES = 2000;
const MAX_SCAN_FILE_BYTES = 1024 * 1024;
/** Editors with more lines show no markers on the map. */
const MAX_MARKER_LINES = 50_000;
/** The longest the map's markers are computed at one go on the extension host's thread (ms). */
const MARKER_SLICE_MS = 8;

interface MarkerSet { markers: WireMarker[]; problems: WireProblem[]; fileName?: string }

type Post = Extract<HostMessage, { type: string }>;
type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}

/** The workspace's own layout, rebuilt from its headers, assembly files and linker scripts on demand. */
class WorkspaceDefinesLayout {
  private cached?: { layout: Layout; locations: Map<string, WireLocation>; problems: WireProblem[] };
  private building?: Promise<void>;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private timer?: NodeJS.Timeout;

  /** `derivedFolder`: whether a folder has a derived layout (its files are left out: the derived layout stands in). */
  constructor(private readonly layouts: LayoutService, private readonly derivedFolder: (folder: string) => boolean) {}

  invalidate(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.cached = undefined; this.emitter.fire(); }, 400);
  }

  async get(): Promise<typeof this.cached> {
    if (this.cached) return this.cached;
    this.building ??= this.build().finally(() => { this.building = undefined; });
    await this.building;
    return this.cached;
  }

  /** The layout if it is made already; otherwise undefined at once (the map never waits for a scan), the scan started, `ready` called after it. */
  peek(ready: () => void): typeof this.cached {
    if (this.cached) return this.cached;
    void this.get().then(() => { if (this.cached) ready(); }, () => undefined);
    return undefined;
  }

  private async build(): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => !this.derivedFolder(f.uri.fsPath));
    if (!folders.length) { this.cached = undefined; return; }
    const uris: vscode.Uri[] = [];
    for (const f of folders) uris.push(...await vscode.workspace.findFiles(new vscode.RelativePattern(f, FILE_PATTERN), EXCLUDED_FOLDERS, MAX_SCAN_FILES));
    const files: { file: string; text: string }[] = [];
    const byRel = new Map<string, vscode.Uri>();
    for (const uri of uris) {
      try {
        const st = await vscode.workspace.fs.stat(uri);
        if (st.size > MAX_SCAN_FILE_BYTES) continue;
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        const text = open ? open.getText() : Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
        const rel = vscode.workspace.asRelativePath(uri, false);
        byRel.set(rel, uri);
        files.push({ file: rel, text });
      } catch { /* unreadable: skipped */ }
    }
    const res = deriveWorkspaceLayout(files, modeOf(this.layouts.layout).id);
    if (!res.layout.regions.length) { this.cached = undefined; return; }
    const loc = (file: string, line: number, column: number): WireLocation | undefined => {
      const uri = byRel.get(file);
      return uri ? { uri: uri.toString(), line, column } : undefined;
    };
    const locations = new Map<string, WireLocation>();
    for (const [name, l] of res.locations) { const w = loc(l.file, l.line, l.column); if (w) locations.set(name, w); }
    const problems: WireProblem[] = res.problems.map((p) => ({ code: p.code, message: p.message, start: hexOf(p.start), end: hexOf(p.end), severity: 'warning', location: loc(p.file, p.line, p.column) }));
    this.cached = { layout: res.layout, locations, problems };
  }

  dispose(): void { clearTimeout(this.timer); this.emitter.dispose(); }
}

/** What Import Memory Map… returns (for tests and automation). */
interface ImportFileResult {
  /** The import's id: its own layout's id on the map. */
  id?: string;
  /** The layout the map shows after the import. */
  shown?: string;
  regions: number;
  /** Symbols of a symbol file, else the records with addresses. */
  entries: number;
  problems: { line: number; message: string }[];
  format: ImportResult['format'];
  formatTitle: string;
  /** This boot's layout, when the import gives one. */
  boot?: string;
  hidden?: ImportResult['hidden'] | null;
  summary?: string;
}

/** One map panel at a time; `show` reveals it. */
class MapPanelController implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private importsTimer?: NodeJS.Timeout;
  private derivedTimer?: NodeJS.Timeout;
  private state: MapViewState = { version: 1 };
  private readyWaiters: (() => void)[] = [];
  private ready = false;
  private correlator?: Correlator<WebviewQuery>;
  private cursorTimer?: NodeJS.Timeout;
  private markersTimer?: NodeJS.Timeout;
  /** The latest marker computation (an older one stops at its next slice). */
  private markerRun = 0;
  /** The last text editor: the map keeps its markers while the map itself has the focus. */
  private lastEditor?: vscode.TextEditor;
  readonly workspace: WorkspaceDefinesLayout;
  private readonly layouts: LayoutService;

  constructor(private readonly ctx: PagingContext) {
    this.layouts = ctx.layouts;
    this.workspace = new WorkspaceDefinesLayout(ctx.layouts, (f) => ctx.derived.hasFolder(f));
    this.lastEditor = vscode.window.activeTextEditor;
    this.disposables.push(
      this.workspace,
      this.workspace.onDidChange(() => { if (this.panel && this.state.layoutId === WORKSPACE_LAYOUT_ID && !this.state.compareWith) void this.showLayout(WORKSPACE_LAYOUT_ID); }),
      vscode.workspace.onDidSaveTextDocument(() => this.workspace.invalidate()),
      vscode.workspace.onDidCreateFiles(() => this.workspace.invalidate()),
      vscode.workspace.onDidDeleteFiles(() => this.workspace.invalidate()),
      vscode.window.onDidChangeActiveTextEditor((e) => { if (e) { this.lastEditor = e; this.scheduleMarkers(); } }),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.document === vscode.window.activeTextEditor?.document) this.scheduleMarkers(); }),
      vscode.window.onDidChangeTextEditorSelection((e) => { if (e.textEditor === vscode.window.activeTextEditor) this.scheduleCursor(); }),
      vscode.languages.onDidChangeDiagnostics(() => this.scheduleMarkers()),
      ctx.layouts.onDidChange(() => { if (this.panel && !this.state.compareWith && this.state.layoutId === undefined) void this.showLayout(undefined); }),
      ctx.boot.onDidChange(() => this.scheduleImports()),
      // A derived layout derived again (a header edited): drawn again when shown; the choices change in any case.
      ctx.derived.onDidChange(() => { this.workspace.invalidate(); this.scheduleDerived(); }),
    );
  }

  get isOpen(): boolean { return !!this.panel; }
  get viewState(): MapViewState { return { ...this.state }; }

  /** Layouts the map can show: the workspace's own, imports, this boot's layouts, presets and custom files. */
  async findLayout(id: string | undefined): Promise<Layout | undefined> {
    if (!id) return this.layouts.layout;
    // (a folder with a derived layout has no workspace-defines layout: a map saved with it shows the derived one)
    if (id === WORKSPACE_LAYOUT_ID) return (await this.workspace.get())?.layout ?? this.layouts.derivedLayouts()[0];
    return this.ctx.boot.importLayout(id) ?? this.layouts.allLayouts().find((l) => l.id === id);
  }

  private boots() {
    return this.ctx.boot.bootsFor(this.layouts.staticLayouts());
  }

  private async choices(): Promise<LayoutChoiceItem[]> {
    const out: LayoutChoiceItem[] = [];
    const ws = this.workspace.peek(() => this.scheduleImports());
    if (ws) out.push({ id: WORKSPACE_LAYOUT_ID, title: `${ws.layout.title} (${ws.layout.regions.length} regions)`, group: 'workspace' });
    for (const m of this.ctx.boot.imports) {
      const l = importLayoutOf(m);
      if (l) out.push({ id: l.id, title: `${l.title} (${formatName(m.result.format)})`, group: 'import' });
    }
    for (const b of this.boots()) out.push({ id: b.id, title: b.applied.layout.title, group: 'boot' });
    for (const l of this.layouts.allLayouts()) if (!isBootLayout(l)) out.push({ id: l.id, title: l.title, group: l.origin === 'builtin' ? 'preset' : l.origin === 'derived' ? 'derived' : 'workspace' });
    return out;
  }

  /** The imports as overlays of a layout, the boots, and this machine's files that could not be read. */
  private importsFor(layout: Layout | undefined): WireImports {
    const boots = this.boots();
    const current = this.ctx.boot.currentBoot(this.layouts.layout);
    return {
      overlays: layout ? this.ctx.boot.imports.map((m) => overlayOf(m, layout)) : [],
      boots: boots.map((b) => wireBoot(b, b === current, b.id === this.layouts.layout.id)),
      live: this.ctx.boot.live.filter((n) => n.status === 'unreadable' || n.status === 'empty').map((n) => ({ ...n })),
    };
  }

  /** After imports changed: the layout shown again if it is gone, else the new overlays and choices. */
  private scheduleImports(): void {
    if (!this.panel) return;
    clearTimeout(this.importsTimer);
    this.importsTimer = setTimeout(async () => {
      if (!this.panel) return;
      const ids = [this.state.layoutId, this.state.compareWith].filter((x): x is string => !!x);
      for (const id of ids) if (!(await this.findLayout(id))) { await this.showLayout(undefined); return; }
      // A boot shown may have changed with the imports (a System.map paired with its kallsyms): drawn again.
      if (ids.some((id) => this.boots().some((b) => b.id === id)) || (!this.state.layoutId && isBootLayout(this.layouts.layout))) {
        if (this.state.compareWith) await this.showCompare(this.state.layoutId, this.state.compareWith);
        else await this.showLayout(this.state.layoutId);
        return;
      }
      const shown = await this.findLayout(this.state.layoutId);
      this.post({ type: 'imports', imports: this.importsFor(shown), choices: await this.choices() });
    }, 60);
  }

  /** After a derivation: the layouts shown again when one of them is a derived layout, else the new choices. */
  private scheduleDerived(): void {
    if (!this.panel) return;
    const derivedIds = new Set(this.ctx.derived.entries().map((e) => e.id));
    const shown = [this.state.layoutId ?? this.layouts.layout.id, this.state.compareWith].filter((x): x is string => !!x);
    if (!shown.some((id) => derivedIds.has(id) || id === WORKSPACE_LAYOUT_ID)) { this.scheduleImports(); return; }
    clearTimeout(this.derivedTimer);
    this.derivedTimer = setTimeout(() => {
      if (!this.panel) return;
      if (this.state.compareWith) void this.showCompare(this.state.layoutId, this.state.compareWith).catch(() => this.showLayout(undefined));
      else void this.showLayout(this.state.layoutId);
    }, 60);
  }

  /** Open (or reveal) the panel. */
  open(): vscode.WebviewPanel {
    if (this.panel) { this.panel.reveal(undefined, true); return this.panel; }
    const panel = vscode.window.createWebviewPanel(MAP_VIEW_TYPE, 'Address Map', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.webviewOptions());
    this.attach(panel, undefined);
    return panel;
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist', 'webview')], enableFindWidget: true };
  }

  /** Take over a panel (a new one, or one the serializer restores with its saved state). */
  attach(panel: vscode.WebviewPanel, saved: MapViewState | undefined): void {
    this.panel = panel;
    this.ready = false;
    if (saved && typeof saved === 'object') this.state = { ...saved, version: 1 };
    panel.webview.options = this.webviewOptions();
    panel.webview.html = this.html(panel.webview);
    this.correlator = new Correlator<WebviewQuery>((requestId, request) => this.post({ type: 'request', requestId, request }), 15_000);
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((m) => void this.onMessage(m)),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        this.correlator?.dispose();
        for (const d of this.panelDisposables) d.dispose();
        this.panelDisposables = [];
      }),
    );
  }

  private html(webview: vscode.Webview): string {
    const n = nonce();
    const base = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist', 'webview');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(base, 'main.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(base, 'main.css'));
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${n}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Address Map</title>
</head>
<body>
<div id="app" aria-busy="true">Loading the address map…</div>
<script nonce="${n}" src="${script}"></script>
</body>
</html>`;
  }

  /** Mark one address on the map, as if the editor cursor stood on it. */
  highlight(value: bigint, name?: string): void {
    this.post({ type: 'cursor', value: hexOf(value), name });
  }

  private post(m: Without<Post, 'v'>): void {
    void this.panel?.webview.postMessage({ ...m, v: PROTOCOL_VERSION });
  }

  /** Resolves when the webview has said it is ready (or after 20 s). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, 20_000);
      this.readyWaiters.push(() => { clearTimeout(t); resolve(); });
    });
  }

  /** Ask the webview something (snapshot for tests, SVG for export). */
  async query<T>(q: WebviewQuery): Promise<T> {
    if (!this.panel || !this.correlator) throw new Error('the map is not open');
    await this.whenReady();
    return (await this.correlator.request(q)) as T;
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isMessage<WebviewMessage>(raw)) return;
    const m = raw;
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        if (m.state && !this.state.layoutId && !this.state.compareWith) this.state = { ...m.state, version: 1 };
        if (this.state.compareWith) await this.showCompare(this.state.layoutId, this.state.compareWith);
        else await this.showLayout(this.state.layoutId);
        for (const w of this.readyWaiters.splice(0)) w();
        break;
      }
      case 'state':
        this.state = { ...m.state, version: 1 };
        break;
      case 'response':
        this.correlator?.settle(m.requestId, m.ok, m.body, m.error);
        break;
      case 'request': {
        try {
          const body = await this.handle(m.request);
          this.post({ type: 'response', requestId: m.requestId, ok: true, body });
        } catch (e) {
          this.post({ type: 'response', requestId: m.requestId, ok: false, error: (e as Error).message });
        }
        break;
      }
    }
  }

  private async handle(r: HostRequest): Promise<unknown> {
    switch (r.kind) {
      case 'selectLayout': return this.showLayout(String(r.id));
      case 'compare': return this.showCompare(String(r.a), String(r.b));
      case 'reveal': return reveal(r.location);
      case 'import': return vscode.commands.executeCommand('pagingLayout.importMemoryMap');
      case 'copy': await vscode.env.clipboard.writeText(String(r.text).slice(0, 100_000)); return true;
      case 'export': return this.exportTo(r.format === 'svg' ? 'svg' : 'md', typeof r.svg === 'string' ? r.svg : undefined);
      case 'useLayout': {
        const id = String(r.id);
        if (!(await this.findLayout(id)) || id === WORKSPACE_LAYOUT_ID || this.ctx.boot.importLayout(id)) throw new Error(`'${id}' cannot be the editor's layout`);
        await this.layouts.select(id);
        return this.showLayout(id);
      }
      case 'revealImport': return this.revealImport(String(r.id), Number(r.line) | 0);
      case 'removeImport': return vscode.commands.executeCommand('pagingLayout.removeImports', String(r.id));
      case 'readThisMachine': return vscode.commands.executeCommand('pagingLayout.readThisMachine');
    }
  }

  /** Open an imported file at a line (the file the user picked; not a file of this machine's /proc). */
  private async revealImport(id: string, line: number): Promise<boolean> {
    const m = this.ctx.boot.imports.find((x) => x.id === id);
    if (!m?.source || m.group === 'live') throw new Error('this import has no file to open');
    const uri = vscode.Uri.parse(m.source, true);
    const doc = await vscode.workspace.openTextDocument(uri);
    const pos = new vscode.Position(Math.max(0, Math.min(doc.lineCount - 1, line - 1)), 0);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos), preserveFocus: false });
    return true;
  }

  /** Show one layout (the active one when id is undefined). */
  async showLayout(id: string | undefined, stateOverride?: Partial<MapViewState>): Promise<{ layoutId: string }> {
    const layout = (await this.findLayout(id)) ?? this.layouts.layout;
    const ws = layout.id === WORKSPACE_LAYOUT_ID ? await this.workspace.get() : undefined;
    const keepWindow = this.state.layoutId === layout.id && !this.state.compareWith;
    this.state = { version: 1, layoutId: id === undefined ? undefined : layout.id, hiddenOverlays: this.state.hiddenOverlays, ...(keepWindow ? { windowStart: this.state.windowStart, windowEnd: this.state.windowEnd, selected: this.state.selected } : {}), ...stateOverride };
    // (markers that take longer than a slice follow in a `markers` message: the map paints first)
    const { markers, problems, fileName } = this.markersOrLater(layout) ?? { markers: [], problems: [], fileName: this.markerFileName() };
    this.post({
      type: 'show', layout: toWireLayout(layout, ws ? (r) => ws.locations.get(r.name) : undefined), choices: await this.choices(),
      markers, problems: [...problems, ...(ws?.problems ?? [])], fileName, state: { ...this.state, layoutId: layout.id }, imports: this.importsFor(layout),
    });
    return { layoutId: layout.id };
  }

  async showCompare(aId: string | undefined, bId: string): Promise<{ a: string; b: string; lines: string[] }> {
    const a = (await this.findLayout(aId)) ?? this.layouts.layout;
    const b = await this.findLayout(bId);
    if (!b) throw new Error(`unknown layout '${bId}'`);
    const diff = diffLayouts(a, b);
    // This boot against its static layout: the moves first ("vmalloc: +0x2c4c0000000 from the static base").
    const lines = [...bootCompareLines(a, b, this.boots()), ...describeDiff(diff)];
    const links = diff.regions.filter((r) => r.before && r.after).map((r) => ({ name: r.name, before: hexOf(r.before!.start), after: hexOf(r.after!.start), moved: r.status === 'moved' }));
    this.state = { version: 1, layoutId: a.id, compareWith: b.id, hiddenOverlays: this.state.hiddenOverlays };
    this.post({ type: 'compare', comparison: { a: toWireLayout(a), b: toWireLayout(b), lines, links }, choices: await this.choices(), state: this.state, imports: this.importsFor(a) });
    return { a: a.id, b: b.id, lines };
  }

  /** The editor the markers come from: the active one, or the last one while the map itself has the focus. */
  private markerEditor(): vscode.TextEditor | undefined {
    return vscode.window.activeTextEditor ?? (this.lastEditor && !this.lastEditor.document.isClosed ? this.lastEditor : undefined);
  }

  /** The marker editor's file as the map names it. */
  private markerFileName(): string | undefined {
    const doc = this.markerEditor()?.document;
    return doc && doc.uri.scheme !== 'output' ? vscode.workspace.asRelativePath(doc.uri) : undefined;
  }

  /**
   * Markers for the active editor's constants, the problems they show on the layout, and its
   * diagnostics, in steps: each definition's value is one (the analysis the hover and the diagnostics
   * read, whose names may be looked up in the workspace index), a few of them a step.
   */
  private *markerSteps(layout: Layout): Generator<void, MarkerSet> {
    const editor = this.markerEditor();
    if (!editor || editor.document.uri.scheme === 'output' || editor.document.lineCount > MAX_MARKER_LINES) return { markers: [], problems: [] };
    const doc = editor.document;
    const analysis: DocumentAnalysis | undefined = this.ctx.analyses.get(doc);
    if (!analysis) return { markers: [], problems: [], fileName: vscode.workspace.asRelativePath(doc.uri) };
    const defined: DefinedConstant[] = [];
    for (let i = 0; i < analysis.definitions.length && addDefinitionValue(analysis, doc.fileName, i, defined); i++) if ((i & 7) === 7) yield;
    const constants = analysisMarkers(analysis, doc.fileName, undefined, defined);
    const diagnostics: LineDiagnostic[] = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === DIAGNOSTIC_SOURCE).map((d) => ({
      line: d.range.start.line, code: diagnosticCode(d) ?? 'diagnostic', message: d.message,
      severity: d.severity === vscode.DiagnosticSeverity.Error ? 'error' : d.severity === vscode.DiagnosticSeverity.Warning ? 'warning' : 'info',
    }));
    const { markers, problems } = mapMarkers(constants, doc.uri.toString(), layout, diagnostics);
    return { markers, problems, fileName: vscode.workspace.asRelativePath(doc.uri) };
  }

  /**
   * The markers when they take one slice of the host's thread (MARKER_SLICE_MS); otherwise undefined,
   * and the rest is computed a slice a turn and posted as a `markers` message (a newer request, a
   * document edit or another editor, stops an older one).
   */
  private markersOrLater(layout: Layout): MarkerSet | undefined {
    const run = ++this.markerRun;
    const steps = this.markerSteps(layout);
    const slice = (): MarkerSet | undefined => {
      const t0 = performance.now();
      for (;;) {
        const r = steps.next();
        if (r.done) return r.value;
        if (performance.now() - t0 > MARKER_SLICE_MS) return undefined;
      }
    };
    const now = slice();
    if (now) return now;
    const more = () => {
      if (run !== this.markerRun || !this.panel) return;
      const r = slice();
      if (r) void this.postMarkers(r, layout);
      else setTimeout(more, 0);
    };
    setTimeout(more, 0);
    return undefined;
  }

  private async postMarkers(r: MarkerSet, layout: Layout): Promise<void> {
    const ws = layout.id === WORKSPACE_LAYOUT_ID ? await this.workspace.get() : undefined;
    this.post({ type: 'markers', markers: r.markers, problems: [...r.problems, ...(ws?.problems ?? [])], fileName: r.fileName });
  }

  private scheduleMarkers(): void {
    if (!this.panel) return;
    clearTimeout(this.markersTimer);
    this.markersTimer = setTimeout(async () => {
      if (!this.panel || this.state.compareWith) return;
      const layout = (await this.findLayout(this.state.layoutId)) ?? this.layouts.layout;
      const now = this.markersOrLater(layout);
      if (now) await this.postMarkers(now, layout);
    }, 250);
  }

  private scheduleCursor(): void {
    if (!this.panel) return;
    clearTimeout(this.cursorTimer);
    this.cursorTimer = setTimeout(() => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !this.panel) return;
      const pos = editor.selection.active;
      const analysis = this.ctx.analyses.get(editor.document);
      if (!analysis) return;
      let hit = constantAtCursor(analysis, pos.line, pos.character);
      if (!hit) {
        // A #define's value evaluated in the context of the whole file.
        const word = editor.document.getWordRangeAtPosition(pos, /[A-Za-z_]\w*/);
        if (word) hit = constantNamed(analysis, editor.document.getText(word));
      }
      const value = hit?.value, name = hit?.name;
      this.post({ type: 'cursor', value: value === undefined ? null : hexOf(value), name });
    }, 120);
  }

  /**
   * Import a memory map file (its format detected unless given): kept with the workspace, drawn as an
   * overlay of every layout it fits, and shown: a picture of mappings (a page-table dump, maps, iomem,
   * vmallocinfo, QEMU, ld -Map, readelf) as its own layout; a symbol file or crash's values on the
   * layout of the boot they give (else on the layout shown).
   */
  async importFile(uri: vscode.Uri, format?: ImportFormat): Promise<ImportFileResult> {
    const name = path.basename(uri.fsPath);
    const st = await vscode.workspace.fs.stat(uri);
    if (st.size > MAX_IMPORT_BYTES) throw new Error(`${name} is larger than ${MAX_IMPORT_BYTES >> 20} MiB`);
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.subarray(0, 8192).includes(0)) throw new Error(`${name} is a binary file, not a memory map in text`);
    const text = Buffer.from(bytes).toString('utf8');
    const map = await this.ctx.boot.add(text, { name, source: uri.toString(), format, preferredStatic: this.layouts.staticOf(this.layouts.layout).id });
    const res = map.result;
    const shown = res.problems.slice(0, 3).map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message)).join('; ');
    if (!res.layout && !res.symbols?.count && !res.entries.length && !res.hidden) {
      await this.ctx.boot.remove(map.id);
      void vscode.window.showErrorMessage(`Paging Layout: nothing to import from ${name}: ${shown}`);
      return { regions: 0, entries: 0, problems: res.problems, format: res.format, formatTitle: FORMAT_TITLES[res.format] };
    }
    const boot = this.ctx.boot.bootOf(map.id);
    const own = importLayoutOf(map);
    const valuesOnly = res.symbols !== undefined || res.format === 'crash-help' || res.format === 'crash-vtop';
    const target = own && !valuesOnly ? own.id : boot ? boot.id : this.state.compareWith ? undefined : this.state.layoutId;
    const summary = `Paging Layout: imported ${importSummary(map, boot)}`;
    const actions = boot ? [`Compare with ${boot.staticLayout.id}`, 'Use this boot in the editor'] : [];
    const say = res.problems.length || res.hidden ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void Promise.resolve(say(summary, ...actions)).then(async (pick) => {
      if (!boot || !pick) return;
      if (pick === actions[0]) await this.showCompare(boot.staticLayout.id, boot.id);
      else { await this.layouts.select(boot.id); await this.showLayout(boot.id); }
    });
    this.open();
    await this.whenReady();
    const res2 = await this.showLayout(target, { windowStart: undefined, windowEnd: undefined });
    return {
      id: map.id, shown: res2.layoutId, regions: res.layout?.regions.length ?? 0, entries: res.symbols ? res.symbols.count : res.entries.length,
      problems: res.problems, format: res.format, formatTitle: FORMAT_TITLES[res.format], boot: boot?.id, hidden: res.hidden ?? null, summary,
    };
  }

  /** Export the map (SVG from the webview, or the layout/diff as Markdown) to a file the user picks. */
  async exportTo(format: 'svg' | 'md', svg?: string, target?: vscode.Uri): Promise<string | undefined> {
    const a = (await this.findLayout(this.state.layoutId)) ?? this.layouts.layout;
    const b = this.state.compareWith ? await this.findLayout(this.state.compareWith) : undefined;
    let content: string;
    if (format === 'svg') {
      content = svg ?? (this.panel ? await this.query<string>({ kind: 'svg' }) : '');
      if (!content.startsWith('<svg')) throw new Error('the map did not produce an SVG');
    } else content = b ? diffMarkdown(diffLayouts(a, b)) : mapMarkdown(a);
    const name = b ? `${a.id}-vs-${b.id}` : a.id;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = target ?? await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${name}.${format}`) : undefined,
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { Markdown: ['md'] },
      title: format === 'svg' ? 'Export the address map as SVG' : 'Export the layout as a Markdown table',
    });
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
    if (!target) void vscode.window.showInformationMessage(`Paging Layout: exported ${path.basename(uri.fsPath)}`);
    return uri.toString();
  }

  dispose(): void {
    clearTimeout(this.cursorTimer);
    clearTimeout(this.markersTimer);
    clearTimeout(this.importsTimer);
    clearTimeout(this.derivedTimer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

async function reveal(loc: WireLocation): Promise<boolean> {
  const uri = vscode.Uri.parse(String(loc.uri), true);
  if (!vscode.workspace.getWorkspaceFolder(uri) && !vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) {
    throw new Error('only workspace files can be revealed');
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const pos = new vscode.Position(Math.max(0, Number(loc.line) | 0), Math.max(0, Number(loc.column) | 0));
  const column = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())?.viewColumn ?? vscode.ViewColumn.One;
  await vscode.window.showTextDocument(doc, { viewColumn: column, selection: new vscode.Range(pos, pos), preserveFocus: false });
  return true;
}

export function register(ctx: PagingContext): void {
  const { layouts } = ctx;
  const map = new MapPanelController(ctx);
  const reg = (id: string, fn: (...args: any[]) => unknown) => ctx.subscribe(vscode.commands.registerCommand(id, fn));
  ctx.subscribe(map);
  ctx.subscribe(vscode.window.registerWebviewPanelSerializer(MAP_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      map.attach(panel, state && typeof state === 'object' ? state as MapViewState : undefined);
    },
  }));

  /** Optional argument: a layout id (a preset, a custom layout, 'workspace-defines', an import). */
  /** Or `{ address, layoutId }` (from "Show on map" on a constant): the layout, with the address marked. */
  reg('pagingLayout.showMap', async (arg?: unknown) => {
    map.open();
    await map.whenReady();
    const target = arg && typeof arg === 'object' ? arg as { address?: unknown; layoutId?: unknown } : undefined;
    const id = typeof arg === 'string' ? arg : typeof target?.layoutId === 'string' ? target.layoutId : map.viewState.layoutId;
    const shown = await map.showLayout(id);
    if (typeof target?.address === 'string') {
      try { map.highlight(parseAddress(target.address), target.address); } catch { /* not an address: show the layout only */ }
    }
    return shown;
  });

  /** Arguments a and b (layout ids) skip the pickers; returns the difference in sentences. */
  reg('pagingLayout.compareOnMap', async (a?: unknown, b?: unknown) => {
    const all = [...layouts.allLayouts()];
    const ws = await map.workspace.get();
    const pick = async (placeHolder: string) => (await vscode.window.showQuickPick(
      [...(ws ? [{ label: WORKSPACE_LAYOUT_ID, description: ws.layout.title }] : []), ...all.map((l) => ({ label: l.id, description: l.title }))],
      { placeHolder, matchOnDescription: true, ignoreFocusOut: true }))?.label;
    const aId = typeof a === 'string' ? a : await pick('First layout (left)');
    if (!aId) return undefined;
    const bId = typeof b === 'string' ? b : await pick(`Compare ${aId} with… (right)`);
    if (!bId) return undefined;
    map.open();
    await map.whenReady();
    try {
      return await map.showCompare(aId, bId);
    } catch (e) {
      void vscode.window.showErrorMessage(`Paging Layout: ${(e as Error).message}`);
      return undefined;
    }
  });

  /** Arguments: a file Uri or path (otherwise an open dialog), and a format id (otherwise detected). */
  reg('pagingLayout.importMemoryMap', async (arg?: unknown, formatArg?: unknown) => {
    let uri: vscode.Uri | undefined = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false, openLabel: 'Import',
        title: 'Import a memory map: page-table dump, /proc maps, iomem, vmallocinfo, kallsyms, System.map, crash, QEMU, ld -Map or readelf output (detected)',
        filters: { 'Memory maps': ['txt', 'log', 'dump', 'maps', 'map', ''], 'All files': ['*'] },
      });
      uri = picked?.[0];
    }
    if (!uri) return undefined;
    const format = typeof formatArg === 'string' && isImportFormat(formatArg) ? formatArg : undefined;
    try {
      return await map.importFile(uri, format);
    } catch (e) {
      void vscode.window.showErrorMessage(`Paging Layout: cannot import ${path.basename(uri.fsPath)}: ${(e as Error).message}`);
      return undefined;
    }
  });

  /** Argument: an import id, 'live' (this machine's files) or 'all'; otherwise a pick. Returns the ids removed. */
  reg('pagingLayout.removeImports', async (arg?: unknown) => {
    const imports = ctx.boot.imports;
    let ids: string[];
    if (typeof arg === 'string') ids = [arg];
    else {
      if (!imports.length) { void vscode.window.showInformationMessage('Paging Layout: no memory maps are imported.'); return []; }
      const items = [
        { label: 'All imports', description: `${imports.length}`, id: 'all' },
        ...imports.map((m) => ({ label: m.name, description: `${formatName(m.result.format)}${m.group ? ', this machine' : ''}`, id: m.id })),
      ];
      const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Remove imported memory maps (their overlays, boots and symbols)', canPickMany: true });
      if (!picked?.length) return [];
      ids = picked.some((p) => p.id === 'all') ? ['all'] : picked.map((p) => p.id);
    }
    // A removed boot's layout gives way to its static layout first.
    const live = (id: string) => imports.find((m) => m.id === id)?.group === 'live';
    const gone = (importId: string) => ids.includes('all') || ids.includes(importId) || (live(importId) && (ids.includes('live') || ids.some(live)));
    const active = ctx.boot.allBoots.find((b) => b.id === layouts.layout.id && gone(b.imports[0]));
    if (active) await layouts.select(active.staticLayout.id);
    const removed: string[] = [];
    for (const id of ids) if (await ctx.boot.remove(id)) removed.push(id);
    return removed;
  });

  /** Arguments: 'svg' | 'md', and a target Uri or path (then no dialog). */
  reg('pagingLayout.exportMap', async (format?: unknown, target?: unknown) => {
    let f: 'svg' | 'md' | undefined = format === 'svg' || format === 'md' ? format : undefined;
    if (!f) {
      const pick = await vscode.window.showQuickPick([
        { label: 'SVG image', description: 'the map as shown', f: 'svg' as const },
        { label: 'Markdown table', description: 'the layout (or the comparison) as text', f: 'md' as const },
      ], { placeHolder: 'Export the address map as…' });
      f = pick?.f;
    }
    if (!f) return undefined;
    if (f === 'svg' && !map.isOpen) { map.open(); await map.whenReady(); await map.showLayout(map.viewState.layoutId); }
    const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
    try {
      return await map.exportTo(f, undefined, uri);
    } catch (e) {
      void vscode.window.showErrorMessage(`Paging Layout: export failed: ${(e as Error).message}`);
      return undefined;
    }
  });

  /** For tests and automation: what the map shows. Not in the palette. */
  reg('pagingLayout.mapSnapshot', async () => (map.isOpen ? map.query<MapSnapshot>({ kind: 'snapshot' }) : undefined));
}
