// The workspace index on disk and in memory, on the thread that builds it (the index worker; the
// benchmark runs it directly): walks the folders, reads each header's bytes into one reused buffer,
// finds its definition sites, and hands out segments as they are made. Saved to one file (versioned,
// checksummed, written to a temporary name and renamed), loaded back with every file's size and
// modification time compared, so that only changed files are read again. No `vscode` import.
import * as fs from 'fs';
import * as path from 'path';
import {
  Allocate, allocateShared, decodeIndex, encodeIndex, Family, familyFor, IndexBuilder, IndexFormatError, IndexMeta, IndexSegment,
  looksBinary, mergeSegments, scanCDefines, scanDefinitionSites, SiteList, WasmDefineScanner,
} from '../engine/source';

/** Files the index reads: headers, assembly (and `.lds.S` linker scripts), NASM includes. */
export const INDEXED_FILE = /\.(?:h|S|inc|asm)$/;
/** Folders never walked (besides those whose name starts with a dot), as EXCLUDED_FOLDERS of documents.ts names them. */
export const EXCLUDED_FOLDER_NAMES: readonly string[] = ['node_modules', 'out', 'dist'];
/** Largest file indexed; a larger one is counted as skipped. */
export const MAX_INDEXED_FILE_BYTES = 64 * 1024 * 1024;
/** Bytes of a C file read and scanned at a time. */
const READ_PIECE = 4 << 20;
/** Definitions per segment while a tree is indexed (small: its sort stays in the cache; the segments are merged after the build). */
const SEGMENT_DEFINITIONS = 64 * 1024;
/** Files per batch for the scan helper, and for this thread between looks at the helper's results. */
const HELPER_BATCH = 256;
const LOCAL_BATCH = 64;
/** The index file's name in the extension's storage folder. */
export const INDEX_FILE_NAME = 'define-index.bin';

export interface StoreOptions {
  roots: string[];
  /** Index at most this many files (0: no limit). */
  maxFiles: number;
  /** Where the index is saved (undefined: not saved). */
  storageFile?: string;
  log?: (message: string) => void;
  allocate?: Allocate;
}

/** A segment ready to be handed to the other thread, with the files it names for the first time. */
export interface Publication {
  id: number;
  segment: IndexSegment;
  /** [id, path] of files first named by this publication. */
  files: [number, string][];
  /** Files whose earlier definitions are gone (changed or deleted). */
  dead: number[];
  /** Segments this one replaces (a compaction). */
  replaces?: number[];
}

export interface StoreStatus {
  phase: 'idle' | 'loading' | 'walking' | 'indexing' | 'checking' | 'ready' | 'cancelled' | 'failed';
  /** Files indexed so far and the number the walk found (0 while unknown). */
  done: number;
  total: number;
  definitions: number;
  /** Files left out: too large, binary, unreadable. */
  skipped: number;
  /** Set when maxFiles left files out: how many the walk found. */
  cappedAt?: { limit: number; found: number };
  /** When a build from scratch had every file published (before it was compacted and saved). */
  completeMs?: number;
  /** The index came from the saved file (with this many files read again). */
  fromStorage?: { reread: number; removed: number };
  message?: string;
  elapsedMs: number;
}

/**
 * A batch of files read and scanned by another thread (the scan helper): per file its size, time and
 * number of sites (-1: skipped), and their definitions as a finished segment (shared memory) whose file
 * ids count the batch's files that were not skipped from 0 (the store moves them to its own ids).
 */
export interface ScanPart {
  files: string[];
  sizes: Float64Array;
  mtimes: Float64Array;
  counts: Int32Array;
  segments: { buffer: ArrayBufferLike; bits: number; count: number }[];
}

