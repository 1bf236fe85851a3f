// The layout derived from a kernel tree's headers for its configuration, for each workspace folder
// whose kernel build (KbuildService) has a recipe (layouts/recipes/): derived in a worker thread
// (dist/cli.js with the `paging-layout-derive` role: the code of `paging-layout layout --kbuild`,
// src/cli/derive.ts), never on the extension host's thread. It follows the tree: an edit of an open
// header the last derivation read (or a directive typed into another header of the tree), a save,
// a change on disk and a changed configuration derive it again, debounced, with the unsaved text of
// the open documents of the tree in place of the disk's. The layout service lists the derived
// layouts beside the presets; a failed derivation is a sentence (the layout service falls back).
import * as path from 'path';
import * as vscode from 'vscode';
import { Worker } from 'worker_threads';
import type { Layout } from '../engine/paging';
import { DERIVE_WORKER_ROLE, DeriveReply, DeriveRequest, derivedIdentity, loadRecipes, recipeFor } from '../cli/derive';
import type { Recipe } from '../engine/map';
import type { EditorBuild, KbuildService } from './kbuild';

/** Quiet time after an edit before the layout is derived again. */
const DEBOUNCE_MS = 500;
/** Unsaved documents larger than this are not sent to the worker (the disk's text is used). */
const MAX_OVERLAY_BYTES = 4 * 1024 * 1024;
/** A worker's heap. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 384 };

/** One folder's derived layout and how its last derivation went. */
export interface DerivedEntry {
  /** The workspace folder (fs path). */
  folder: string;
  build: EditorBuild;
  recipeId?: string;
  /** The layout id (`derived-<tree>-<build directory>`), known before the derivation. */
  id: string;
  /** For pickers: "linux-source-6.1 x86_64-4level (derived from headers)". */
  label: string;
  state: 'pending' | 'ready' | 'failed';
  /** The layout of the last derivation that succeeded (absent after a failure). */
  layout?: Layout;
  /** Why the last derivation failed. */
  error?: string;
  /** The worker's time for the last derivation, and the host's time from request to result. */
  workerMs?: number;
  roundTripMs?: number;
  /** The host thread's own time for the last derivation (collecting unsaved documents, posting, taking the result). */
  hostMs?: number;
  /** Derivations finished. */
  derivations: number;
  /** The files the last derivation read. */
  reads: ReadonlySet<string>;
}

interface Mutable extends DerivedEntry { timer?: NodeJS.Timeout; running?: boolean; again?: boolean; waiters: (() => void)[]; serial: number }

