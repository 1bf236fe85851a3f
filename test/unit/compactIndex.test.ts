// The compact workspace index: the byte scanner agrees with extractDefines, segments find every
// definition by name, a saved index round-trips and a damaged one is refused with a reason, the store
// re-reads only changed files, the worker builds and updates the index, and nothing is quadratic in the
// definitions of a file or the continuation lines of a definition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import {
  decodeIndex, DefineIndex, encodeIndex, extractDefines, IndexBuilder, IndexFormatError, IndexSegment, mergeSegments, nameHash, scanCDefines, scanDefinitionSites, SiteList,
  WasmDefineScanner,
} from '../../src/engine/source';
import { BatchScanner, IndexStore, Publication } from '../../src/context/indexStore';
import { IndexView } from '../../src/context/indexView';
import type { FromIndexWorker } from '../../src/context/indexWorker';

const ROOT = path.resolve(__dirname, '../../..');
/** The parts of an encoded index as one array. */
function joined(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), `pl-index-${p}-`));

/** Sites of a text as (name, line) pairs: hashed names resolved against the names extractDefines gives. */
function sitesOf(text: string, family: 'c' | 'gas' | 'nasm' | 'ld'): [number, number][] {
  const buf = Buffer.from(text, 'latin1');
  const sites = new SiteList();
  scanDefinitionSites(buf as unknown as Uint8Array, buf.length, family, sites, (a, b) => buf.toString('latin1', a, b));
  const out: [number, number][] = [];
  for (let i = 0; i < sites.length; i++) out.push([sites.hash[i], sites.offset[i]]);
  return out;
}

function expected(text: string, family: 'c' | 'gas' | 'nasm' | 'ld'): [number, number][] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return extractDefines(text, family).map((d) => [nameHash(d.name), starts[d.line]]);
}

test('the byte scanner finds exactly the #defines extractDefines finds, at their lines', () => {
  const c = [
    '#define A 1', '  #  define\tB_2 (A + 1) /* c */', '#define F(x, y) ((x) + \\', '#define NOT_A_DIRECTIVE 1', '\t(y))',
    'int a; // #define NOT 1', '#defineX 1', '# define', '#include <x.h>', '#if A', '#  define C 3\r', '#endif', '#define _Z', '#define 9BAD 1',
    'x # define NOT2 1', '#define LAST 0x10',
  ].join('\n');
  assert.deepEqual(sitesOf(c, 'c'), expected(c, 'c'));
  assert.equal(sitesOf(c, 'c').length, 6);
  const crlf = c.replace(/\r?\n/g, '\r\n');
  assert.deepEqual(sitesOf(crlf, 'c'), expected(crlf, 'c'));
  const gas = '.set KBASE, 0xffffffff80000000 # c\nL4 = pgd_index(X)\nlabel: .equ Y, 2\n\tmovq $1, %rax\n#define Z 3\n';
  assert.deepEqual(sitesOf(gas, 'gas'), expected(gas, 'gas'));
  assert.equal(sitesOf(gas, 'gas').length, 4);
  const nasm = '%define PO 0C0000000h ; c\nKV equ PO + 1\n';
  assert.deepEqual(sitesOf(nasm, 'nasm'), expected(nasm, 'nasm'));
  // every fixture of the repository, by its family
  for (const [f, fam] of [['examples/include/asm/page_64_types.h', 'c'], ['examples/arch/head_64.S', 'gas'], ['examples/boot/pagetables.asm', 'nasm']] as const) {
    const text = fs.readFileSync(path.join(ROOT, f), 'latin1');
    const got = sitesOf(text, fam);
    assert.ok(got.length > 3, `${f}: ${got.length} sites`);
    assert.deepEqual(got, expected(text, fam), f);
  }
});

