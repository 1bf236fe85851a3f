// The active layout, the custom layouts of the workspace and this boot's layouts (from imported
// memory maps), shared by every feature.
import * as path from 'path';
import * as vscode from 'vscode';
import { builtinLayouts, DEFAULT_LAYOUT_ID, FileLayoutChoice, findLayout, firmwareNeutralLayout, Layout, layoutForFile, parseLayout, TreeInference } from '../engine/paging';
import type { EditorBuild, KbuildService } from './kbuild';
import { inferWorkspaceKind } from './workspaceKind';
import type { BootStore } from './boot';
import type { DerivedLayouts } from './derived';
import { Configuration } from './configuration';

/** How a this-boot layout id names its static layout: `<static id>@boot-<boot>`. */
const BOOT_ID_MARK = '@boot-';

export const WORKSPACE_LAYOUT_FILE = '.vscode/paging-layout.json';

export interface LayoutChoice {
  layout: Layout;
  /** Set when the configured layout could not be used and the default was taken instead. */
  fallbackReason?: string;
  /** Set when no layout was chosen and the workspace's own kind decided (a Xen tree, firmware, Linux). */
  inferred?: TreeInference & { folder: string };
  /** Set while the chosen derived layout is being derived (the build's preset stands in). */
  pending?: string;
}

const NEUTRAL = firmwareNeutralLayout();

