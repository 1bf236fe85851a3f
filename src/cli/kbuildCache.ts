// What the command line learns of a kernel tree's headers, kept between runs: per header, the word
// filter of its text (wordBloom.ts: whether it may name an identifier at all) and the names its C
// declarations define (enums.ts: an enumerator, typedef, constant, variable or function). One file
// per build directory under $XDG_CACHE_HOME/paging-layout/kbuild (~/.cache/... without it). An entry
// is used only while its file's size, modification time and inode are those it was made from, so the
// cache never changes an answer: a header edited, replaced or added is read again (and its entry
// made again) on the next run. PAGING_LAYOUT_NO_CACHE=1 turns it off.
//
// Format: "PLWB1\n", the header's length (u32 LE), the header (JSON: the build directory and one
// [path, size, mtimeMs, ino, offset, length, declared names (space-separated) or null] per file),
// then the filters' bytes.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { bloomMayContain, declaredNames, familyFor, wordBloom } from '../engine/source';

const MAGIC = 'PLWB1\n';

interface Entry {
  size: number;
  mtimeMs: number;
  ino: number;
  filter?: Uint8Array;
  /** The declared names, space-separated (undefined: not known yet). */
  names?: string;
  /** Its set, made when first asked. */
  nameSet?: Set<string>;
}

type Row = [string, number, number, number, number, number, string | null];

/** The cache directory of the command line, or undefined when caching is off. */
export function cacheDir(): string | undefined {
  if (process.env.PAGING_LAYOUT_NO_CACHE === '1') return undefined;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'paging-layout', 'kbuild');
}

/** Caches with entries not yet written, written when the process exits. */
const unsaved = new Set<WordFilterCache>();
let exitHooked = false;

export class WordFilterCache {
  private readonly entries = new Map<string, Entry>();
  /** Entries checked against their file in this process (each file is stat'ed once). */
  private readonly checked = new Map<string, Entry | null>();
  private dirty = false;

  private constructor(private readonly file: string | undefined, private readonly key: string) {}

  /** The cache of a build directory (loaded from disk when there is one). */
  static forBuild(buildDir: string): WordFilterCache {
    const dir = cacheDir();
    const key = path.resolve(buildDir);
    const file = dir ? path.join(dir, `${createHash('sha1').update(key).digest('hex').slice(0, 16)}.bin`) : undefined;
    const c = new WordFilterCache(file, key);
    if (file) c.load(file);
    return c;
  }

  private load(file: string): void {
    let buf: Buffer;
    try { buf = fs.readFileSync(file); } catch { return; }
    try {
      if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return;
      const hlen = buf.readUInt32LE(MAGIC.length);
      const start = MAGIC.length + 4;
      const head = JSON.parse(buf.toString('utf8', start, start + hlen)) as { key: string; files: Row[] };
      if (head.key !== this.key) return;
      const blob = start + hlen;
      for (const [p, size, mtimeMs, ino, off, len, names] of head.files) {
        const e: Entry = { size, mtimeMs, ino };
        if (len > 0) e.filter = new Uint8Array(buf.buffer, buf.byteOffset + blob + off, len);
        if (names !== null) e.names = names;
        this.entries.set(p, e);
      }
    } catch {
      this.entries.clear();
    }
  }

  /** The file's entry, made anew (empty) when the file changed since; null when it cannot be stat'ed. */
  private entry(p: string): Entry | null {
    const c = this.checked.get(p);
    if (c !== undefined) return c;
    let e: Entry | null = null;
    try {
      const st = fs.statSync(p);
      const old = this.entries.get(p);
      if (old && old.size === st.size && old.mtimeMs === st.mtimeMs && old.ino === st.ino) e = old;
      else {
        e = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
        this.entries.set(p, e);
      }
    } catch {
      e = null;
    }
    this.checked.set(p, e);
    return e;
  }

