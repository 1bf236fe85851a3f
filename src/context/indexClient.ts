// The workspace index of `#define`s and assembler symbols, as the extension host sees it: the index
// worker (indexWorker.ts) walks and reads the tree and publishes segments in shared memory; this
// client keeps them (IndexView), answers the analyses' lookups at once with what is known, and tells
// them to refresh when the index has grown an answer they need (a name they missed, a nearer file). Saved in the extension's storage and
// loaded at start; a file watcher sends changed files to the worker, which reads those files only.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Worker } from 'worker_threads';
import { MacroDef } from '../engine/source';
import { Configuration } from './configuration';
import { INDEX_FILE_NAME, StoreStatus } from './indexStore';
import { IndexView, INDEX_NOTE, LookupWatch } from './indexView';
import type { FromIndexWorker, ToIndexWorker } from './indexWorker';

/** Set by scripts/build.mjs: the worker's bundled code (the extension ships as one file). */
declare const __PAGING_LAYOUT_INDEX_WORKER__: string | undefined;

const WATCHED_FILES = '**/*.{h,S,inc,asm}';
/** The files WATCHED_FILES names, and paths (below a workspace folder) in folders the index never walks (dot-folders, node_modules, out, dist). */
const WATCHED_EXT = /\.(?:h|S|inc|asm)$/;
const SKIPPED_PATH = /[\\/](?:\.[^\\/]*|node_modules|out|dist)(?:[\\/]|$)/;
/** Delay after activation before the worker starts (it never blocks this thread: only to let activation finish). */
const START_DELAY_MS = 0;
/** File changes are sent to the worker in batches. */
const CHANGE_BATCH_MS = 300;
/**
 * Analyses are told to refresh at most this often while the index grows (each refresh analyses and
 * checks the open documents again): the first part of the index (the open files' folders) and the
 * end of a run refresh at once.
 */
const REFRESH_EVERY_MS = 4000;
/** Names the analyses looked up, remembered to decide whether a new segment changes an answer (beyond this: any segment does). */
const MAX_WATCHED = 50_000;
/** workspaceState key: the user stopped indexing in this workspace (until Rebuild). */
const STOPPED_KEY = 'pagingLayout.index.stopped';

export { INDEX_NOTE };

/** What the status bar shows: the worker's status and what the extension host holds. */
export interface IndexState extends StoreStatus {
  enabled: boolean;
  /** Files and definitions the extension host can look up now. */
  files: number;
  definitions: number;
  /** Shared memory of the index (bytes). */
  bytes: number;
  /** The user stopped it (the index stays as far as it got). */
  stopped?: boolean;
}

/** Memory of the worker thread, as it reports it. */
export interface WorkerMemory { heapUsed: number; heapTotal: number; segmentBytes: number; files: number; definitions: number }

