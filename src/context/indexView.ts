// The workspace index as the extension host reads it: the segments the index worker published
// (shared memory, never copied), the file of each id, the files whose definitions are gone; and the
// lookups the analyses make through it. A definition's body is read from its file when a lookup first
// needs it (a window at the definition's line), checked against the name, and kept (a file id's
// content never changes: a changed file gets a new id). No `vscode` import.
import * as fs from 'fs';
import {
  IndexedDefine, IndexSegment, MacroDef, macroOfIndexed, nameHash, pathAffinity, readDefinitionAt, windowCutShort,
} from '../engine/source';
import { indexFamily } from './indexStore';

/** A publication as it crosses threads: the segment's shared buffer and shape, the files it names, the files it drops. */
export interface SegmentMessage {
  id: number;
  buffer: ArrayBufferLike;
  /** Where the segment starts in the buffer (a loaded index has its segments in one buffer). */
  offset?: number;
  bits: number;
  count: number;
  /** The files it names first: [id, path] pairs, or consecutive ids from `first` with their paths joined by NUL (one string to copy between threads). */
  files: [number, string][] | PackedFiles;
  dead: number[];
  /** Segments this one replaces (the worker merged them). */
  replaces?: number[];
}

export interface PackedFiles { first: number; paths: string }

/** [id, path] pairs as one string when the ids follow each other (they do: a store gives ids in order). */
export function packFiles(files: [number, string][]): [number, string][] | PackedFiles {
  if (!files.length) return files;
  for (let i = 1; i < files.length; i++) if (files[i][0] !== files[0][0] + i) return files;
  return { first: files[0][0], paths: files.map((f) => f[1]).join('\0') };
}

/** What lookups answered since the analyses last refreshed: names not found, and names found (for which file, how near). */
export interface LookupWatch {
  missed: Set<string>;
  served: Map<string, { near: string; affinity: number }[]>;
}

/** Where a name is defined: the file and the offset of the defining line. */
export interface Site {
  fileId: number;
  file: string;
  offset: number;
}

/** The note on a definition found through the index (the hover's footnote reads it). */
export const INDEX_NOTE = 'workspace index';
/** Other definitions compared with the chosen one (to say whether they differ). */
const COMPARED_OTHERS = 8;
const MAX_CACHED_DEFINITIONS = 50_000;
const WINDOW = 4096;
const MAX_WINDOW = 1 << 20;

/** Reads definitions back from their files, once per site. */
export class DefinitionReader {
  private readonly cache = new Map<string, IndexedDefine | null>();
  private buf = Buffer.allocUnsafe(WINDOW);
  /** Newline offsets of large files, for line numbers (a few files at a time). */
  private readonly lines = new Map<string, Uint32Array>();
  reads = 0;