export class LayoutService implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<LayoutChoice>();
  /** Fires when the active layout or any custom layout changes. */
  readonly onDidChange = this.emitter.event;
  private custom: Layout[] = [];
  private choice: LayoutChoice;
  private readonly problems = vscode.languages.createDiagnosticCollection('paging-layout-config');
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.problems];
  private reloadTimer: NodeJS.Timeout | undefined;

  constructor(private readonly config: Configuration, private readonly boots?: BootStore, private readonly kbuild?: KbuildService, private readonly derived?: DerivedLayouts) {
    // A derivation finished: the chosen derived layout is taken (or its failure said); the pickers list the others.
    if (derived) this.disposables.push(derived.onDidChange(() => { if (this.config.layout().id.startsWith('derived-') || this.choice.layout.origin === 'derived' || this.choice.pending) void this.reload(); else this.emitter.fire(this.choice); }));
    this.choice = { layout: findLayout(DEFAULT_LAYOUT_ID)! };
    // A kernel build's configuration decides the layout of its files: a changed build is a changed choice.
    if (kbuild) this.disposables.push(kbuild.onDidChange(() => this.emitter.fire(this.choice)));
    // New or removed boots reach the pickers through allLayouts(); the active layout is read again only when it is a boot's.
    if (boots) this.disposables.push(boots.onDidChange(() => { if (this.config.layout().id.includes(BOOT_ID_MARK) || this.choice.layout.origin.startsWith('boot:')) void this.reload(); }));
    this.disposables.push(
      config.onDidChange(() => void this.reload()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reload()),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.json');
    const onFile = (uri: vscode.Uri) => { if (this.isLayoutFile(uri)) this.scheduleReload(); };
    watcher.onDidChange(onFile); watcher.onDidCreate(onFile); watcher.onDidDelete(onFile);
    this.disposables.push(watcher);
  }

  get current(): LayoutChoice { return this.choice; }

  /**
   * The layout of one file (engine: layoutForFile): the active layout, another architecture's preset
   * for a file under its `arch/` directory, or the preset of the file's kernel build when the user chose
   * no layout. With the build the file belongs to, if any.
   */
  forFile(uri: vscode.Uri, fileName: string): FileLayoutChoice & { build?: EditorBuild; explicit: boolean } {
    const build = this.kbuild?.forDocument(uri, fileName);
    const explicit = this.config.layout().explicit || this.custom.some((c) => c.id === this.choice.layout.id) || this.choice.layout.origin.startsWith('boot:');
    return { ...layoutForFile(uri.scheme === 'file' ? fileName : uri.path, this.choice.layout, { build: build?.layout, explicit }), build, explicit };
  }
  get layout(): Layout { return this.choice.layout; }
  get customLayouts(): Layout[] { return this.custom; }
  /** The layouts a boot can be applied to: custom layouts, the derived layouts and presets. */
  staticLayouts(): Layout[] { return [...this.custom, ...this.derivedLayouts(), ...builtinLayouts()]; }
  /** The layouts derived from the workspace's kernel trees (those derived so far). */
  derivedLayouts(): Layout[] { return this.derived?.layouts() ?? []; }
  /** This boot's layouts: each imported boot applied to its static layout. */
  bootLayouts(): Layout[] { return this.boots?.layoutsFor(this.staticLayouts()) ?? []; }
  /** Custom layouts, the derived layouts, this boot's layouts, the presets, then the firmware-neutral view. */
  allLayouts(): Layout[] { return [...this.custom, ...this.derivedLayouts(), ...this.bootLayouts(), ...builtinLayouts(), NEUTRAL]; }
  /** The static layout of a layout: itself, or for a this-boot layout the one it is applied to. */
  staticOf(layout: Layout): Layout {
    if (!layout.origin.startsWith('boot:') || !layout.extends) return layout;
    return findLayout(layout.extends, this.custom) ?? layout;
  }

  private layoutFileUris(): vscode.Uri[] {
    const file = this.config.customLayoutFile();
    const uris: vscode.Uri[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      uris.push(vscode.Uri.joinPath(folder.uri, WORKSPACE_LAYOUT_FILE));
      if (file && !path.isAbsolute(file)) uris.push(vscode.Uri.joinPath(folder.uri, file));
    }
    if (file && path.isAbsolute(file)) uris.push(vscode.Uri.file(file));
    return uris;
  }

  private isLayoutFile(uri: vscode.Uri): boolean {
    return this.layoutFileUris().some((u) => u.toString() === uri.toString());
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reload(), 150);
  }

  /** Re-read custom layout files and the settings; report problems in the layout files themselves. */
  async reload(): Promise<void> {
    await this.boots?.ready;
    const custom: Layout[] = [];
    const notes: string[] = [];
    this.problems.clear();
    const configuredFile = this.config.customLayoutFile();
    for (const uri of this.layoutFileUris()) {
      let bytes: Uint8Array;
      try { bytes = await vscode.workspace.fs.readFile(uri); } catch {
        if (configuredFile && uri.fsPath.endsWith(path.normalize(configuredFile).replace(/^\.[\\/]/, ''))) notes.push(`the custom layout file ${uri.fsPath} cannot be read`);
        continue;
      }
      const res = parseLayout(Buffer.from(bytes).toString('utf8'), uri.fsPath);
      if (res.layout) { custom.push({ ...res.layout, origin: uri.fsPath }); continue; }
      this.problems.set(uri, res.problems.map((p) => {
        const d = new vscode.Diagnostic(new vscode.Range(p.line - 1, p.column - 1, p.line - 1, p.column - 1 + Math.max(1, Math.min(p.length, 200))), p.message, vscode.DiagnosticSeverity.Error);
        d.source = 'paging-layout';
        d.code = 'PL-LAYOUT';
        return d;
      }));
      notes.push(`${vscode.workspace.asRelativePath(uri)}:${res.problems[0].line}:${res.problems[0].column}: ${res.problems[0].message}`);
    }
    this.custom = custom;
    // A workspace layout file is used when the setting is left at its default.
    const wanted = this.config.layout();
    // No layout chosen and no workspace layout file: the workspace's own kind decides.
    const inferred = !wanted.explicit && !custom.length ? inferWorkspaceKind(vscode.workspace.workspaceFolders) : undefined;
    const id = !wanted.explicit && custom.length ? custom[0].id : inferred?.layoutId ?? wanted.id;
    const derived = this.derivedLayouts();
    const boots = this.boots?.layoutsFor([...custom, ...derived, ...builtinLayouts()]) ?? [];
    const layout = findLayout(id, [...custom, ...derived, ...boots, NEUTRAL]);
    // A derived layout not (yet) usable: the build's preset stands in, while it is derived or after it failed.
    const derivedEntry = layout ? undefined : this.derived?.find(id);
    const standIn = derivedEntry && (findLayout(derivedEntry.build.layout.layoutId ?? DEFAULT_LAYOUT_ID) ?? findLayout(DEFAULT_LAYOUT_ID)!);
    const previous = this.choice;
    const staticPart = id.includes(BOOT_ID_MARK) ? findLayout(id.slice(0, id.indexOf(BOOT_ID_MARK)), custom) : undefined;
    if (layout) this.choice = { layout, fallbackReason: notes.length ? notes.join('; ') : undefined, inferred: inferred && layout.id === inferred.layoutId ? inferred : undefined };
    else if (derivedEntry && standIn) {
      this.choice = derivedEntry.state === 'failed'
        ? { layout: standIn, fallbackReason: `the layout ${derivedEntry.label} could not be derived: ${derivedEntry.error}; using ${standIn.id}` }
        : { layout: standIn, pending: `deriving ${derivedEntry.label}; ${standIn.id} until it is ready` };
    } else if (id.startsWith('derived-') && !findLayout(id)) {
      this.choice = { layout: findLayout(DEFAULT_LAYOUT_ID)!, fallbackReason: `the derived layout '${id}' is not available: no workspace folder has that kernel build with a layout recipe; using ${DEFAULT_LAYOUT_ID}` };
    } else if (staticPart) {
      // A boot that is no longer imported: its static layout stands in.
      this.choice = { layout: staticPart, fallbackReason: `this boot's layout '${id}' is no longer imported; using ${staticPart.id}` };
    } else {
      const why = notes.length ? notes.join('; ') : `no layout has the id '${id}'`;
      this.choice = { layout: findLayout(DEFAULT_LAYOUT_ID)!, fallbackReason: `layout '${id}' is not available (${why}); using ${DEFAULT_LAYOUT_ID}` };
    }
    if (this.choice.fallbackReason && this.choice.fallbackReason !== previous.fallbackReason) {
      void vscode.window.showWarningMessage(`Paging Layout: ${this.choice.fallbackReason}`);
    }
    this.emitter.fire(this.choice);
  }

  /** Make a layout the active one (writes the setting at workspace level when a folder is open). */
  async select(id: string): Promise<void> {
    await this.config.setLayout(id);
    await this.reload();
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    for (const d of this.disposables) d.dispose();
  }
}