export class WorkspaceIndexClient implements vscode.Disposable {
  readonly view = new IndexView();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the index has grown names the analyses need (throttled), or files changed: analyses refresh. */
  readonly onDidIndex = this.emitter.event;
  private readonly statusEmitter = new vscode.EventEmitter<IndexState>();
  /** Fires with each progress report of the worker and when the index changes. */
  readonly onDidChangeStatus = this.statusEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.statusEmitter];
  private worker?: Worker;
  private workerStatus: StoreStatus = { phase: 'idle', done: 0, total: 0, definitions: 0, skipped: 0, elapsedMs: 0 };
  private startTimer?: NodeJS.Timeout;
  private refreshTimer?: NodeJS.Timeout;
  private lastRefresh = 0;
  private lookups: LookupWatch = { missed: new Set(), served: new Map() };
  private lookupsOverflow = false;
  private extension?: vscode.ExtensionContext;
  private output?: vscode.LogOutputChannel;
  /** Log lines of this session (also in the "Paging Layout" output channel). */
  readonly logLines: string[] = [];
  private changes = { changed: new Set<string>(), deleted: new Set<string>(), folders: new Set<string>() };
  private changeTimer?: NodeJS.Timeout;
  private memoryWaiters: ((m: WorkerMemory) => void)[] = [];
  private saveWaiters: ((ok: boolean) => void)[] = [];
  private watcherStarted = false;
  private readyWaiters: (() => void)[] = [];

  constructor(private readonly config: Configuration) {}

  get fileCount(): number { return this.view.fileCount; }

  /** The worker's phase and counts, with what the extension host holds. */
  get state(): IndexState {
    return {
      ...this.workerStatus, enabled: this.enabled, files: this.view.fileCount, definitions: this.view.definitions, bytes: this.view.bytes,
      stopped: this.extension?.workspaceState.get<boolean>(STOPPED_KEY) === true && this.workerStatus.phase !== 'ready' ? true : undefined,
    };
  }

  private get enabled(): boolean { return this.config.workspaceIndexEnabled() && !process.env.PAGING_LAYOUT_NO_INDEX; }

  /** Macro lookup for a file (definitions nearest to it first), or undefined while nothing is indexed. */
  lookupFor(file: string): ((name: string) => MacroDef[] | undefined) | undefined {
    if (this.view.empty) return undefined;
    return this.view.macroLookup(file, this.lookupsOverflow ? undefined : this.lookups);
  }

  private log(message: string): void {
    this.logLines.push(message);
    if (this.logLines.length > 200) this.logLines.shift();
    this.output ??= vscode.window.createOutputChannel('Paging Layout', { log: true });
    this.output.info(message);
  }

  /**
   * Start indexing after a short delay, when `pagingLayout.workspaceIndex.enabled` and the user has not
   * stopped it in this workspace: the saved index first, then what changed. Then keep it current.
   */
  start(extension: vscode.ExtensionContext): void {
    this.extension = extension;
    this.disposables.push(
      this.config.onDidChange((e) => {
        if (Configuration.affects(e, 'workspaceIndex.enabled', 'workspaceIndex.maxFiles')) this.restart(false);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.restart(false)),
      vscode.window.onDidChangeActiveTextEditor((e) => { if (e) this.prioritize([e.document.uri]); }),
    );
    if (extension.workspaceState.get<boolean>(STOPPED_KEY)) {
      this.workerStatus = { ...this.workerStatus, phase: 'cancelled', message: 'stopped in this workspace (Rebuild Workspace Index starts it again)' };
      this.fireStatus();
      return;
    }
    clearTimeout(this.startTimer);
    this.startTimer = setTimeout(() => this.launch(false), START_DELAY_MS);
  }

  /** Folders indexed: the workspace folders on disk. */
  private roots(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  private storageFile(): string | undefined {
    const dir = this.extension?.storageUri;
    return dir && dir.scheme === 'file' ? path.join(dir.fsPath, INDEX_FILE_NAME) : undefined;
  }

  /** Where the worker's code is: bundled into the extension, or the compiled file next to this one. */
  private spawn(): Worker {
    if (typeof __PAGING_LAYOUT_INDEX_WORKER__ === 'string') return new Worker(__PAGING_LAYOUT_INDEX_WORKER__, { eval: true, workerData: { code: __PAGING_LAYOUT_INDEX_WORKER__ } });
    return new Worker(path.join(__dirname, 'indexWorker.js'));
  }

  private launch(rebuild: boolean): void {
    this.stopWorker();
    // a new run: its first part that helps refreshes the analyses at once (no wait behind a refresh of the last run)
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.lastRefresh = 0;
    const roots = this.roots();
    if (!this.enabled || roots.length === 0) { this.workerStatus = { ...this.workerStatus, phase: 'idle' }; this.fireStatus(); return; }
    let w: Worker;
    try { w = this.spawn(); } catch (e) {
      this.log(`cannot start the index worker: ${(e as Error).message}`);
      this.workerStatus = { ...this.workerStatus, phase: 'failed', message: (e as Error).message };
      this.fireStatus();
      return;
    }
    this.worker = w;
    this.workerStatus = { phase: 'loading', done: 0, total: 0, definitions: 0, skipped: 0, elapsedMs: 0 };
    this.fireStatus();
    w.on('message', (m: FromIndexWorker) => { if (this.worker === w) this.onMessage(m); });
    w.on('error', (e) => {
      if (this.worker !== w) return;
      this.log(`the index worker stopped: ${e.message}`);
      this.workerStatus = { ...this.workerStatus, phase: 'failed', message: e.message };
      this.fireStatus();
    });
    w.on('exit', () => { if (this.worker === w) this.worker = undefined; });
    // Folders of the open editors first: what hovers ask about now.
    const priority = this.priorityDirs((vscode.window.visibleTextEditors ?? []).map((e) => e.document.uri));
    // The whole tree unless pagingLayout.workspaceIndex.maxFiles sets a limit (the status bar then says so).
    this.post({ type: 'start', roots, maxFiles: this.config.workspaceIndexMaxFiles(), storageFile: this.storageFile(), priority, rebuild });
    this.watch();
  }

  private post(m: ToIndexWorker): void { this.worker?.postMessage(m); }

  private stopWorker(): void {
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate();
    this.view.reset();
    this.resetWatch();
  }

  private restart(rebuild: boolean): void {
    clearTimeout(this.startTimer);
    this.launch(rebuild);
    this.emitter.fire();
  }

  /** Start again from the saved index (what a window reload does): a fresh worker loads it and reads changed files only. */
  reload(): void { this.restart(false); }

  /** Where the index is saved (undefined without a workspace storage folder). */
  get storagePath(): string | undefined { return this.storageFile(); }

  /** Build the index from scratch (ignoring the saved one); clears a stop. */
  async rebuild(): Promise<void> {
    await this.extension?.workspaceState.update(STOPPED_KEY, undefined);
    this.restart(true);
  }

  /** Stop indexing: what is indexed stays usable; the workspace remembers it until Rebuild. */
  async stop(): Promise<void> {
    await this.extension?.workspaceState.update(STOPPED_KEY, true);
    this.post({ type: 'cancel' });
  }

  /** The worker's memory (for benchmarks and the status tooltip). */
  workerMemory(): Promise<WorkerMemory | undefined> {
    if (!this.worker) return Promise.resolve(undefined);
    return new Promise((resolve) => { this.memoryWaiters.push(resolve); this.post({ type: 'stats' }); });
  }

  /** Save the index now (normally done by the worker after a build and a few seconds after changes). */
  save(): Promise<boolean> {
    if (!this.worker) return Promise.resolve(false);
    return new Promise((resolve) => { this.saveWaiters.push(resolve); this.post({ type: 'save' }); });
  }

  /** Resolves when the current run is over (ready, cancelled or failed). */
  whenSettled(): Promise<void> {
    const p = this.workerStatus.phase;
    if (p === 'ready' || p === 'cancelled' || p === 'failed' || (p === 'idle' && !this.worker && !this.startTimer)) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  private onMessage(m: FromIndexWorker): void {
    switch (m.type) {
      case 'segment': {
        const seg = this.view.apply(m);
        // a merge of what was there already changes no answer
        if (m.replaces) { this.fireStatus(); return; }
        // Refresh the analyses when the new part changes an answer (a name they missed, a nearer file), or when files changed.
        const helps = m.update || m.dead.length > 0 || (seg !== undefined && (this.lookupsOverflow || this.view.improves(seg, this.lookups)));
        if (this.lookups.missed.size + this.lookups.served.size > MAX_WATCHED) { this.resetWatch(); this.lookupsOverflow = true; }
        if (helps || (seg && this.view.segmentCount === 1)) this.scheduleRefresh();
        this.fireStatus();
        return;
      }
      case 'status': {
        const before = this.workerStatus.phase;
        this.workerStatus = m.status;
        if (m.status.phase === 'ready' && before !== 'ready') {
          const s = m.status;
          this.log(`index ready: ${s.done} files, ${s.definitions} definitions in ${(s.elapsedMs / 1000).toFixed(1)} s` +
            (s.fromStorage ? ` (saved index, ${s.fromStorage.reread} files read again, ${s.fromStorage.removed} removed)` : '') +
            (s.skipped ? `, ${s.skipped} files skipped` : '') + (s.cappedAt ? `, limited to ${s.cappedAt.limit} of ${s.cappedAt.found} files by pagingLayout.workspaceIndex.maxFiles` : ''));
        }
        if (m.status.phase === 'cancelled' && before !== 'cancelled') this.log(`indexing stopped at ${m.status.done} of ${m.status.total || '?'} files`);
        if (['ready', 'cancelled', 'failed'].includes(m.status.phase)) for (const r of this.readyWaiters.splice(0)) r();
        this.fireStatus();
        return;
      }
      case 'log': this.log(m.message); return;
      case 'stats': for (const r of this.memoryWaiters.splice(0)) r(m); return;
      case 'saved': for (const r of this.saveWaiters.splice(0)) r(m.ok); return;
    }
  }

  private scheduleRefresh(now = false): void {
    if (this.refreshTimer) return;
    const wait = now ? 0 : Math.max(0, REFRESH_EVERY_MS - (Date.now() - this.lastRefresh));
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.lastRefresh = Date.now();
      this.resetWatch();
      this.emitter.fire();
    }, wait);
  }

  private fireStatus(): void { this.statusEmitter.fire(this.state); }

  private resetWatch(): void {
    this.lookups = { missed: new Set(), served: new Map() };
    this.lookupsOverflow = false;
  }

  /** Directories to index first for some documents: each one's folder, its nearest `include` folder, and the root's `include`. */
  private priorityDirs(uris: readonly vscode.Uri[]): string[] {
    const roots = this.roots();
    const out: string[] = [];
    const add = (d: string) => { if (!out.includes(d)) out.push(d); };
    for (const uri of uris) {
      if (uri.scheme !== 'file') continue;
      const root = roots.find((r) => uri.fsPath.startsWith(r + path.sep));
      if (!root) continue;
      let dir = path.dirname(uri.fsPath);
      add(dir);
      for (let d = dir; d.length > root.length; d = path.dirname(d)) if (path.basename(d) === 'include') { add(d); break; }
      add(path.join(root, 'include'));
      dir = '';
    }
    return out;
  }

  private prioritize(uris: readonly vscode.Uri[]): void {
    const p = this.workerStatus.phase;
    if (!this.worker || (p !== 'indexing' && p !== 'walking' && p !== 'loading')) return;
    const dirs = this.priorityDirs(uris);
    if (dirs.length) this.post({ type: 'prioritize', dirs });
  }

  /** Keep the index current as files change on disk (batched; the worker reads the changed files only). */
  private watch(): void {
    if (this.watcherStarted) return;
    this.watcherStarted = true;
    const w = vscode.workspace.createFileSystemWatcher(WATCHED_FILES);
    const flush = () => {
      this.changeTimer = undefined;
      const { changed, deleted, folders } = this.changes;
      if (!changed.size && !deleted.size && !folders.size) return;
      this.changes = { changed: new Set(), deleted: new Set(), folders: new Set() };
      this.post({ type: 'update', changed: [...changed], deleted: [...deleted], folders: [...folders] });
    };
    const queue = (uri: vscode.Uri, gone: boolean) => {
      if (uri.scheme !== 'file' || !this.worker) return;
      const f = uri.fsPath;
      if (gone) { this.changes.deleted.add(f); this.changes.changed.delete(f); } else { this.changes.changed.add(f); this.changes.deleted.delete(f); }
      this.changeTimer ??= setTimeout(flush, CHANGE_BATCH_MS);
    };
    w.onDidChange((u) => queue(u, false)); w.onDidCreate((u) => queue(u, false)); w.onDidDelete((u) => queue(u, true));
    // A folder created or deleted with its files (a checkout, an unpacked tarball, rm -r) is reported as
    // the folder alone: other paths that are created (when they are folders) or deleted go to the worker,
    // which reads the new folder's files and drops the files under a folder that is gone.
    const folders = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    const folder = (uri: vscode.Uri, gone: boolean) => {
      if (uri.scheme !== 'file' || !this.worker) return;
      const f = uri.fsPath;
      const root = this.roots().find((r) => f.startsWith(r + path.sep));
      if (!root || WATCHED_EXT.test(f) || SKIPPED_PATH.test(f.slice(root.length))) return;
      const add = () => { this.changes.folders.add(f); this.changeTimer ??= setTimeout(flush, CHANGE_BATCH_MS); };
      if (gone) add();
      else void fs.promises.stat(f).then((st) => { if (st.isDirectory()) add(); }, () => undefined);
    };
    folders.onDidCreate((u) => folder(u, false)); folders.onDidDelete((u) => folder(u, true));
    this.disposables.push(w, folders, { dispose: () => clearTimeout(this.changeTimer) });
  }

  dispose(): void {
    clearTimeout(this.startTimer);
    clearTimeout(this.refreshTimer);
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate();
    for (const d of this.disposables) d.dispose();
    this.output?.dispose();
  }
}