  /** The definition of `name` at the site, or undefined (file changed under us, or another name with the same hash). */
  read(site: Site, name: string): IndexedDefine | undefined {
    const key = `${site.fileId}:${site.offset}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit && hit.name === name ? hit : undefined;
    let def: IndexedDefine | undefined;
    try { def = this.readSite(site, name); } catch { def = undefined; }
    if (this.cache.size >= MAX_CACHED_DEFINITIONS) this.cache.clear();
    this.cache.set(key, def ?? null);
    return def;
  }

  private readSite(site: Site, name: string): IndexedDefine | undefined {
    this.reads++;
    const fd = fs.openSync(site.file, 'r');
    try {
      // The logical line at the offset: a window that grows while a backslash continues the line.
      let size = WINDOW, text = '';
      for (;;) {
        if (this.buf.length < size) this.buf = Buffer.allocUnsafe(size);
        const n = fs.readSync(fd, this.buf as unknown as Uint8Array, 0, size, site.offset);
        text = this.buf.toString('latin1', 0, n);
        if (!windowCutShort(text, n < size) || size >= MAX_WINDOW) break;
        size *= 4;
      }
      if (this.buf.length > WINDOW * 4) this.buf = Buffer.allocUnsafe(WINDOW);
      const family = indexFamily(site.file);
      // Only the first logical line: extraction stops looking at the rest of the window.
      const first = readDefinitionAt(firstLogicalLine(text), name, family, site.file, 0);
      if (!first) return undefined;
      return { ...first, line: this.lineOf(fd, site) };
    } finally {
      fs.closeSync(fd);
    }
  }

  /** 0-based line of an offset: newlines counted before it (cached for large files). */
  private lineOf(fd: number, site: Site): number {
    const cached = this.lines.get(site.file);
    if (cached) return upperBound(cached, site.offset);
    const st = fs.fstatSync(fd);
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, st.size)));
    const big = st.size > 1 << 20;
    const all: number[] = [];
    let line = 0;
    const end = big ? st.size : site.offset;
    for (let pos = 0; pos < end;) {
      const n = fs.readSync(fd, chunk as unknown as Uint8Array, 0, Math.min(chunk.length, end - pos), pos);
      if (n <= 0) break;
      for (let i = chunk.indexOf(10, 0); i >= 0 && i < n; i = chunk.indexOf(10, i + 1)) {
        if (big) all.push(pos + i); else line++;
      }
      pos += n;
    }
    if (!big) return line;
    const table = Uint32Array.from(all);
    if (this.lines.size >= 4) this.lines.delete(this.lines.keys().next().value!);
    this.lines.set(site.file, table);
    return upperBound(table, site.offset);
  }

  clear(): void { this.cache.clear(); this.lines.clear(); }
}

/** Number of entries below `v` in a sorted array. */
function upperBound(a: Uint32Array, v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (a[m] < v) lo = m + 1; else hi = m; }
  return lo;
}

/** The first logical line of a text (backslash continuations included). */
function firstLogicalLine(text: string): string {
  let pos = 0;
  for (;;) {
    const e = text.indexOf('\n', pos);
    if (e < 0) return text;
    const le = e > 0 && text.charCodeAt(e - 1) === 13 ? e - 1 : e;
    if (le === 0 || text.charCodeAt(le - 1) !== 92) return text.slice(0, e);
    pos = e + 1;
  }
}

export class IndexView {
  private segments: { id: number; segment: IndexSegment }[] = [];
  /** Path of each file id (sparse while segments arrive). */
  private readonly files: string[] = [];
  private dead = new Uint8Array(1024);
  private deadCount = 0;
  readonly reader = new DefinitionReader();
  /** Definitions across the segments (dead files' included until the worker compacts). */
  definitions = 0;

  get fileCount(): number { return this.files.length - this.deadCount; }
  get segmentCount(): number { return this.segments.length; }
  /** Bytes of shared memory the segments hold. */
  get bytes(): number { let n = 0; for (const s of this.segments) n += s.segment.byteLength; return n; }
  get empty(): boolean { return this.segments.length === 0; }

  /** Take a publication in; returns the segment made of it (undefined when it had no definitions). */
  apply(m: SegmentMessage): IndexSegment | undefined {
    if (Array.isArray(m.files)) for (const [id, p] of m.files) this.files[id] = p;
    else if (m.files.paths) m.files.paths.split('\0').forEach((p, i) => { this.files[(m.files as PackedFiles).first + i] = p; });
    for (const id of m.dead) this.markDead(id);
    if (m.replaces) {
      const gone = new Set(m.replaces);
      this.segments = this.segments.filter((s) => !gone.has(s.id));
      this.definitions = this.segments.reduce((n, s) => n + s.segment.count, 0);
    }
    if (m.count === 0) return undefined;
    const segment = new IndexSegment(m.buffer, m.bits, m.count, m.offset ?? 0);
    this.segments.push({ id: m.id, segment });
    this.definitions += m.count;
    return segment;
  }

  private markDead(id: number): void {
    if (id >= this.dead.length) { const d = new Uint8Array(Math.max(id + 1, this.dead.length * 2)); d.set(this.dead); this.dead = d; }
    if (!this.dead[id]) { this.dead[id] = 1; this.deadCount++; }
  }

  private isDead(id: number): boolean { return id < this.dead.length && this.dead[id] === 1; }

  /** Forget everything (a rebuild starts). */
  reset(): void {
    this.segments = [];
    this.files.length = 0;
    this.dead = new Uint8Array(1024);
    this.deadCount = 0;
    this.definitions = 0;
    this.reader.clear();
  }

  /** Where `name` may be defined (sites of names with the same hash included; reading tells them apart). */
  sites(name: string): Site[] {
    const h = nameHash(name);
    const out: Site[] = [];
    for (const { segment } of this.segments) {
      segment.forEach(h, (fileId, offset) => {
        if (this.isDead(fileId)) return;
        const file = this.files[fileId];
        if (file !== undefined) out.push({ fileId, file, offset });
      });
    }
    return out;
  }

  /**
   * Whether a new segment changes what lookups answered: it defines a name they missed, or a name they
   * found with a file nearer to the file that asked (by hash: a false alarm costs one refresh, never a miss).
   */
  improves(segment: IndexSegment, watch: LookupWatch): boolean {
    for (const n of watch.missed) if (segment.has(nameHash(n))) return true;
    for (const [name, asked] of watch.served) {
      let better = false;
      segment.forEach(nameHash(name), (fileId) => {
        const f = this.files[fileId];
        if (better || f === undefined || this.isDead(fileId)) return;
        for (const a of asked) if (pathAffinity(f, a.near) > a.affinity) { better = true; return; }
      });
      if (better) return true;
    }
    return false;
  }

  /** The definitions of a name, nearest to `near` first (by shared path prefix, then path). */
  lookup(name: string, near?: string): IndexedDefine[] {
    const sites = this.sites(name);
    const defs: IndexedDefine[] = [];
    for (const s of sites) { const d = this.reader.read(s, name); if (d) defs.push(d); }
    if (!near) return defs;
    return defs.map((d, i) => ({ d, i, a: pathAffinity(d.file, near) })).sort((x, y) => y.a - x.a || (x.d.file < y.d.file ? -1 : x.d.file > y.d.file ? 1 : x.i - y.i)).map((x) => x.d);
  }

  /**
   * The evaluator's fallback for a file: a name's nearest definition (by path), as a macro whose origin
   * says it came from the index and whether other files define it differently. Only the nearest site and
   * a few others are read, however many files define the name. `watch` records what was answered.
   */
  macroLookup(near: string, watch?: LookupWatch): (name: string) => MacroDef[] | undefined {
    const memo = new Map<string, MacroDef[] | undefined>();
    return (name) => {
      if (memo.has(name)) return memo.get(name);
      const result = this.resolve(name, near);
      if (watch) {
        const file = result?.[0].origin?.file;
        if (!file) watch.missed.add(name);
        else {
          let l = watch.served.get(name);
          if (!l) watch.served.set(name, (l = []));
          if (l.length < 8 && !l.some((x) => x.near === near)) l.push({ near, affinity: pathAffinity(file, near) });
        }
      }
      memo.set(name, result);
      return result;
    };
  }

  private resolve(name: string, near: string): MacroDef[] | undefined {
    const sites = this.sites(name);
    if (sites.length === 0) return undefined;
    // nearest first, without reading: the path decides; then read until one is really `name`
    const ranked = sites.map((s, i) => ({ s, i, a: pathAffinity(s.file, near) }));
    ranked.sort((x, y) => y.a - x.a || (x.s.file < y.s.file ? -1 : x.s.file > y.s.file ? 1 : x.i - y.i));
    let chosen: IndexedDefine | undefined;
    let k = 0;
    for (; k < ranked.length && !chosen; k++) chosen = this.reader.read(ranked[k].s, name);
    if (!chosen) return undefined;
    const def = macroOfIndexed(chosen, INDEX_NOTE);
    if (!def) return undefined;
    // the others: files other than the chosen one; compared with it when few
    const otherFiles = new Set<string>();
    for (let j = k; j < ranked.length; j++) if (ranked[j].s.file !== chosen.file) otherFiles.add(ranked[j].s.file);
    let note = INDEX_NOTE;
    if (otherFiles.size > COMPARED_OTHERS) note = `${INDEX_NOTE}; ${otherFiles.size} other files define it too`;
    else if (otherFiles.size > 0) {
      const differ = new Set<string>();
      for (let j = k; j < ranked.length; j++) {
        const s = ranked[j].s;
        if (s.file === chosen.file || differ.has(s.file)) continue;
        const d = this.reader.read(s, name);
        if (d && d.body !== chosen.body) differ.add(s.file);
      }
      if (differ.size) note = `${INDEX_NOTE}; ${differ.size} other file${differ.size === 1 ? '' : 's'} define it differently`;
    }
    return [note === INDEX_NOTE ? def : { ...def, origin: { ...def.origin, note } }];
  }
}

