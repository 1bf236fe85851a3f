// The compact workspace index: where each name is defined, for a whole tree. A definition is three
// 32-bit numbers (the name's hash, a file id, the offset of its line), kept in flat typed arrays grouped
// by hash bucket; no string per definition, no object per definition. The name itself and the body are
// read from the file when a lookup needs them (readDefinitionAt checks that the name matches, so two
// names with the same hash never mix). Pure: bytes in, numbers out; the caller reads the files.
//
// Whole-tree building reads `#define`s straight from the bytes (a search for `#` that starts a line),
// as fast as a line-counting grep; assembly and linker-script forms (`.set`, `=`, `equ`) go through
// the same line patterns as extractDefines, on the text.

import { DEFINE_SCAN_WASM } from './defineScanWasm';
import { instantiateWasm } from './wasm';
import { extractDefines, IndexedDefine } from './workspaceIndex';
import type { Family } from './scanner';

// ---------------------------------------------------------------------------------------------
// Names

/** FNV-1a of a name's characters (names are ASCII; the byte and string forms agree). */
export function nameHash(name: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ (name.charCodeAt(i) & 0xff), 16777619);
  return h >>> 0;
}

const isWord = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

// ---------------------------------------------------------------------------------------------
// Definition sites

/** Definitions found in one file, appended as (hash, offset) pairs: the offset of the line that defines. */
export class SiteList {
  hash = new Uint32Array(1024);
  offset = new Uint32Array(1024);
  length = 0;
  push(h: number, off: number): void {
    if (this.length === this.hash.length) {
      const n = this.hash.length * 2;
      const a = new Uint32Array(n); a.set(this.hash); this.hash = a;
      const b = new Uint32Array(n); b.set(this.offset); this.offset = b;
    }
    this.hash[this.length] = h;
    this.offset[this.length++] = off;
  }
  clear(): void { this.length = 0; }
}

/**
 * The `#define` sites of C-preprocessed bytes: a `#` first on its line (blanks before it), blanks,
 * `define`, at least one blank, a name. A line that continues the previous one (backslash) is not a
 * directive. Cost: one native search per `#`, a few byte compares per directive. Offsets are given
 * plus `base` (the bytes are a piece of a file starting there).
 */
export function scanCDefines(buf: Uint8Array, length: number, out: SiteList, base = 0): void {
  // Buffer's indexOf and the typed array's are both native searches
  for (let i = buf.indexOf(35, 0); i >= 0 && i < length; i = buf.indexOf(35, i + 1)) {
    let j = i - 1;
    while (j >= 0 && (buf[j] === 32 || buf[j] === 9)) j--;
    if (j >= 0 && buf[j] !== 10) continue;
    const ls = j + 1;
    // a continued line: the previous line ends with a backslash (\n or \r\n)
    if (ls >= 2 && (buf[ls - 2] === 92 || (buf[ls - 2] === 13 && ls >= 3 && buf[ls - 3] === 92))) continue;
    let k = i + 1;
    while (buf[k] === 32 || buf[k] === 9) k++;
    if (buf[k] !== 100 || buf[k + 1] !== 101 || buf[k + 2] !== 102 || buf[k + 3] !== 105 || buf[k + 4] !== 110 || buf[k + 5] !== 101) continue;
    k += 6;
    if (buf[k] !== 32 && buf[k] !== 9) continue;
    while (buf[k] === 32 || buf[k] === 9) k++;
    const c0 = buf[k];
    if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 95)) continue;
    let h = 0x811c9dc5 | 0;
    while (k < length && isWord(buf[k])) { h = Math.imul(h ^ buf[k], 16777619); k++; }
    out.push(h >>> 0, ls + base);
    i = k - 1;
  }
}

/**
 * scanCDefines in WebAssembly (defineScan.wat: the search for `#` 16 bytes at a time): the file is read
 * straight into the module's memory (`input`), the sites come back in it. Undefined where WebAssembly
 * with SIMD is not available (then scanCDefines does the work).
 */