test('the WebAssembly scanner finds the same sites as the JavaScript one (fixtures, random text, and the module matches its source)', async () => {
  const wasm = WasmDefineScanner.create();
  assert.ok(wasm, 'WebAssembly with SIMD is available in this Node');
  const both = (bytes: Uint8Array) => {
    const a = new SiteList(), b = new SiteList();
    scanCDefines(bytes, bytes.length, a);
    wasm.input(bytes.length + 1).set(bytes);
    wasm.scan(bytes.length, b);
    return [Array.from(a.hash.subarray(0, a.length)).concat(Array.from(a.offset.subarray(0, a.length))), Array.from(b.hash.subarray(0, b.length)).concat(Array.from(b.offset.subarray(0, b.length)))];
  };
  for (const f of ['examples/include/asm/page_64_types.h', 'examples/mistakes.h', 'examples/xen/page_64-2.6.27.h']) {
    const [js, w] = both(new Uint8Array(fs.readFileSync(path.join(ROOT, f))));
    assert.ok(js.length > 4, f);
    assert.deepEqual(w, js, f);
  }
  // random text over the characters that matter, including a definition cut by the end of the text
  let seed = 7;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const pieces = ['#', ' ', '\t', '\n', '\r\n', '\\\n', 'define', 'define ', '#define ', 'A', 'b_9', '_', '9', '(', 'x', '/*', '*/', '##', 'undef'];
  for (let r = 0; r < 400; r++) {
    let t = '';
    const n = 1 + rnd(200);
    for (let i = 0; i < n; i++) t += pieces[rnd(pieces.length)];
    const [js, w] = both(new TextEncoder().encode(t));
    assert.deepEqual(w, js, JSON.stringify(t));
  }
  // a longer text than the 16-byte steps, at every length near the end
  const long = new TextEncoder().encode('#define LONG_NAME_FOR_A_REGISTER 1\n'.repeat(3) + '  #  define\tTAIL_NAME');
  for (let cut = 1; cut <= long.length; cut++) assert.deepEqual(both(long.subarray(0, cut))[1], both(long.subarray(0, cut))[0], `cut at ${cut}`);
  // the committed module is the assembled source (when wabt is installed)
  let wabtInit: (() => Promise<{ parseWat(n: string, t: string, f: object): { validate(): void; toBinary(o: object): { buffer: Uint8Array }; destroy(): void } }>) | undefined;
  try { wabtInit = require('wabt'); } catch { wabtInit = undefined; }
  if (wabtInit) {
    const wabt = await wabtInit();
    const m = wabt.parseWat('defineScan.wat', fs.readFileSync(path.join(ROOT, 'src/engine/source/defineScan.wat'), 'utf8'), { simd: true });
    const bytes = Buffer.from(m.toBinary({}).buffer).toString('base64');
    m.destroy();
    const { DEFINE_SCAN_WASM } = await import('../../src/engine/source/defineScanWasm');
    assert.equal(DEFINE_SCAN_WASM, bytes, 'defineScanWasm.ts is defineScan.wat assembled (npm run build regenerates it)');
  }
});

