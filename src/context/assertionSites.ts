// The build-time assertions of the workspace (BUILD_BUG_ON, static_assert, ...): where they are and the
// names their conditions mention, so that an edit of a header can be checked against the assertions that
// read its macros. The folders are scanned once, on first need, by one worker thread (dist/cli.js in the
// `paging-layout-assertion-scan` role: the C files past a text gate, their sites and the atoms of the
// branch each is in); the extension host keeps only the sites (a few thousand on a kernel tree) and a map
// from name to sites. A saved, created or deleted C file is read again here (one file, asynchronously).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Worker } from 'worker_threads';
import type { AssertionScanInit } from '../cli/check';
import { mayHaveAssertions, scanAssertionSites, ScannedAssertion } from '../engine/source';

/** At most this many files are scanned per session (a kernel tree has about 57,000). */
const MAX_SCANNED_FILES = 200_000;
/** The longest the scan waits for the workspace index before it starts anyway. */
const AFTER_LIMIT_MS = 120_000;

export class AssertionSites implements vscode.Disposable {
  private readonly byFile = new Map<string, ScannedAssertion[]>();
  private readonly byName = new Map<string, Set<ScannedAssertion>>();
  private worker: Worker | undefined;
  private started = false;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when sites were added or changed (a scan batch, a file read again). */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /** The scan's state, for tests and the log. */
  readonly status = { scanning: false, done: false, files: 0, sites: 0, capped: false };
  private disposed = false;

  /**
   * `after`: what the scan waits for before it starts (the workspace index's first run: on a 2-core
   * machine a third thread reading every C file of a kernel tree slowed the index, the map's first paint
   * and the hovers while indexing); at most AFTER_LIMIT_MS.
   */
  constructor(private readonly cli: string, private readonly maxFileBytes: () => number, private readonly after: () => Promise<void> = () => Promise.resolve()) {
    const w = vscode.workspace.createFileSystemWatcher('**/*.{c,h}');
    const reread = (u: vscode.Uri) => { if (this.started && u.scheme === 'file') void this.readFile(u.fsPath); };
    this.disposables.push(w, w.onDidChange(reread), w.onDidCreate(reread), w.onDidDelete((u) => { this.set(u.fsPath, []); this.emitter.fire(); }));
  }

  /** Start the scan of the workspace folders (once, after `after`); sites arrive in batches. */
  ensureScanned(): void {
    if (this.started) return;
    this.started = true;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((r) => { timer = setTimeout(r, AFTER_LIMIT_MS); });
    void Promise.race([this.after().catch(() => undefined), limit]).then(() => {
      clearTimeout(timer);
      if (!this.disposed) this.startScan();
    });
  }

  private startScan(): void {
    const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    if (!roots.length || !fs.existsSync(this.cli)) { this.status.done = true; return; }
    const init: AssertionScanInit = { role: 'paging-layout-assertion-scan', roots, maxFiles: MAX_SCANNED_FILES, maxFileBytes: this.maxFileBytes() };
    try {
      this.worker = new Worker(`require(${JSON.stringify(this.cli)});`, { eval: true, workerData: init, resourceLimits: { maxOldGenerationSizeMb: 192 } });
    } catch (e) {
      console.warn(`paging-layout: cannot start the assertion scan: ${(e as Error).message}`);
      this.status.done = true;
      return;
    }
    this.status.scanning = true;
    this.worker.on('message', (m: { sites: ScannedAssertion[]; done?: boolean; files?: number; capped?: boolean }) => {
      const files = new Map<string, ScannedAssertion[]>();
      for (const s of m.sites) { const l = files.get(s.file); if (l) l.push(s); else files.set(s.file, [s]); }
      // a file read again meanwhile keeps its newer sites
      for (const [f, l] of files) if (!this.byFile.has(f)) this.set(f, l);
      if (m.done) { this.status.scanning = false; this.status.done = true; this.status.files = m.files ?? 0; this.status.capped = !!m.capped; void this.worker?.terminate(); this.worker = undefined; }
      if (files.size || m.done) this.emitter.fire();
    });
    this.worker.on('error', (e) => { console.warn(`paging-layout: assertion scan failed: ${e.message}`); this.status.scanning = false; this.status.done = true; this.emitter.fire(); });
  }

  private set(file: string, sites: ScannedAssertion[]): void {
    for (const s of this.byFile.get(file) ?? []) for (const n of s.names) this.byName.get(n)?.delete(s);
    if (sites.length) this.byFile.set(file, sites); else this.byFile.delete(file);
    for (const s of sites) for (const n of s.names) { let set = this.byName.get(n); if (!set) this.byName.set(n, (set = new Set())); set.add(s); }
    let count = 0;
    for (const l of this.byFile.values()) count += l.length;
    this.status.sites = count;
  }

  /** Read one file's sites again (after a save or a creation). */
  private async readFile(file: string): Promise<void> {
    let text: string;
    try {
      const st = await fs.promises.stat(file);
      if (st.size > this.maxFileBytes()) { this.set(file, []); return; }
      text = await fs.promises.readFile(file, 'latin1');
    } catch { this.set(file, []); this.emitter.fire(); return; }
    this.set(file, mayHaveAssertions(text) ? scanAssertionSites(path.resolve(file), text) : []);
    this.emitter.fire();
  }

  /** The sites whose conditions mention a name. */
  mentioning(name: string): readonly ScannedAssertion[] {
    const s = this.byName.get(name);
    return s ? [...s] : [];
  }

  dispose(): void {
    this.disposed = true;
    void this.worker?.terminate();
    for (const d of this.disposables) d.dispose();
  }
}