  /**
   * Whether a file may hold `word` as an identifier: false only when it surely does not. `text`
   * reads the file when its filter must be made (undefined: unreadable, which answers true so that
   * the caller's own read decides).
   */
  mayContainWord(p: string, word: string, text: () => string | undefined): boolean {
    const e = this.entry(p);
    if (!e) return true;
    if (!e.filter) {
      const t = text();
      if (t === undefined) return true;
      e.filter = wordBloom(t);
      this.markDirty();
    }
    return bloomMayContain(e.filter, word);
  }

  /** Whether a file's declarations define `name` (`text`: the file's text as read for this run). */
  declares(p: string, text: string, name: string): boolean | undefined {
    const e = this.entry(p);
    if (!e || e.size !== Buffer.byteLength(text, 'utf8')) return undefined;
    if (e.names === undefined) {
      e.names = declaredNames(text, familyFor(undefined, p) ?? 'c').join(' ');
      this.markDirty();
    }
    e.nameSet ??= new Set(e.names ? e.names.split(' ') : []);
    return e.nameSet.has(name);
  }

  private markDirty(): void {
    this.dirty = true;
    if (!this.file) return;
    unsaved.add(this);
    if (!exitHooked) {
      exitHooked = true;
      process.once('exit', () => { for (const c of unsaved) c.save(); });
    }
  }

  /** Writes the cache when it changed (a temporary file renamed over the old one). */
  save(): void {
    unsaved.delete(this);
    if (!this.dirty || !this.file) return;
    this.dirty = false;
    try {
      const files: Row[] = [];
      const parts: Buffer[] = [];
      let off = 0;
      for (const [p, e] of this.entries) {
        if (!e.filter && e.names === undefined) continue;
        const len = e.filter?.length ?? 0;
        files.push([p, e.size, e.mtimeMs, e.ino, off, len, e.names ?? null]);
        if (e.filter) parts.push(Buffer.from(e.filter.buffer, e.filter.byteOffset, e.filter.length));
        off += len;
      }
      const head = Buffer.from(JSON.stringify({ key: this.key, files }), 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(head.length);
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, Buffer.concat([Buffer.from(MAGIC, 'latin1'), len, head, ...parts] as unknown as Uint8Array[]) as unknown as Uint8Array);
      fs.renameSync(tmp, this.file);
    } catch {
      // a cache that cannot be written only costs time
    }
  }
}

/** Writes every cache with entries not yet written (a long-lived worker calls it after each job). */
export function saveWordFilterCaches(): void {
  for (const c of [...unsaved]) c.save();
}

/**
 * A kernel-tree file system whose word filters are kept in the cache of a build directory, and the
 * cache. Files in `overlay` (an editor's unsaved text) are never answered from the cache: their
 * filter and declared names are made from the given text.
 */
export function withWordFilters<T extends { readFile(p: string): string | undefined }>(kfs: T, buildDir: string, overlay?: ReadonlyMap<string, string>): { fs: T & { mayContainWord(p: string, word: string): boolean }; cache: Pick<WordFilterCache, 'declares' | 'mayContainWord' | 'save'> } {
  const disk = WordFilterCache.forBuild(buildDir);
  const own = new Map<string, { filter: Uint8Array; names?: Set<string> }>();
  const ownEntry = (p: string) => {
    let e = own.get(p);
    if (!e) { e = { filter: wordBloom(overlay!.get(p)!) }; own.set(p, e); }
    return e;
  };
  const cache: Pick<WordFilterCache, 'declares' | 'mayContainWord' | 'save'> = !overlay?.size ? disk : {
    mayContainWord: (p, word, text) => (overlay.has(p) ? bloomMayContain(ownEntry(p).filter, word) : disk.mayContainWord(p, word, text)),
    declares: (p, text, name) => {
      if (!overlay.has(p)) return disk.declares(p, text, name);
      const e = ownEntry(p);
      e.names ??= new Set(declaredNames(overlay.get(p)!, familyFor(undefined, p) ?? 'c'));
      return e.names.has(name);
    },
    save: () => disk.save(),
  };
  const fs = Object.assign(Object.create(null) as object, kfs, { mayContainWord: (p: string, word: string) => cache.mayContainWord(p, word, () => kfs.readFile(p)) }) as T & { mayContainWord(p: string, word: string): boolean };
  return { fs, cache };
}