export class WasmDefineScanner {
  /** The size of the last `input`: the sites go after it (never over the bytes after the scanned length). */
  private capacity = 0;
  private constructor(private readonly memory: WebAssembly.Memory, private readonly run: (input: number, length: number, out: number) => number) {}

  static create(): WasmDefineScanner | undefined {
    try {
      const ex = instantiateWasm(DEFINE_SCAN_WASM) as { memory: WebAssembly.Memory; scan(input: number, length: number, out: number): number };
      return new WasmDefineScanner(ex.memory, ex.scan);
    } catch {
      return undefined;
    }
  }

  /** Where to read a file of up to `size` bytes (a view of the module's memory; valid until the next call). */
  input(size: number): Uint8Array {
    // the input, then room for a site per 8 bytes of it (a definition takes at least 9)
    const need = outputAt(size) + size + 16;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
    this.capacity = size;
    return new Uint8Array(this.memory.buffer, 0, size);
  }

  /** The sites of the `length` bytes at the start of `input`'s view, appended to `out` (offsets plus `base`). */
  scan(length: number, out: SiteList, base = 0): void {
    if (length > this.capacity) throw new RangeError(`scan of ${length} bytes after input(${this.capacity})`);
    const at = outputAt(this.capacity);
    const n = this.run(0, length, at);
    const found = new Uint32Array(this.memory.buffer, at, 2 * n);
    for (let i = 0; i < 2 * n; i += 2) out.push(found[i], found[i + 1] + base);
  }
}

const outputAt = (size: number) => (size + 15) & ~7;

/** Byte offsets of a latin1 text's lines, for the text-based scanners (one character is one byte). */
function lineOffsets(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/**
 * The definition sites of a file (`family` from its name): C `#define`s from the bytes; for assembly
 * and linker scripts every form extractDefines knows, from the text (latin1: offsets are byte offsets).
 */
export function scanDefinitionSites(buf: Uint8Array, length: number, family: Family, out: SiteList, latin1?: (start: number, end: number) => string): void {
  if (family === 'c') { scanCDefines(buf, length, out); return; }
  let text = '';
  if (latin1) text = latin1(0, length);
  else for (let i = 0; i < length; i += 8192) text += String.fromCharCode(...buf.subarray(i, Math.min(length, i + 8192)));
  const starts = lineOffsets(text);
  for (const d of extractDefines(text, family)) out.push(nameHash(d.name), starts[d.line]);
}

// ---------------------------------------------------------------------------------------------
// Segments

/**
 * A finished part of the index: definitions grouped by the top `bits` bits of their name's hash.
 * One buffer (a SharedArrayBuffer between threads) holds, in 32-bit words: bucket starts (2^bits + 1),
 * then the hashes, the file ids and the line offsets of `count` definitions.
 */
export class IndexSegment {
  readonly starts: Uint32Array;
  readonly hash: Uint32Array;
  readonly file: Uint32Array;
  readonly offset: Uint32Array;
  constructor(readonly buffer: ArrayBufferLike, readonly bits: number, readonly count: number, byteOffset = 0) {
    const nb = (1 << bits) + 1;
    if (byteOffset % 4 !== 0 || buffer.byteLength < byteOffset + segmentBytes(bits, count)) throw new IndexFormatError(`a segment of ${count} definitions does not fit its buffer`);
    this.starts = new Uint32Array(buffer, byteOffset, nb);
    this.hash = new Uint32Array(buffer, byteOffset + nb * 4, count);
    this.file = new Uint32Array(buffer, byteOffset + (nb + count) * 4, count);
    this.offset = new Uint32Array(buffer, byteOffset + (nb + 2 * count) * 4, count);
  }

  /** Calls `visit(file, offset)` for each definition whose name has hash `h`, in the order they were added. */
  forEach(h: number, visit: (file: number, offset: number) => void): void {
    const b = this.bits === 0 ? 0 : h >>> (32 - this.bits);
    const end = this.starts[b + 1];
    for (let i = this.starts[b]; i < end; i++) if (this.hash[i] === h) visit(this.file[i], this.offset[i]);
  }

  /** Whether some definition has hash `h`. */
  has(h: number): boolean {
    const b = this.bits === 0 ? 0 : h >>> (32 - this.bits);
    const end = this.starts[b + 1];
    for (let i = this.starts[b]; i < end; i++) if (this.hash[i] === h) return true;
    return false;
  }

  /** Bytes of the segment in its buffer. */
  get byteLength(): number { return segmentBytes(this.bits, this.count); }
}

export function segmentBytes(bits: number, count: number): number {
  return ((1 << bits) + 1 + 3 * count) * 4;
}

/** Bucket bits for `count` definitions: about four per bucket, at least 2^4 and at most 2^22 buckets. */
export function bucketBits(count: number): number {
  let b = 4;
  while (b < 22 && (1 << (b + 2)) < count) b++;
  return b;
}

/** Memory for a segment: a SharedArrayBuffer when the platform has one (then threads share it), else an ArrayBuffer. */
export type Allocate = (bytes: number) => ArrayBufferLike;
export const allocateShared: Allocate = (bytes) => (typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));