/** Reads and scans batches of files for another thread, each batch made into a segment there too. */
export class BatchScanner {
  private reader = new SiteReader();
  private builder = new IndexBuilder();
  scan(files: string[]): ScanPart {
    const n = files.length;
    const sizes = new Float64Array(n), mtimes = new Float64Array(n), counts = new Int32Array(n);
    const r = this.reader;
    const segments: ScanPart['segments'] = [];
    const cut = () => { const seg = this.builder.build(); segments.push({ buffer: seg.buffer, bits: seg.bits, count: seg.count }); };
    let local = 0;
    for (let i = 0; i < n; i++) {
      if (!r.read(files[i])) { counts[i] = -1; continue; }
      this.builder.addFile(local++, r.sites);
      sizes[i] = r.size; mtimes[i] = r.mtime; counts[i] = r.sites.length;
      // segments small enough for their sort to stay in the cache
      if (this.builder.length >= SEGMENT_DEFINITIONS) cut();
    }
    if (this.builder.length || !segments.length) cut();
    return { files, sizes, mtimes, counts, segments };
  }
}

/** The scan helper as the store sees it: a batch of files in, their sites out (another thread). */
export type ScanHelper = (files: string[]) => Promise<ScanPart>;

const latin1 = (buf: Buffer, start: number, end: number): string => (buf as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(start, end);

/**
 * Reads files into one reused buffer (or, for C-preprocessed files, straight into the WebAssembly
 * scanner's memory) and finds their definition sites.
 */
class SiteReader {
  private own: Buffer = Buffer.allocUnsafe(1 << 20);
  private readonly wasm = WasmDefineScanner.create();
  readonly sites = new SiteList();
  size = 0;
  mtime = 0;

  /** Read and scan a file; false when it is too large, binary or unreadable. */
  read(file: string): boolean {
    const family = indexFamily(file);
    let fd: number;
    try { fd = fs.openSync(file, 'r'); } catch { return false; }
    try {
      const st = fs.fstatSync(fd);
      this.size = st.size; this.mtime = st.mtimeMs;
      if (!st.isFile() || st.size > MAX_INDEXED_FILE_BYTES) return false;
      this.sites.clear();
      return family === 'c' ? this.readC(fd) : this.readWhole(fd, st.size, family);
    } catch { return false; } finally { fs.closeSync(fd); }
  }

  /** A buffer of `n` bytes whose first `keep` bytes are kept (the scanner's memory, or our own). */
  private buffer(n: number, keep: number): Uint8Array {
    if (this.wasm) return this.wasm.input(n);
    if (n > this.own.length) { const b = Buffer.allocUnsafe(n); (b as unknown as Uint8Array).set((this.own as unknown as Uint8Array).subarray(0, keep)); this.own = b; }
    return this.own as unknown as Uint8Array;
  }

  /**
   * C-preprocessed files in pieces of at most READ_PIECE bytes cut after a line (a longer line gets a
   * larger piece), so that memory follows the longest line, not the largest file. The three bytes before
   * a piece go with it: the continuation check looks at the end of the line before.
   */
  private readC(fd: number): boolean {
    let cap = READ_PIECE, carry = 0, base = 0, first = true;
    for (;;) {
      const buf = this.buffer(cap, carry);
      let n = carry;
      for (let r; n < cap && (r = fs.readSync(fd, buf, n, cap - n, null)) > 0;) n += r;
      const eof = n < cap;
      // binary: a NUL in the first 8 KiB (git's rule; a native search, not a loop per byte)
      if (first) { if (buf.subarray(0, Math.min(n, 8192)).indexOf(0) >= 0) return false; first = false; }
      const end = eof ? n : buf.lastIndexOf(10, n - 1) + 1;
      if (end <= 3 && !eof) { cap *= 2; carry = n; continue; } // no line ends in the piece: a larger one
      if (this.wasm) this.wasm.scan(end, this.sites, base); else scanCDefines(buf, end, this.sites, base);
      if (eof) return true;
      const keepFrom = end - 3;
      buf.copyWithin(0, keepFrom, n);
      carry = n - keepFrom;
      base += keepFrom;
      if (cap > READ_PIECE && carry < READ_PIECE / 2) cap = READ_PIECE;
    }
  }

  /** Assembly and linker scripts (small): the whole text, through the line patterns. */
  private readWhole(fd: number, size: number, family: Family): boolean {
    if (size + 1 > this.own.length) this.own = Buffer.allocUnsafe(Math.max(size + 1, this.own.length * 2));
    else if (this.own.length > 8 << 20 && size < 1 << 20) this.own = Buffer.allocUnsafe(1 << 20);
    const buf = this.own as unknown as Uint8Array;
    let n = 0;
    for (let r; n < buf.length && (r = fs.readSync(fd, buf, n, buf.length - n, null)) > 0;) n += r;
    if (looksBinary(buf.subarray(0, Math.min(n, 8192)))) return false;
    scanDefinitionSites(buf, n, family, this.sites, (x, y) => latin1(this.own, x, y));
    return true;
  }
}

/** The family a file's definitions are read in (by its name). */
export function indexFamily(file: string): Family {
  return familyFor(undefined, file) ?? 'c';
}

export class IndexStore {
  /** Path, size and modification time of every file id; `alive` false once a later id replaced it. */
  readonly paths: string[] = [];
  private sizes: number[] = [];
  private mtimes: number[] = [];
  private alive: boolean[] = [];
  /** Definitions of each file id. */
  private counts: number[] = [];
  /** Files left out, with the size and time they had. */
  private readonly skipped = new Map<string, [number, number]>();
  readonly byPath = new Map<string, number>();
  segments: { id: number; segment: IndexSegment }[] = [];
  private builder = new IndexBuilder();
  private siteReader?: SiteReader;
  /** The reader (its buffers and the scanner's memory are let go after a run: updates are few and small). */
  private get reader(): SiteReader { return (this.siteReader ??= new SiteReader()); }
  private nextSegment = 1;
  /** A thread that reads and scans files too (the cold build uses both cores). */
  helper?: ScanHelper;
  private unpublishedFiles: [number, string][] = [];
  /** Segments the helper made, waiting for the next publication. */
  private ready: IndexSegment[] = [];
  private unpublishedDead: number[] = [];
  private readonly allocate: Allocate;
  status: StoreStatus = { phase: 'idle', done: 0, total: 0, definitions: 0, skipped: 0, elapsedMs: 0 };
  private started = Date.now();
  cancelled = false;
  private dirty = false;

  constructor(readonly options: StoreOptions) {
    this.allocate = options.allocate ?? allocateShared;
  }

  private log(m: string): void { this.options.log?.(m); }

  private liveFiles = 0;
  private liveDefinitions = 0;
  get fileCount(): number { return this.liveFiles; }
  /** Definitions of the files that are indexed now (published or not). */
  get definitionCount(): number { return this.liveDefinitions; }

  private addFileEntry(file: string, size: number, mtime: number, count: number): number {
    const id = this.paths.length;
    this.paths.push(file); this.sizes.push(size); this.mtimes.push(mtime); this.alive.push(true); this.counts.push(count);
    this.byPath.set(file, id);
    this.liveFiles++; this.liveDefinitions += count;
    return id;
  }

  private drop(id: number): void {
    if (!this.alive[id]) return;
    this.alive[id] = false;
    this.liveFiles--; this.liveDefinitions -= this.counts[id];
    this.unpublishedDead.push(id);
    this.dirty = true;
  }
  get pendingDefinitions(): number { return this.builder.length; }

  private setPhase(phase: StoreStatus['phase'], message?: string): void {
    this.status = { ...this.status, phase, message, elapsedMs: Date.now() - this.started };
  }

  /** Index one file (replacing what an earlier version gave); false when it was skipped. */
  indexFile(file: string): boolean {
    const old = this.byPath.get(file);
    if (old !== undefined) this.drop(old);
    const r = this.reader;
    if (!r.read(file)) {
      this.byPath.delete(file);
      this.skip(file, r.size, r.mtime);
      return false;
    }
    this.skipped.delete(file);
    const id = this.addFileEntry(file, r.size, r.mtime, r.sites.length);
    this.unpublishedFiles.push([id, file]);
    this.builder.addFile(id, r.sites);
    this.status.definitions = this.liveDefinitions;
    this.dirty = true;
    return true;
  }

  /** Take in a batch scanned by the helper (files it skipped are counted as skipped); its segment is published as it is. */
  addScanned(part: ScanPart): number {
    const first = this.paths.length;
    let added = 0;
    for (let i = 0; i < part.files.length; i++) {
      const file = part.files[i], k = part.counts[i];
      const old = this.byPath.get(file);
      if (old !== undefined) this.drop(old);
      if (k < 0) { this.byPath.delete(file); this.skip(file, part.sizes[i], part.mtimes[i]); continue; }
      this.skipped.delete(file);
      const id = this.addFileEntry(file, part.sizes[i], part.mtimes[i], k);
      this.unpublishedFiles.push([id, file]);
      added++;
    }
    for (const m of part.segments) {
      const seg = new IndexSegment(m.buffer, m.bits, m.count);
      if (first) for (let i = 0; i < seg.count; i++) seg.file[i] += first;
      if (seg.count) this.ready.push(seg);
    }
    this.status.definitions = this.liveDefinitions;
    this.dirty = true;
    return added;
  }

  /** A file left out (too large, binary, unreadable): remembered with its size and time, so that a reload does not read it again. */
  private skip(file: string, size: number, mtime: number): void {
    this.skipped.set(file, [size, mtime]);
    this.status.skipped = this.skipped.size;
  }

  /** Whether a file the walk finds was left out before and has not changed since. */
  private stillSkipped(file: string): boolean {
    const s = this.skipped.get(file);
    if (!s) return false;
    try { const st = fs.statSync(file); return st.size === s[0] && st.mtimeMs === s[1]; } catch { return false; }
  }

  /**
   * A file the watcher says changed or was created: read again; dropped when it is gone (not counted as
   * skipped); a new file beyond maxFiles is not read (counted in cappedAt). Whether the index changed.
   */
  updateFile(file: string): boolean {
    if (!fs.existsSync(file)) { this.skipped.delete(file); this.status.skipped = this.skipped.size; return this.removeFile(file); }
    const { maxFiles } = this.options;
    if (maxFiles > 0 && !this.byPath.has(file) && this.fileCount >= maxFiles) {
      // (a file the walk found beyond the limit is counted already)
      this.status.cappedAt ??= { limit: maxFiles, found: this.fileCount + 1 };
      return false;
    }
    this.indexFile(file);
    return true;
  }

  /**
   * Folders created or deleted (the watcher then reports the folder only, not the files in it), or
   * other paths that may have been folders: the indexed files under a folder that is gone are dropped,
   * the files of a new folder are returned to be read. Paths outside the roots, or in a dot-folder,
   * node_modules, out or dist, give nothing.
   */
  foldersChanged(dirs: Iterable<string>): { removed: number; found: string[] } {
    let removed = 0;
    const found: string[] = [];
    let indexedDirs: Set<string> | undefined;
    for (const dir of dirs) {
      const root = this.options.roots.find((r) => dir.startsWith(r + path.sep));
      if (!root) continue;
      const parts = dir.slice(root.length + 1).split(path.sep);
      if (parts.some((n) => n.charCodeAt(0) === 46 || EXCLUDED_FOLDER_NAMES.includes(n))) continue;
      let st: fs.Stats | undefined;
      try { st = fs.statSync(dir); } catch { st = undefined; }
      if (st?.isDirectory()) { for (const f of IndexStore.walk(dir)) found.push(f); continue; }
      if (st) continue; // a file of another kind
      // gone: a folder of indexed files? (the folders of the indexed files, made once per batch)
      if (!indexedDirs) {
        indexedDirs = new Set();
        for (const f of [...this.byPath.keys(), ...this.skipped.keys()]) {
          for (let d = path.dirname(f); d.length > root.length && !indexedDirs.has(d); d = path.dirname(d)) indexedDirs.add(d);
        }
      }
      if (!indexedDirs.has(dir)) continue;
      const prefix = dir + path.sep;
      for (const f of [...this.byPath.keys()]) if (f.startsWith(prefix) && !fs.existsSync(f) && this.removeFile(f)) removed++;
      for (const f of [...this.skipped.keys()]) if (f.startsWith(prefix) && !fs.existsSync(f)) this.skipped.delete(f);
      this.status.skipped = this.skipped.size;
    }
    return { removed, found };
  }

  /** A file is gone: its definitions are dropped. */
  removeFile(file: string): boolean {
    const id = this.byPath.get(file);
    if (id === undefined) return false;
    this.byPath.delete(file);
    this.drop(id);
    this.status.definitions = this.liveDefinitions;
    return true;
  }

  /**
   * What was indexed since the last publication, as segments (none when nothing changed): the one the
   * builder makes, then those the helper made; the first carries the new files and the dropped ones.
   */
  publish(): Publication[] {
    const out: Publication[] = [];
    const segs = this.builder.length || !this.ready.length ? [this.builder.build(this.allocate), ...this.ready] : this.ready;
    this.ready = [];
    for (const segment of segs) {
      if (segment.count === 0 && (out.length || (!this.unpublishedFiles.length && !this.unpublishedDead.length))) continue;
      const p: Publication = { id: this.nextSegment++, segment, files: out.length ? [] : this.unpublishedFiles, dead: out.length ? [] : this.unpublishedDead };
      out.push(p);
      if (segment.count > 0) this.segments.push({ id: p.id, segment });
    }
    if (out.length) { this.unpublishedFiles = []; this.unpublishedDead = []; }
    return out;
  }

  /** Whether merging the segments pays: many of them, or a quarter of their definitions are of dropped files. */
  worthCompacting(): boolean {
    let total = 0;
    for (const x of this.segments) total += x.segment.count;
    return this.segments.length > 256 || total - this.liveDefinitions > total / 4;
  }

  /**
   * One segment for all (the dropped files' definitions left out), replacing the many a build makes:
   * lookups visit one segment again. Undefined when there is one already and nothing was dropped.
   */
  compact(): Publication | undefined {
    const dead = this.paths.length - this.liveFiles;
    if (this.segments.length <= 1 && dead === 0) return undefined;
    const segment = mergeSegments(this.segments.map((s) => s.segment), (f) => (this.alive[f] ? f : -1), this.allocate);
    const p: Publication = { id: this.nextSegment++, segment, files: [], dead: [], replaces: this.segments.map((s) => s.id) };
    this.segments = segment.count ? [{ id: p.id, segment }] : [];
    return p;
  }

  /** Files under a folder, in name order per directory (dot-folders, node_modules, out, dist and symbolic links left out). */
  static *walk(root: string): Generator<string> {
    const stack = [root];
    while (stack.length) {
      const dir = stack.pop()!;
      let entries: fs.Dirent[];
      try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { continue; }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const sub: string[] = [];
      for (const e of entries) {
        if (e.name.charCodeAt(0) === 46) continue;
        const p = dir + path.sep + e.name;
        if (e.isDirectory()) { if (!EXCLUDED_FOLDER_NAMES.includes(e.name)) sub.push(p); }
        else if (e.isFile() && INDEXED_FILE.test(e.name)) yield p;
      }
      for (let i = sub.length - 1; i >= 0; i--) stack.push(sub[i]);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Saved form

  /** Write the index (one merged segment, dead files dropped) to the storage file; false when not saved. */
  save(): boolean {
    const file = this.options.storageFile;
    if (!file || !this.dirty) return false;
    const remap = new Int32Array(this.paths.length).fill(-1);
    const files: IndexMeta['files'] = [];
    for (let id = 0; id < this.paths.length; id++) {
      if (!this.alive[id]) continue;
      remap[id] = files.length;
      files.push({ path: this.paths[id], size: this.sizes[id], mtime: this.mtimes[id], alive: true });
    }
    // every file alive (a build from scratch): the segments are written as they are; else merged with the files renumbered
    const whole = files.length === this.paths.length;
    const segs = whole ? this.segments.map((x) => x.segment) : [mergeSegments(this.segments.map((x) => x.segment), (f) => remap[f], (n) => new ArrayBuffer(n))];
    const meta: IndexMeta = { roots: this.options.roots, files, extra: { maxFiles: this.options.maxFiles, capped: !!this.status.cappedAt, skipped: [...this.skipped] } };
    const parts = encodeIndex(meta, segs);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const fd = fs.openSync(tmp, 'w');
      try { for (const p of parts) fs.writeSync(fd, p); } finally { fs.closeSync(fd); }
      fs.renameSync(tmp, file);
      this.dirty = false;
      return true;
    } catch (e) {
      try { fs.rmSync(tmp, { force: true }); } catch { /* gone */ }
      this.log(`cannot save the index to ${file}: ${(e as Error).message}`);
      return false;
    }
  }

  /**
   * Load the saved index when it is for these folders and settings; otherwise log why and return
   * none (the caller builds from scratch). One publication per saved segment, the first with the files.
   */
  load(): Publication[] | undefined {
    const file = this.options.storageFile;
    if (!file) return undefined;
    let bytes: Buffer;
    try { bytes = fs.readFileSync(file); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`cannot read the saved index ${file}: ${(e as Error).message}; building it again`);
      return undefined;
    }
    let decoded: ReturnType<typeof decodeIndex>;
    try { decoded = decodeIndex(bytes as unknown as Uint8Array, this.allocate); } catch (e) {
      const why = e instanceof IndexFormatError ? e.message : `unexpected error: ${(e as Error).message}`;
      this.log(`the saved index ${file} is not used: ${why}; building it again`);
      return undefined;
    }
    const { meta, segments } = decoded;
    const sameRoots = meta.roots.length === this.options.roots.length && meta.roots.every((r, i) => r === this.options.roots[i]);
    if (!sameRoots) { this.log(`the saved index ${file} is for other folders (${meta.roots.join(', ')}); building it again`); return undefined; }
    if ((meta.extra?.maxFiles ?? 0) !== this.options.maxFiles) { this.log(`the saved index ${file} was made with another file limit (${meta.extra?.maxFiles}); building it again`); return undefined; }
    const counts = new Uint32Array(meta.files.length);
    for (const seg of segments) for (let i = 0; i < seg.count; i++) counts[seg.file[i]]++;
    meta.files.forEach((f, i) => this.addFileEntry(f.path, Number(f.size), Number(f.mtime), counts[i]));
    const pubs: Publication[] = segments.map((segment, i) => ({ id: this.nextSegment++, segment, files: i === 0 ? this.paths.map((q, k) => [k, q] as [number, string]) : [], dead: [] }));
    if (!pubs.length) pubs.push({ id: this.nextSegment++, segment: new IndexBuilder().build(this.allocate), files: this.paths.map((q, k) => [k, q] as [number, string]), dead: [] });
    for (const p of pubs) if (p.segment.count > 0) this.segments.push({ id: p.id, segment: p.segment });
    this.status.definitions = this.liveDefinitions;
    this.status.done = this.paths.length;
    if (meta.extra?.capped) this.status.cappedAt = { limit: this.options.maxFiles, found: this.paths.length };
    const skipped = meta.extra?.skipped;
    if (Array.isArray(skipped)) for (const e of skipped) if (Array.isArray(e) && typeof e[0] === 'string' && Array.isArray(e[1])) this.skipped.set(e[0], [Number(e[1][0]), Number(e[1][1])]);
    this.status.skipped = this.skipped.size;
    return pubs;
  }

  /** Files whose size or modification time differ from the index (or that are gone). */
  staleFiles(from: number, to: number): { changed: string[]; gone: string[] } {
    const changed: string[] = [], gone: string[] = [];
    for (let id = from; id < to && id < this.paths.length; id++) {
      if (!this.alive[id]) continue;
      let st: fs.Stats;
      try { st = fs.statSync(this.paths[id]); } catch { gone.push(this.paths[id]); continue; }
      if (st.size !== this.sizes[id] || st.mtimeMs !== this.mtimes[id]) changed.push(this.paths[id]);
    }
    return { changed, gone };
  }

  // -------------------------------------------------------------------------------------------
  // Whole runs

  /**
   * Build or refresh the index: the saved one when it is usable (then only changed, new and deleted
   * files are read), else every file of the roots, the priority folders first. Publishes as it goes
   * (`publish` gets each segment); `pause` lets messages in (cancel, new priorities) between slices.
   */
  async run(hooks: { publish(p: Publication): void; progress(s: StoreStatus): void; pause(): Promise<void>; priority(): string | undefined; rebuild?: boolean }): Promise<StoreStatus> {
    this.started = Date.now();
    const { roots, maxFiles } = this.options;
    let lastPublish = Date.now(), lastProgress = 0, lastPause = Date.now();
    const progress = (force = false) => {
      const now = Date.now();
      if (!force && now - lastProgress < 200) return;
      lastProgress = now;
      this.status.elapsedMs = now - this.started;
      hooks.progress({ ...this.status });
    };
    const flush = () => { for (const p of this.publish()) hooks.publish(p); lastPublish = Date.now(); };
    const compact = () => { const p = this.compact(); if (p) hooks.publish(p); };
    const slice = async () => {
      const now = Date.now();
      // small segments: each one's counting sort stays in the cache (a lookup visits every segment: a few dozen)
      if (now - lastPublish > 1000 || this.builder.length >= SEGMENT_DEFINITIONS || this.ready.length) flush();
      if (now - lastPause > 40) { await hooks.pause(); lastPause = Date.now(); }
      progress();
    };

    this.setPhase('loading');
    progress(true);
    const loaded = hooks.rebuild ? undefined : this.load();
    if (loaded) {
      for (const p of loaded) hooks.publish(p);
      lastPublish = Date.now();
      this.setPhase('checking', 'comparing the saved index with the files');
      progress(true);
      // Changed and deleted files, then new ones (a walk of the folders), read again.
      let reread = 0, removed = 0;
      const known = this.paths.length;
      for (let from = 0; from < known; from += 2000) {
        const { changed, gone } = this.staleFiles(from, from + 2000);
        for (const f of gone) { this.removeFile(f); removed++; }
        for (const f of changed) { this.indexFile(f); reread++; }
        if (this.cancelled) { flush(); return this.finish('cancelled'); }
        await slice();
      }
      let found = known;
      for (const root of roots) {
        for (const f of IndexStore.walk(root)) {
          if (this.byPath.has(f) || this.stillSkipped(f)) continue;
          found++;
          if (maxFiles > 0 && this.fileCount >= maxFiles) continue;
          this.indexFile(f); reread++;
          if (this.cancelled) { flush(); return this.finish('cancelled'); }
          if ((reread & 63) === 0) await slice();
        }
      }
      if (maxFiles > 0 && found > this.fileCount) this.status.cappedAt = { limit: maxFiles, found };
      this.status.fromStorage = { reread, removed };
      this.status.done = this.fileCount;
      this.status.total = this.fileCount;
      this.status.definitions = this.definitionCount;
      flush();
      if (reread || removed) { if (this.worthCompacting()) compact(); this.save(); }
      return this.finish('ready');
    }

    // From scratch: the folders of open files first (they are what hovers ask about now).
    this.dirty = true;
    this.setPhase('indexing');
    const done = new Set<string>();
    let indexed = 0;
    const full = () => maxFiles > 0 && indexed >= maxFiles;
    const take = async (f: string) => {
      if (done.has(f)) return;
      done.add(f);
      if (full()) return;
      if (this.indexFile(f)) indexed++;
      this.status.done = indexed;
      if ((indexed & 31) === 0) await slice();
    };
    const priorities = async () => {
      for (let dir = hooks.priority(); dir; dir = hooks.priority()) {
        for (const f of IndexStore.walk(dir)) { await take(f); if (this.cancelled) return; }
        flush();
      }
    };
    await priorities();
    if (this.cancelled) { flush(); return this.finish('cancelled'); }
    // The walk and the reading go together: the helper reads the first batches while this thread walks
    // on; once the walk is over (progress has its total), both read.
    this.setPhase('walking');
    progress(true);
    const walker = (function* () { for (const root of roots) yield* IndexStore.walk(root); })();
    const todo: string[] = [];
    let walking = true, found = 0, head = 0;
    const walkSome = (n: number) => {
      for (let k = 0; k < n; k++) {
        const r = walker.next();
        if (r.done) { walking = false; break; }
        found++;
        if (!done.has(r.value)) todo.push(r.value);
      }
      if (!walking) {
        if (maxFiles > 0 && found > maxFiles) this.status.cappedAt = { limit: maxFiles, found };
        // files beyond the limit are never read
        const room = maxFiles > 0 ? Math.max(0, maxFiles - indexed - inFlight) : Infinity;
        if (todo.length - head > room) todo.length = head + room;
        this.status.total = maxFiles > 0 ? Math.min(maxFiles, found) : found;
        this.setPhase('indexing');
        progress(true);
      }
    };
    const helper = this.helper;
    // two batches in flight: the helper finds the next one waiting when it is done with one
    const pending = new Set<Promise<void>>();
    let inFlight = 0;
    const parts: ScanPart[] = [];
    const undone: string[] = [];
    const send = () => {
      while (helper && pending.size < 2 && !this.cancelled) {
        // while walking, only full batches (the walk may still cut the list at the limit)
        if (todo.length - head < (walking ? HELPER_BATCH : 1)) return;
        if (walking && maxFiles > 0 && indexed + inFlight + HELPER_BATCH > maxFiles) return;
        // near the end, smaller batches: the two threads finish together
        const size = walking ? HELPER_BATCH : Math.min(HELPER_BATCH, Math.max(16, Math.ceil((todo.length - head) / 6)));
        const batch = todo.slice(head, head + size);
        head += batch.length;
        inFlight += batch.length;
        for (const f of batch) done.add(f);
        const job: Promise<void> = helper(batch).then((p) => { parts.push(p); }, () => { undone.push(...batch); })
          .finally(() => { pending.delete(job); inFlight -= batch.length; send(); });
        pending.add(job);
      }
    };
    const integrate = () => {
      while (parts.length) { indexed += this.addScanned(parts.shift()!); this.status.done = indexed; }
      send();
    };
    const outstanding = () => (pending.size ? Promise.race(pending) : undefined);
    while (walking || head < todo.length || pending.size) {
      integrate();
      if (walking) walkSome(2048);
      else if (head < todo.length) {
        // this thread's share: small batches, so that the helper's results are taken in often
        const end = Math.min(todo.length, head + LOCAL_BATCH);
        while (head < end && !this.cancelled) await take(todo[head++]);
      } else await outstanding();
      if (this.cancelled) { while (pending.size) await outstanding(); integrate(); flush(); return this.finish('cancelled'); }
      await slice();
      await priorities();
      if (full()) break;
    }
    integrate();
    for (const f of undone) { done.delete(f); await take(f); }
    flush();
    this.status.done = indexed;
    // lookups have everything now; saved as the segments are (no merge: no second copy in memory)
    this.status.completeMs = Date.now() - this.started;
    this.save();
    return this.finish('ready');
  }

  private finish(phase: 'ready' | 'cancelled'): StoreStatus {
    this.siteReader = undefined;
    this.setPhase(phase);
    return { ...this.status };
  }
}