test('a large header is read in pieces and gives the sites of the whole file (continuations and a line longer than a piece across the cuts)', () => {
  const dir = tmp('pieces');
  try {
    let seed = 11;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < 13 << 20; i++) {
      const r = rnd(10);
      const l = r === 0 ? `#define CONT_${i} (1 + \\` : r === 1 ? `#define AFTER_CONT_${i} 2` : r === 2 ? `/* ${'x'.repeat(rnd(300))} */`
        : r === 3 ? `  #  define\tINDENTED_${i}\t0x${i.toString(16)}\r` : `#define REG_${i}_${'N'.repeat(rnd(40))}_MASK 0x${(i * 7).toString(16)}`;
      lines.push(l);
      size += l.length + 1;
      if (i === 40_000) { const long = `#define LONG_LINE ${'1 + '.repeat(2_500_000)}1`; lines.push(long); size += long.length + 1; }
    }
    const text = lines.join('\n') + '\n';
    const file = path.join(dir, 'big.h');
    fs.writeFileSync(file, text, 'latin1');
    const part = new BatchScanner().scan([file]);
    const whole = new SiteList();
    const buf = Buffer.from(text, 'latin1');
    scanCDefines(buf as unknown as Uint8Array, buf.length, whole);
    assert.equal(part.counts[0], whole.length);
    assert.ok(whole.length > 30_000, `${whole.length} sites`);
    // the same sites in the same order: the two segments are the same arrays
    const b = new IndexBuilder();
    b.addFile(0, whole);
    const expect = b.build((n) => new ArrayBuffer(n));
    // one file: its sites in one segment (a segment is cut between files)
    assert.equal(part.segments.length, 1);
    const got = new IndexSegment(part.segments[0].buffer, part.segments[0].bits, part.segments[0].count);
    assert.deepEqual(Array.from(got.hash), Array.from(expect.hash));
    assert.deepEqual(Array.from(got.offset), Array.from(expect.offset));
    assert.deepEqual(Array.from(got.starts), Array.from(expect.starts));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function segmentOf(files: string[][]): IndexSegment {
  const b = new IndexBuilder();
  const sites = new SiteList();
  files.forEach((names, id) => {
    sites.clear();
    names.forEach((n, k) => sites.push(nameHash(n), k * 100));
    b.addFile(id, sites);
  });
  return b.build((n) => new ArrayBuffer(n));
}

function find(seg: IndexSegment, name: string): [number, number][] {
  const out: [number, number][] = [];
  seg.forEach(nameHash(name), (f, o) => out.push([f, o]));
  return out;
}

test('a segment finds every definition of a name, in the order files were added; merging drops and renumbers files', () => {
  const names = Array.from({ length: 5000 }, (_, i) => `NAME_${i}`);
  const files = Array.from({ length: 20 }, (_, f) => names.filter((_, i) => i % 20 === f || i % 7 === 0));
  const seg = segmentOf(files);
  assert.equal(seg.count, files.reduce((n, f) => n + f.length, 0));
  for (const n of ['NAME_0', 'NAME_1', 'NAME_7', 'NAME_4999']) {
    const i = Number(n.slice(5));
    const want = files.map((f, id) => [id, f.indexOf(n) * 100] as [number, number]).filter(([, o]) => o >= 0);
    assert.deepEqual(find(seg, n), want, n);
  }
  assert.deepEqual(find(seg, 'ABSENT'), []);
  assert.equal(seg.has(nameHash('NAME_3')), true);
  // file 3 dropped, file k > 3 becomes k - 1
  const merged = mergeSegments([seg, segmentOf([['EXTRA']])], (f) => (f === 3 ? -1 : f > 3 ? f - 1 : f), (n) => new ArrayBuffer(n));
  assert.equal(merged.count, seg.count - files[3].length + 1);
  assert.deepEqual(find(merged, 'NAME_3'), []);
  assert.deepEqual(find(merged, 'NAME_0').map(([f]) => f), Array.from({ length: 19 }, (_, k) => k));
  assert.deepEqual(find(merged, 'EXTRA'), [[0, 0]]);
});

test('a saved index round-trips; a damaged, truncated, foreign or older file is refused with its reason', () => {
  const seg = segmentOf([['A', 'B'], ['B', 'C']]);
  // a second segment naming file 2 (the file order a build gives)
  const b2 = new IndexBuilder(); const s2 = new SiteList(); s2.push(nameHash('B'), 7); s2.push(nameHash('D'), 9); b2.addFile(2, s2);
  const seg2 = b2.build((n) => new ArrayBuffer(n));
  const meta = { roots: ['/ws'], files: [{ path: '/ws/a.h', size: 10, mtime: 1, alive: true }, { path: '/ws/b.h', size: 20, mtime: 2, alive: true }, { path: '/ws/c.h', size: 5, mtime: 3, alive: true }] };
  const bytes = joined(encodeIndex(meta, [seg, seg2]));
  const back = decodeIndex(bytes, (n) => new ArrayBuffer(n));
  assert.deepEqual(back.meta, meta);
  assert.equal(back.segments.length, 2);
  assert.deepEqual(find(back.segments[0], 'B'), [[0, 100], [1, 0]]);
  assert.deepEqual(find(back.segments[1], 'B'), [[2, 7]]);
  assert.deepEqual(find(back.segments[1], 'D'), [[2, 9]]);
  // an unaligned copy reads the same
  const shifted = new Uint8Array(bytes.length + 1); shifted.set(bytes, 1);
  assert.deepEqual(find(decodeIndex(shifted.subarray(1)).segments[0], 'C'), [[1, 100]]);
  const refuse = (b: Uint8Array, why: RegExp) => assert.throws(() => decodeIndex(b), (e: Error) => e instanceof IndexFormatError && why.test(e.message));
  refuse(bytes.subarray(0, 10), /shorter than the header/);
  refuse(bytes.subarray(0, bytes.length - 4), /truncated or damaged/);
  const flipped = bytes.slice(); flipped[bytes.length - 5] ^= 0x40;
  refuse(flipped, /checksum does not match/);
  const magic = bytes.slice(); magic[0] = 0;
  refuse(magic, /not a Paging Layout index/);
  const older = bytes.slice(); new DataView(older.buffer).setUint32(4, 0, true);
  refuse(older, /format version 0, this version reads 2/);
  refuse(new TextEncoder().encode('x'.repeat(100)), /not a Paging Layout index/);
  // a definition naming a file the table lacks
  refuse(joined(encodeIndex({ ...meta, files: meta.files.slice(0, 1) }, [seg])), /definition 1 of segment 0 names file 1 of 1|names file 1 of 1/);
});

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

async function runStore(store: IndexStore, view: IndexView, rebuild = false) {
  const pubs: Publication[] = [];
  const status = await store.run({
    publish: (p) => { pubs.push(p); view.apply({ id: p.id, buffer: p.segment.buffer, bits: p.segment.bits, count: p.segment.count, files: p.files, dead: p.dead, replaces: p.replaces }); },
    progress: () => undefined, pause: async () => undefined, priority: () => undefined, rebuild,
  });
  return { status, pubs };
}

test('the store builds, saves, reloads with only changed files read again, and refuses a damaged file with a log line', async () => {
  const dir = tmp('store');
  try {
    const ws = path.join(dir, 'ws');
    writeTree(ws, {
      'arch/x86/include/asm/page_64_types.h': '#define __START_KERNEL_map _AC(0xffffffff80000000, UL)\n#define KERNEL_IMAGE_SIZE (1024 * 1024 * 1024)\n',
      'arch/x86/include/asm/page_32_types.h': '#define KERNEL_IMAGE_SIZE (512 * 1024 * 1024)\n',
      'arch/x86/include/asm/pgtable_64_types.h': '#define MODULES_VADDR (__START_KERNEL_map + KERNEL_IMAGE_SIZE)\n',
      'arch/x86/kernel/head_64.S': '.set KBASE, 0xffffffff80000000\n#define S_DEF 2\n',
      'node_modules/x/y.h': '#define HIDDEN 1\n', '.git/z.h': '#define HIDDEN 2\n', 'src/notes.txt': '#define NOT_INDEXED 1\n',
      'include/linux/sizes.h': '#define SZ_1G 0x40000000\n',
    });
    fs.writeFileSync(path.join(ws, 'include/linux/blob.h'), new Uint8Array([35, 100, 101, 102, 0, 1, 2, 3, 0, 10]));
    const storageFile = path.join(dir, 'storage', 'define-index.bin');
    const logs: string[] = [];
    const opts = { roots: [ws], maxFiles: 0, storageFile, log: (m: string) => logs.push(m) };
    let view = new IndexView();
    const cold = await runStore(new IndexStore(opts), view);
    assert.equal(cold.status.phase, 'ready');
    assert.equal(cold.status.done, 5);
    assert.equal(cold.status.definitions, 7);
    assert.equal(cold.status.skipped, 1, 'the binary header');
    assert.equal(cold.status.fromStorage, undefined);
    assert.ok(fs.existsSync(storageFile));
    const near = path.join(ws, 'arch/x86/include/asm/pgtable_64_types.h');
    const look = (v: IndexView, n: string) => v.macroLookup(near)(n)?.[0];
    assert.equal(look(view, 'KERNEL_IMAGE_SIZE')?.bodyText, '(1024 * 1024 * 1024)');
    assert.match(look(view, 'KERNEL_IMAGE_SIZE')!.origin!.note!, /1 other file define it differently/);
    assert.equal(look(view, 'KERNEL_IMAGE_SIZE')!.origin!.line, 1);
    assert.equal(look(view, 'KBASE')?.kind, 'symbol');
    assert.equal(look(view, 'HIDDEN'), undefined);
    assert.equal(look(view, 'NOT_INDEXED'), undefined);

    // reopen: the saved index, nothing read again
    view = new IndexView();
    const warm = await runStore(new IndexStore(opts), view);
    assert.deepEqual(warm.status.fromStorage, { reread: 0, removed: 0 });
    assert.equal(warm.pubs.length, 1);
    assert.equal(look(view, 'SZ_1G')?.bodyText, '0x40000000');

    // one file changed, one added, one deleted: exactly those are read again
    const changed = path.join(ws, 'include/linux/sizes.h');
    fs.writeFileSync(changed, '#define SZ_1G 0x40000000\n#define SZ_2G 0x80000000\n');
    fs.utimesSync(changed, new Date(), new Date(Date.now() + 5000));
    writeTree(ws, { 'include/linux/new.h': '#define NEW_NAME 5\n' });
    fs.rmSync(path.join(ws, 'arch/x86/include/asm/page_32_types.h'));
    view = new IndexView();
    const again = await runStore(new IndexStore(opts), view);
    assert.deepEqual(again.status.fromStorage, { reread: 2, removed: 1 });
    assert.equal(again.status.done, 5);
    assert.equal(look(view, 'SZ_2G')?.bodyText, '0x80000000');
    assert.equal(look(view, 'NEW_NAME')?.bodyText, '5');
    assert.equal(look(view, 'KERNEL_IMAGE_SIZE')!.origin!.note, 'workspace index');
    assert.equal(view.lookup('SZ_1G').length, 1, 'the changed file\'s old definitions are gone');

    // a damaged file: refused with one clear log line, then built again
    const bytes = new Uint8Array(fs.readFileSync(storageFile));
    bytes[bytes.length - 3] ^= 0xff;
    fs.writeFileSync(storageFile, bytes);
    logs.length = 0;
    view = new IndexView();
    const rebuilt = await runStore(new IndexStore(opts), view);
    assert.equal(rebuilt.status.fromStorage, undefined);
    assert.equal(rebuilt.status.phase, 'ready');
    assert.deepEqual(logs, [`the saved index ${storageFile} is not used: its checksum does not match (damaged); building it again`]);
    // another folder set: refused too
    logs.length = 0;
    await runStore(new IndexStore({ ...opts, roots: [ws, dir] }), new IndexView());
    assert.match(logs[0], /is for other folders/);
    // a file limit: the status says how many files the walk found
    const capped = await runStore(new IndexStore({ ...opts, storageFile: undefined, maxFiles: 2 }), new IndexView());
    assert.deepEqual(capped.status.cappedAt, { limit: 2, found: 6 }); // the binary header is found too
    assert.equal(capped.status.done, 2);
    // a file created afterwards (the watcher's update) is not read beyond the limit either
    const store = new IndexStore({ ...opts, storageFile: undefined, maxFiles: 2 });
    await runStore(store, new IndexView());
    fs.writeFileSync(path.join(ws, 'later.h'), '#define LATER_BASE 0x1000\n');
    assert.equal(store.updateFile(path.join(ws, 'later.h')), false);
    assert.equal(store.fileCount, 2);
    assert.equal(store.status.cappedAt?.limit, 2);
    // a changed file that is gone is dropped, not counted as skipped; then a new file fits again
    const indexed = [...IndexStore.walk(ws)].filter((f) => store.updateFile(f));
    assert.equal(indexed.length, 2, indexed.join(' '));
    const skippedBefore = store.status.skipped;
    fs.rmSync(indexed[0]);
    assert.equal(store.updateFile(indexed[0]), true);
    assert.equal(store.fileCount, 1);
    assert.equal(store.status.skipped, skippedBefore);
    assert.equal(store.updateFile(path.join(ws, 'later.h')), true);
    assert.equal(store.fileCount, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder created or deleted with its files (the watcher names the folder only): its files are read, or dropped', async () => {
  const dir = tmp('folders');
  try {
    const ws = path.join(dir, 'ws');
    writeTree(ws, { 'a/one.h': '#define ONE_BASE 0x1000\n', 'b/c/two.h': '#define TWO_BASE 0x2000\n', 'b/three.S': '#define THREE_BASE 0x3000\n' });
    const store = new IndexStore({ roots: [ws], maxFiles: 0 });
    const view = new IndexView();
    await runStore(store, view);
    assert.equal(store.fileCount, 3);
    // a new folder with headers (and a folder of another kind, a file that is not a folder, a path outside the workspace)
    writeTree(ws, { 'new/x/four.h': '#define FOUR_BASE 0x4000\n', 'new/five.inc': 'FIVE_BASE equ 0x5000\n', '.git/six.h': '#define SIX 6\n', 'obj/seven.o': 'x' });
    const created = store.foldersChanged([path.join(ws, 'new'), path.join(ws, '.git'), path.join(ws, 'obj', 'seven.o'), path.join(dir, 'elsewhere')]);
    assert.deepEqual(created.found.map((f) => path.relative(ws, f)).sort(), ['new/five.inc', 'new/x/four.h']);
    assert.equal(created.removed, 0);
    for (const f of created.found) store.updateFile(f);
    assert.equal(store.fileCount, 5);
    // a folder deleted with its files: they are dropped; a deleted path that held no indexed file changes nothing
    fs.rmSync(path.join(ws, 'b'), { recursive: true });
    const gone = store.foldersChanged([path.join(ws, 'b'), path.join(ws, 'never-there'), path.join(ws, 'obj', 'gone.o')]);
    assert.equal(gone.removed, 2);
    assert.deepEqual(gone.found, []);
    assert.equal(store.fileCount, 3);
    for (const p of store.publish()) view.apply({ id: p.id, buffer: p.segment.buffer, bits: p.segment.bits, count: p.segment.count, files: p.files, dead: p.dead, replaces: p.replaces });
    assert.equal(view.lookup('TWO_BASE').length, 0);
    assert.equal(view.lookup('FOUR_BASE').length, 1);
    assert.equal(view.lookup('ONE_BASE').length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the worker builds the index off the main thread, publishes shared segments, and re-reads a changed file only', { timeout: 60_000 }, async () => {
  const dir = tmp('worker');
  const w = new Worker(path.join(ROOT, 'out/src/context/indexWorker.js'));
  try {
    const ws = path.join(dir, 'ws');
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`d${i % 10}/f${i}.h`] = `#define F${i}_BASE 0x${(i + 1).toString(16)}000\n#define COMMON ${i}\n`;
    writeTree(ws, files);
    const view = new IndexView();
    const statuses: FromIndexWorker[] = [];
    const wait = (pred: (m: FromIndexWorker) => boolean, what: string) => new Promise<FromIndexWorker>((resolve, reject) => {
      const timer = setTimeout(() => { w.off('message', on); reject(new Error(`no ${what} from the worker within 20 s`)); }, 20_000);
      const on = (m: FromIndexWorker) => { if (pred(m)) { clearTimeout(timer); w.off('message', on); resolve(m); } };
      w.on('message', on);
    });
    w.on('message', (m: FromIndexWorker) => { if (m.type === 'segment') view.apply(m); else statuses.push(m); });
    const ready = wait((m) => m.type === 'status' && m.status.phase === 'ready', 'ready status');
    w.postMessage({ type: 'start', roots: [ws], maxFiles: 0, storageFile: path.join(dir, 'store', 'i.bin'), priority: [path.join(ws, 'd3')] });
    await ready;
    assert.equal(view.fileCount, 300);
    assert.equal(view.lookup('COMMON').length, 300);
    // the priority folder was read first: its files have the lowest ids
    assert.deepEqual(view.lookup('COMMON').slice(0, 30).map((d) => path.basename(path.dirname(d.file))), Array(30).fill('d3'));
    assert.ok(view.segmentCount >= 1);
    assert.ok(view.bytes > 0);
    const target = path.join(ws, 'd5/f5.h');
    fs.writeFileSync(target, '#define F5_BASE 0x77000\n');
    const updated = wait((m) => m.type === 'status' && /^2 changed files read again/.test(m.status.message ?? ''), 'status after the update');
    w.postMessage({ type: 'update', changed: [target], deleted: [path.join(ws, 'd6/f6.h')] });
    await updated;
    assert.equal(view.macroLookup(target)('F5_BASE')![0].bodyText, '0x77000');
    assert.equal(view.lookup('COMMON').length, 298);
    assert.equal(view.lookup('F6_BASE').length, 0);
    const stats = wait((m) => m.type === 'stats', 'memory report');
    w.postMessage({ type: 'stats' });
    const s = await stats as Extract<FromIndexWorker, { type: 'stats' }>;
    assert.equal(s.files, 299);
    assert.ok(s.heapUsed > 0 && s.segmentBytes > 0);
  } finally {
    await w.terminate();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Median time of `f` over a few runs (ms). */
function timeOf(f: () => void, runs = 5): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) { const a = process.hrtime.bigint(); f(); t.push(Number(process.hrtime.bigint() - a) / 1e6); }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

test('linear growth: definitions of one file, continuation lines of one definition, sites of one name', () => {
  const defs = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `#define REG_${i}_MASK 0x${i.toString(16)}`).join('\n'), 'latin1');
  const scan = (b: Buffer) => () => { const s = new SiteList(); scanDefinitionSites(b as unknown as Uint8Array, b.length, 'c', s); const bl = new IndexBuilder(); bl.addFile(0, s); bl.build(); };
  const small = defs(50_000), large = defs(200_000);
  scan(small)(); // warm up
  const t1 = timeOf(scan(small)), t4 = timeOf(scan(large));
  assert.ok(t4 < t1 * 4 * 2.5 + 5, `scan: ${t1.toFixed(1)} ms at n, ${t4.toFixed(1)} ms at 4n`);
  // one #define continued over n lines (read back by extractDefines)
  const cont = (n: number) => `#define LONG \\\n${'  (1) + \\\n'.repeat(n)}  0\n`;
  const e1 = timeOf(() => extractDefines(cont(20_000), 'c')), e4 = timeOf(() => extractDefines(cont(80_000), 'c'));
  assert.ok(e4 < e1 * 4 * 2.5 + 5, `continuations: ${e1.toFixed(1)} ms at n, ${e4.toFixed(1)} ms at 4n`);
  // the small in-memory index: replacing a file that defines one name n times, next to other files defining it
  const same = (n: number) => Array.from({ length: n }, (_, i) => `#define SAME_NAME ${i}`).join('\n');
  const replace = (n: number) => () => {
    const idx = new DefineIndex();
    for (let f = 0; f < 200; f++) idx.addFile(`/ws/o${f}.h`, '#define SAME_NAME 1');
    idx.addFile('/ws/hostile.h', same(n));
    idx.addFile('/ws/hostile.h', '#define SAME_NAME 2');
  };
  const r1 = timeOf(replace(5_000), 3), r4 = timeOf(replace(20_000), 3);
  assert.ok(r4 < r1 * 4 * 2.5 + 5, `replace: ${r1.toFixed(1)} ms at n, ${r4.toFixed(1)} ms at 4n`);
  // one name defined by n files: a lookup reads only the nearest few
  const seg = segmentOf(Array.from({ length: 4000 }, () => ['SAME']));
  assert.equal(find(seg, 'SAME').length, 4000);
});