/** Definitions added one file at a time, made into a segment with one counting sort (linear). */
export class IndexBuilder {
  private hash = new Uint32Array(4096);
  private file = new Uint32Array(4096);
  private offset = new Uint32Array(4096);
  length = 0;

  /** Add a file's sites under its id. */
  addFile(fileId: number, sites: SiteList): void {
    this.addSites(fileId, sites.hash, sites.offset, 0, sites.length);
  }

  /** Add `count` sites of a file from arrays (starting at `from`). */
  addSites(fileId: number, hash: Uint32Array, offset: Uint32Array, from: number, count: number): void {
    const need = this.length + count;
    if (need > this.hash.length) {
      let n = this.hash.length;
      while (n < need) n *= 2;
      const grow = (a: Uint32Array) => { const g = new Uint32Array(n); g.set(a.subarray(0, this.length)); return g; };
      this.hash = grow(this.hash); this.file = grow(this.file); this.offset = grow(this.offset);
    }
    this.hash.set(hash.subarray(from, from + count), this.length);
    this.offset.set(offset.subarray(from, from + count), this.length);
    this.file.fill(fileId, this.length, need);
    this.length = need;
  }

  /** The definitions added so far as a segment; the builder is empty afterwards (and gives back its memory). */
  build(allocate: Allocate = allocateShared): IndexSegment {
    const count = this.length;
    const seg = emptySegment(count, allocate);
    const { hash, file, offset } = this;
    const starts = seg.starts, shift = 32 - seg.bits, nb = 1 << seg.bits;
    for (let i = 0; i < count; i++) starts[(hash[i] >>> shift) + 1]++;
    for (let b = 0; b < nb; b++) starts[b + 1] += starts[b];
    // scatter with a moving cursor per bucket
    const cursor = starts.slice(0, nb);
    const sh = seg.hash, sf = seg.file, so = seg.offset;
    for (let i = 0; i < count; i++) {
      const h = hash[i];
      const at = cursor[h >>> shift]++;
      sh[at] = h; sf[at] = file[i]; so[at] = offset[i];
    }
    this.length = 0;
    if (this.hash.length > 1 << 22) { this.hash = new Uint32Array(4096); this.file = new Uint32Array(4096); this.offset = new Uint32Array(4096); }
    return seg;
  }
}

/** A segment of `count` definitions with its buckets zeroed. */
function emptySegment(count: number, allocate: Allocate): IndexSegment {
  const bits = bucketBits(count);
  const seg = new IndexSegment(allocate(segmentBytes(bits, count)), bits, count);
  seg.starts.fill(0);
  return seg;
}

/**
 * One segment with the definitions of `segments` whose file `remap` keeps (it gives the file's id in
 * the result, or -1 to drop it), in segment order (a name's definitions keep the order files were
 * indexed in). Linear in the definitions.
 */