export class DerivedLayouts implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<DerivedEntry | undefined>();
  /** Fires when a derivation finished or the set of derivable folders changed. */
  readonly onDidChange = this.emitter.event;
  private entriesByFolder = new Map<string, Mutable>();
  private known = false;
  private recipes?: Recipe[];
  private recipesError?: string;
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, (r: DeriveReply) => void>();
  private readonly watchers = new Map<string, vscode.FileSystemWatcher>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  /** `cli`: the path of dist/cli.js (the worker's code). */
  constructor(private readonly kbuild: KbuildService, private readonly cli: string) {
    this.disposables.push(
      kbuild.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!e.contentChanges.length) return;
        const directive = e.contentChanges.some((c) => /#|\n/.test(c.text)) || e.reason !== undefined;
        this.touched(e.document.uri, directive);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => this.touched(d.uri, true)),
      // A closed document with unsaved edits is the disk's text again.
      vscode.workspace.onDidCloseTextDocument((d) => this.touched(d.uri, false)),
    );
  }

  /** The folders with a kernel build and a recipe for its architecture, each with its derivation (started when new). */
  entries(): readonly DerivedEntry[] {
    if (!this.known) this.refresh(false);
    return [...this.entriesByFolder.values()];
  }

  /** The derived layouts that can be used now. */
  layouts(): Layout[] {
    return this.entries().flatMap((e) => (e.state !== 'failed' && e.layout ? [e.layout] : []));
  }

  find(id: string): DerivedEntry | undefined {
    return this.entries().find((e) => e.id === id);
  }

  /** Whether a folder has a derived layout (it then stands in for the workspace-defines layout). */
  hasFolder(folder: string): boolean {
    return this.entries().some((e) => e.folder === folder);
  }

  /** Resolves when the entry of `id` is not pending (at once when there is none). */
  settled(id: string): Promise<void> {
    const e = this.entries().find((x) => x.id === id) as Mutable | undefined;
    if (!e || (e.state !== 'pending' && !e.running && !e.timer)) return Promise.resolve();
    return new Promise((resolve) => e.waiters.push(resolve));
  }

  /** Derive every folder's layout again now (a command, tests). */
  rederive(): void {
    for (const e of this.entriesByFolder.values()) this.schedule(e, 0);
  }

  /** Read the folders' builds again: new builds get an entry (and a derivation), gone ones are dropped. */
  private refresh(fire = true): void {
    this.known = true;
    const next = new Map<string, Mutable>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const build = this.kbuild.forFolder(folder.uri.fsPath, folder.uri);
      if (!build) continue;
      const old = this.entriesByFolder.get(folder.uri.fsPath);
      if (old && old.build.serial === build.serial) { next.set(folder.uri.fsPath, old); continue; }
      const recipe = this.recipeOf(build);
      if (!recipe && !this.recipesError) continue;
      const { id, tree, config } = derivedIdentity(build.context);
      const e: Mutable = {
        folder: folder.uri.fsPath, build, recipeId: recipe?.id, id,
        label: `${tree} ${build.context.buildDir === build.context.sourceTree ? 'in-tree configuration' : config} (derived from headers)`,
        state: 'pending', derivations: 0, reads: new Set(), waiters: [], serial: build.serial,
        ...(old && old.id === id && old.layout ? { layout: old.layout } : {}),
      };
      next.set(folder.uri.fsPath, e);
      this.watch(e);
      this.schedule(e, 0);
    }
    for (const [f, old] of this.entriesByFolder) if (next.get(f) !== old) { clearTimeout(old.timer); for (const w of old.waiters.splice(0)) w(); }
    this.entriesByFolder = next;
    if (fire) this.emitter.fire(undefined);
  }

  private recipeOf(build: EditorBuild): Recipe | undefined {
    if (!this.recipes && !this.recipesError) {
      try { this.recipes = loadRecipes(); } catch (e) { this.recipesError = `the layout recipes cannot be read: ${(e as Error).message}`; }
    }
    return this.recipes ? recipeFor(build.context, this.recipes) : undefined;
  }

  /** A file changed (edited, saved, closed): the entries whose derivation read it, or whose tree holds a header edited at a directive, derive again. */
  private touched(uri: vscode.Uri, directive: boolean): void {
    if (uri.scheme !== 'file') return;
    const f = uri.fsPath;
    for (const e of this.entriesByFolder.values()) {
      if (e.reads.has(f) || (directive && /\.h$/.test(f) && this.inTree(e, f))) this.schedule(e, DEBOUNCE_MS);
    }
  }

  private inTree(e: DerivedEntry, f: string): boolean {
    const inside = (root: string) => f.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
    return inside(e.build.context.sourceTree) || inside(e.build.context.buildDir);
  }

  /** Headers of the tree changed on disk (another program, a checkout): derive again when one was read. */
  private watch(e: DerivedEntry): void {
    const tree = e.build.context.sourceTree;
    if (this.watchers.has(tree)) return;
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(tree), '{arch,include}/**'));
    const dirty = (f: string) => vscode.workspace.textDocuments.some((d) => d.uri.fsPath === f && d.isDirty);
    // A file that was read, or a directory holding one (removed, renamed, created again).
    const on = (uri: vscode.Uri) => {
      const f = uri.fsPath, dir = f + path.sep;
      for (const x of this.entriesByFolder.values()) {
        if ((x.reads.has(f) && !dirty(f)) || [...x.reads].some((r) => r.startsWith(dir))) this.schedule(x, DEBOUNCE_MS);
      }
    };
    w.onDidChange(on); w.onDidCreate(on); w.onDidDelete(on);
    this.watchers.set(tree, w);
  }

  private schedule(e: Mutable, ms: number): void {
    clearTimeout(e.timer);
    e.timer = setTimeout(() => { e.timer = undefined; void this.run(e); }, ms);
  }

  /** The unsaved documents of an entry's tree, as the worker's overlay. */
  private overlay(e: DerivedEntry): [string, string][] {
    const out: [string, string][] = [];
    for (const d of vscode.workspace.textDocuments) {
      if (d.uri.scheme !== 'file' || !d.isDirty || !this.inTree(e, d.fileName)) continue;
      const text = d.getText();
      if (text.length <= MAX_OVERLAY_BYTES) out.push([d.fileName, text]);
    }
    return out;
  }

  private async run(e: Mutable): Promise<void> {
    if (e.running) { e.again = true; return; }
    e.running = true;
    try {
      if (!e.recipeId) {
        e.state = 'failed'; e.layout = undefined; e.error = this.recipesError ?? 'no recipe';
      } else {
        const t0 = performance.now();
        const req: DeriveRequest = { id: this.nextId++, buildDir: e.build.context.buildDir, arch: e.build.context.arch, overlay: this.overlay(e) };
        let host = performance.now() - t0;
        const reply = await this.ask(req);
        const t1 = performance.now();
        e.roundTripMs = t1 - t0;
        e.workerMs = reply.ms;
        if (!this.entriesByFolder.has(e.folder) || this.entriesByFolder.get(e.folder) !== e) return;
        if (reply.ok) {
          e.state = 'ready';
          e.layout = reply.derivation.derived.layout;
          e.error = undefined;
          e.reads = new Set(reply.derivation.reads);
        } else {
          e.state = 'failed';
          e.layout = undefined;
          e.error = reply.error;
        }
        host += performance.now() - t1;
        e.hostMs = host;
      }
      e.derivations++;
    } finally {
      e.running = false;
    }
    if (e.again) { e.again = false; this.schedule(e, 0); return; }
    if (!e.timer) for (const w of e.waiters.splice(0)) w();
    this.emitter.fire(e);
  }

  private ask(req: DeriveRequest): Promise<DeriveReply> {
    return new Promise((resolve) => {
      let w: Worker;
      try { w = this.start(); } catch (err) { resolve({ id: req.id, ok: false, error: `cannot start the derivation worker: ${(err as Error).message}`, ms: 0 }); return; }
      this.pending.set(req.id, resolve);
      w.postMessage(req);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(`require(${JSON.stringify(this.cli)});`, { eval: true, workerData: { role: DERIVE_WORKER_ROLE }, resourceLimits: WORKER_LIMITS });
    w.unref();
    w.on('message', (r: DeriveReply) => { const p = this.pending.get(r.id); this.pending.delete(r.id); p?.(r); });
    const fail = (why: string) => {
      if (this.worker === w) this.worker = undefined;
      for (const [id, p] of this.pending) p({ id, ok: false, error: why, ms: 0 });
      this.pending.clear();
    };
    w.on('error', (err) => fail(`the derivation worker failed: ${err.message}`));
    w.on('exit', (code) => fail(`the derivation worker stopped (exit code ${code})`));
    this.worker = w;
    return w;
  }

  dispose(): void {
    for (const e of this.entriesByFolder.values()) clearTimeout(e.timer);
    for (const w of this.watchers.values()) w.dispose();
    void this.worker?.terminate();
    this.worker = undefined;
    for (const d of this.disposables) d.dispose();
  }
}