export function mergeSegments(segments: readonly IndexSegment[], remap: (file: number) => number, allocate: Allocate = allocateShared): IndexSegment {
  let kept = 0;
  for (const s of segments) for (let i = 0; i < s.count; i++) if (remap(s.file[i]) >= 0) kept++;
  const seg = emptySegment(kept, allocate);
  const nb = 1 << seg.bits, shift = 32 - seg.bits;
  const { starts } = seg;
  for (const s of segments) for (let i = 0; i < s.count; i++) if (remap(s.file[i]) >= 0) starts[(s.hash[i] >>> shift) + 1]++;
  for (let b = 0; b < nb; b++) starts[b + 1] += starts[b];
  const cursor = starts.slice(0, nb);
  for (const s of segments) {
    for (let i = 0; i < s.count; i++) {
      const f = remap(s.file[i]);
      if (f < 0) continue;
      const h = s.hash[i];
      const at = cursor[h >>> shift]++;
      seg.hash[at] = h; seg.file[at] = f; seg.offset[at] = s.offset[i];
    }
  }
  return seg;
}

// ---------------------------------------------------------------------------------------------
// The persisted form

/** Bumped whenever the layout below (or what a site means) changes: older files are rebuilt, never misread. */
export const INDEX_FORMAT_VERSION = 2;
const MAGIC = 0x58494c50; // "PLIX" little-endian

/** A persisted index that cannot be used, with the reason in one sentence. */
export class IndexFormatError extends Error {
  override name = 'IndexFormatError';
}

/** What is saved next to the definitions: the folders indexed and each file's path, size and modification time. */
export interface IndexMeta {
  roots: string[];
  files: { path: string; size: number; mtime: number; alive: boolean }[];
  /** Anything else the writer wants back (settings the index depends on). */
  extra?: Record<string, unknown>;
}

/** FNV-1a over 32-bit words (the payload is padded to words), continuing from `h`. */
function checksum(words: Uint32Array, h = 0x811c9dc5 | 0): number {
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 16777619);
  return h;
}

const HEADER_WORDS = 8;

/**
 * The bytes of a saved index, as parts to write one after the other: a 32-byte header (magic, version,
 * number of segments, metadata length, checksum, bytes of the segments), the metadata as JSON (padded
 * to 4 bytes), a table of (bits, count) per segment, then the segments as they are in memory (no copy).
 */
export function encodeIndex(meta: IndexMeta, segments: readonly IndexSegment[]): Uint8Array[] {
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const metaBytes = new Uint8Array((json.length + 3) & ~3);
  metaBytes.set(json);
  metaBytes.fill(32, json.length);
  const table = new Uint32Array(2 * segments.length);
  segments.forEach((g, i) => { table[2 * i] = g.bits; table[2 * i + 1] = g.count; });
  let h = checksum(new Uint32Array(metaBytes.buffer, 0, metaBytes.length / 4));
  h = checksum(table, h);
  let total = 0;
  const bodies = segments.map((g) => {
    h = checksum(new Uint32Array(g.buffer, g.starts.byteOffset, g.byteLength / 4), h);
    total += g.byteLength;
    return new Uint8Array(g.buffer, g.starts.byteOffset, g.byteLength);
  });
  const header = new Uint32Array([MAGIC, INDEX_FORMAT_VERSION, segments.length, metaBytes.length, h >>> 0, total, 0, 0]);
  return [new Uint8Array(header.buffer), metaBytes, new Uint8Array(table.buffer), ...bodies];
}

/**
 * Read a saved index. Throws IndexFormatError naming what is wrong (not an index, another version,
 * truncated, checksum mismatch, bad metadata, a definition naming no file); the segments are copied
 * into one buffer from `allocate`.
 */
export function decodeIndex(bytes: Uint8Array, allocate: Allocate = allocateShared): { meta: IndexMeta; segments: IndexSegment[] } {
  if (bytes.length < 4 * HEADER_WORDS) throw new IndexFormatError(`the file is ${bytes.length} bytes long, shorter than the header`);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes); // a copy (a Buffer's slice would share)
  const head = new Uint32Array(aligned.buffer, aligned.byteOffset, HEADER_WORDS);
  if (head[0] !== MAGIC) throw new IndexFormatError('it is not a Paging Layout index (wrong magic number)');
  if (head[1] !== INDEX_FORMAT_VERSION) throw new IndexFormatError(`it has format version ${head[1]}, this version reads ${INDEX_FORMAT_VERSION}`);
  const [, , nSeg, metaLen, sum, total] = head;
  if (metaLen % 4 !== 0 || total % 4 !== 0 || nSeg > 1 << 20) throw new IndexFormatError('its header is damaged');
  const tableAt = 4 * HEADER_WORDS + metaLen, dataAt = tableAt + 8 * nSeg;
  if (aligned.length !== dataAt + total) throw new IndexFormatError(`it is ${aligned.length} bytes long, its header says ${dataAt + total} (truncated or damaged)`);
  const metaWords = new Uint32Array(aligned.buffer, aligned.byteOffset + 4 * HEADER_WORDS, metaLen / 4);
  const table = new Uint32Array(aligned.buffer, aligned.byteOffset + tableAt, 2 * nSeg);
  const data = new Uint32Array(aligned.buffer, aligned.byteOffset + dataAt, total / 4);
  if ((checksum(data, checksum(table, checksum(metaWords))) >>> 0) !== sum) throw new IndexFormatError('its checksum does not match (damaged)');
  let sized = 0;
  for (let i = 0; i < nSeg; i++) {
    if (table[2 * i] > 24) throw new IndexFormatError(`segment ${i} is damaged`);
    sized += segmentBytes(table[2 * i], table[2 * i + 1]);
  }
  if (sized !== total) throw new IndexFormatError('its segments do not add up to its length');
  let meta: IndexMeta;
  try {
    meta = JSON.parse(new TextDecoder().decode(new Uint8Array(aligned.buffer, aligned.byteOffset + 4 * HEADER_WORDS, metaLen))) as IndexMeta;
  } catch (e) { throw new IndexFormatError(`its metadata is not valid JSON (${(e as Error).message})`); }
  if (!meta || !Array.isArray(meta.roots) || !Array.isArray(meta.files) || meta.files.some((f) => !f || typeof f.path !== 'string')) throw new IndexFormatError('its metadata lacks the folders or the files');
  const buffer = allocate(total);
  new Uint32Array(buffer).set(data);
  const segments: IndexSegment[] = [];
  const nFiles = meta.files.length;
  for (let i = 0, at = 0; i < nSeg; i++) {
    const seg = new IndexSegment(buffer, table[2 * i], table[2 * i + 1], at);
    at += seg.byteLength;
    // every definition must name a file of the table and buckets must be ordered
    for (let k = 0; k < seg.count; k++) if (seg.file[k] >= nFiles) throw new IndexFormatError(`definition ${k} of segment ${i} names file ${seg.file[k]} of ${nFiles}`);
    const nb = 1 << seg.bits;
    for (let b = 0; b < nb; b++) if (seg.starts[b] > seg.starts[b + 1]) throw new IndexFormatError(`the buckets of segment ${i} are out of order`);
    if (seg.starts[nb] !== seg.count) throw new IndexFormatError(`the buckets of segment ${i} do not cover its definitions`);
    segments.push(seg);
  }
  return { meta, segments };
}

// ---------------------------------------------------------------------------------------------
// Reading a definition back

/**
 * The definition on the logical line starting at `offset` of `text` (a window of the file starting
 * at that line), if it defines `name`: the same patterns extractDefines uses, so a site read back is
 * exactly what a full extraction of the file gives for that line.
 */
export function readDefinitionAt(window: string, name: string, family: Family, file: string, line: number): IndexedDefine | undefined {
  const first = extractDefines(window, family, file)[0];
  if (!first || first.line !== 0 || first.name !== name) return undefined;
  return { ...first, line };
}

/** Whether the logical line that starts `window` continues past its end (the window must grow). */
export function windowCutShort(window: string, complete: boolean): boolean {
  if (complete) return false;
  let pos = 0;
  for (;;) {
    const e = window.indexOf('\n', pos);
    if (e < 0) return true;
    const le = e > 0 && window.charCodeAt(e - 1) === 13 ? e - 1 : e;
    if (le === 0 || window.charCodeAt(le - 1) !== 92) return false;
    pos = e + 1;
  }
}
