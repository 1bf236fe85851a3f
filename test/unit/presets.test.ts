// Checks every layout preset in layouts/*.json against the schema's rules and against the
// reference figures the presets are built from. Reads the files itself (no engine import).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

/** The repository root: the first folder at or above `from` that holds layouts/ and the schema. */
function findRoot(): string {
  for (const from of [__dirname, process.cwd()]) {
    let dir = path.resolve(from);
    for (;;) {
      if (fs.existsSync(path.join(dir, 'layouts')) && fs.existsSync(path.join(dir, 'schemas', 'paging-layout.schema.json'))) return dir;
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error(`cannot find the repository root (layouts/ and schemas/) above ${__dirname} or ${process.cwd()}`);
}

const ROOT = findRoot();
const LAYOUT_DIR = path.join(ROOT, 'layouts');
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'paging-layout.schema.json'), 'utf8'));
const MODE_ENUM: string[] = schema.properties.mode.enum;
const KIND_ENUM: string[] = schema.definitions.region.properties.kind.enum;
const ID_PATTERN = new RegExp(schema.properties.id.pattern);
const TOP_LEVEL_KEYS = Object.keys(schema.properties);

/** Width, significant bits and canonical rule of every mode in the schema enum. */
const MODES: Record<string, { bits: 32 | 64; vaBits: number; rule: 'sign-extend' | 'split' | 'none' }> = {
  'x86_64-4level': { bits: 64, vaBits: 48, rule: 'sign-extend' },
  'x86_64-5level': { bits: 64, vaBits: 57, rule: 'sign-extend' },
  'x86_32': { bits: 32, vaBits: 32, rule: 'none' },
  'x86_32-pae': { bits: 32, vaBits: 32, rule: 'none' },
  'arm64-4k-39': { bits: 64, vaBits: 39, rule: 'split' },
  'arm64-4k-48': { bits: 64, vaBits: 48, rule: 'split' },
  'arm64-16k-47': { bits: 64, vaBits: 47, rule: 'split' },
  'arm64-16k-48': { bits: 64, vaBits: 48, rule: 'split' },
  'arm64-4k-52': { bits: 64, vaBits: 52, rule: 'split' },
  'arm64-16k-52': { bits: 64, vaBits: 52, rule: 'split' },
  'arm64-64k-42': { bits: 64, vaBits: 42, rule: 'split' },
  'arm64-64k-48': { bits: 64, vaBits: 48, rule: 'split' },
  'arm64-64k-52': { bits: 64, vaBits: 52, rule: 'split' },
  'riscv64-sv39': { bits: 64, vaBits: 39, rule: 'sign-extend' },
  'riscv64-sv48': { bits: 64, vaBits: 48, rule: 'sign-extend' },
  'riscv64-sv57': { bits: 64, vaBits: 57, rule: 'sign-extend' },
};

const REQUIRED: Record<string, string> = {
  'linux-x86_64-4level': 'x86_64-4level',
  'linux-x86_64-5level': 'x86_64-5level',
  'linux-x86_64-2.6.26': 'x86_64-4level',
  'linux-x86_64-2.6.27': 'x86_64-4level',
  'xen-x86_64': 'x86_64-4level',
  'linux-x86_32': 'x86_32',
  'linux-x86_32-pae': 'x86_32-pae',
  'linux-arm64-4k-48bit': 'arm64-4k-48',
  'linux-arm64-64k-52bit': 'arm64-64k-52',
  'linux-riscv64-sv39': 'riscv64-sv39',
  'linux-riscv64-sv48': 'riscv64-sv48',
  'linux-riscv64-sv57': 'riscv64-sv57',
};

const KiB = 1n << 10n, GiB = 1n << 30n, TiB = 1n << 40n;
const TOP64 = (1n << 64n) - 1n;

interface RawRegion { name: string; start: string; end: string; kind: string; description: string }
interface RawSymbol { name: string; value: string; description?: string }
interface RawLayout {
  id: string; title: string; mode: string; description: string; source: string[]; notes: string[];
  regions: RawRegion[]; symbols: RawSymbol[]; [key: string]: unknown;
}
interface Region { name: string; start: bigint; end: bigint; kind: string }

const files = fs.readdirSync(LAYOUT_DIR).filter((f) => f.endsWith('.json')).sort();
const presets = new Map<string, { file: string; raw: RawLayout; regions: Region[] }>();
for (const file of files) {
  const raw = JSON.parse(fs.readFileSync(path.join(LAYOUT_DIR, file), 'utf8')) as RawLayout;
  const regions = (raw.regions ?? []).map((r) => ({ name: r.name, start: BigInt(r.start), end: BigInt(r.end), kind: r.kind }));
  presets.set(raw.id, { file, raw, regions });
}

function preset(id: string) {
  const p = presets.get(id);
  assert.ok(p, `preset ${id} is missing`);
  return p;
}
function region(id: string, name: string): Region {
  const r = preset(id).regions.find((x) => x.name === name);
  assert.ok(r, `${id}: no region named "${name}"`);
  return r;
}
function symbol(id: string, name: string): bigint {
  const s = preset(id).raw.symbols.find((x) => x.name === name);
  assert.ok(s, `${id}: no symbol ${name}`);
  return BigInt(s.value);
}
const hex = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');
const pml4Slot = (a: bigint) => Number((a >> 39n) & 511n);

function isCanonical(a: bigint, mode: string): boolean {
  const m = MODES[mode];
  if (m.rule === 'none') return true;
  const high = a >> BigInt(m.vaBits);          // bits above the significant ones
  const allOnes = (1n << BigInt(64 - m.vaBits)) - 1n;
  if (m.rule === 'split') return high === 0n || high === allOnes;
  const top = a >> BigInt(m.vaBits - 1);        // sign bit and everything above it
  return top === 0n || top === (allOnes << 1n) + 1n;
}

test('layouts/ holds every required preset with its mode', () => {
  for (const [id, mode] of Object.entries(REQUIRED)) {
    assert.equal(preset(id).raw.mode, mode, `${id}: mode`);
  }
  assert.equal(presets.size, files.length, 'two files declare the same id');
});

for (const [id, { file, raw, regions }] of presets) {
  test(`${id}: file, fields and enums follow the schema`, () => {
    assert.equal(file, `${id}.json`, 'file name = id + ".json"');
    assert.match(id, ID_PATTERN);
    for (const key of Object.keys(raw)) assert.ok(TOP_LEVEL_KEYS.includes(key), `unknown top-level key ${key}`);
    assert.ok(MODE_ENUM.includes(raw.mode), `mode ${raw.mode} not in the schema enum`);
    assert.ok(MODES[raw.mode], `test has no width for mode ${raw.mode}`);
    for (const key of ['title', 'description'] as const) assert.ok(typeof raw[key] === 'string' && raw[key].length > 0, `${key} missing`);
    assert.ok(Array.isArray(raw.source) && raw.source.length > 0 && raw.source.every((s) => typeof s === 'string' && s.length > 0), 'source lines');
    assert.ok(Array.isArray(raw.notes) && raw.notes.length > 0 && raw.notes.every((s) => typeof s === 'string' && s.length > 0), 'notes');
    assert.ok(Array.isArray(raw.regions) && raw.regions.length > 0, 'regions');
    assert.ok(Array.isArray(raw.symbols), 'symbols');
    const names = new Set<string>();
    for (const r of raw.regions) {
      assert.deepEqual(Object.keys(r).sort(), ['description', 'end', 'kind', 'name', 'start'], `region ${r.name}: keys`);
      assert.ok(r.name.length > 0 && !names.has(r.name), `region name "${r.name}" empty or repeated`);
      names.add(r.name);
      assert.ok(KIND_ENUM.includes(r.kind), `region ${r.name}: kind ${r.kind} not in the schema enum`);
      assert.ok(r.description.length > 0, `region ${r.name}: description`);
    }
    const symNames = new Set<string>();
    for (const s of raw.symbols) {
      assert.ok(!symNames.has(s.name), `symbol ${s.name} repeated`);
      symNames.add(s.name);
      assert.match(s.value, /^0x[0-9a-f]+$/, `symbol ${s.name}: value`);
      assert.ok(BigInt(s.value) <= (1n << BigInt(MODES[raw.mode].bits)) - 1n, `symbol ${s.name} wider than the mode`);
    }
  });

  test(`${id}: addresses are exact-width hex, sorted, non-overlapping and cover the whole space`, () => {
    const { bits } = MODES[raw.mode];
    const digits = bits / 4;
    const re = new RegExp(`^0x[0-9a-f]{${digits}}$`);
    for (const r of raw.regions) {
      assert.match(r.start, re, `region ${r.name}: start ${r.start} must be 0x + ${digits} lower-case hex digits`);
      assert.match(r.end, re, `region ${r.name}: end ${r.end} must be 0x + ${digits} lower-case hex digits`);
    }
    let next = 0n;
    for (const r of regions) {
      assert.ok(r.start <= r.end, `region ${r.name}: start > end`);
      assert.ok(r.start >= next, `region ${r.name} starts at ${hex(r.start)}, overlapping or out of order (expected >= ${hex(next)})`);
      assert.equal(r.start, next, `gap before region ${r.name}: ${hex(next)}..${hex(r.start - 1n)}`);
      next = r.end + 1n;
    }
    assert.equal(next, 1n << BigInt(bits), 'the last region must end at the top of the address space');
  });

  test(`${id}: non-canonical regions are exactly the non-canonical addresses`, () => {
    for (const r of regions) {
      const expectCanonical = r.kind !== 'non-canonical';
      assert.equal(isCanonical(r.start, raw.mode), expectCanonical, `region ${r.name}: start ${hex(r.start)}`);
      assert.equal(isCanonical(r.end, raw.mode), expectCanonical, `region ${r.name}: end ${hex(r.end)}`);
    }
    if (MODES[raw.mode].rule !== 'none') assert.equal(regions.filter((r) => r.kind === 'non-canonical').length, 1, 'one non-canonical hole');
  });
}

test('2.6.26: direct map at 0xffff810000000000 (PML4 slot 258), 127 TiB to the top', () => {
  const dm = region('linux-x86_64-2.6.26', 'direct map');
  assert.equal(dm.start, 0xffff810000000000n);
  assert.equal(dm.kind, 'direct-map');
  assert.equal(pml4Slot(dm.start), 258);
  assert.equal((1n << 64n) - dm.start, 127n * TiB);
  assert.equal(symbol('linux-x86_64-2.6.26', '__PAGE_OFFSET'), dm.start);
  assert.equal(preset('linux-x86_64-2.6.26').regions.filter((r) => r.kind === 'hypervisor').length, 0, 'no hypervisor hole before 2.6.27');
  // erratum 1: the header's MODULES_END lies above VSYSCALL_START; the region stops below the fixmap
  assert.equal(symbol('linux-x86_64-2.6.26', 'MODULES_END'), 0xfffffffffff00000n);
  const mod = region('linux-x86_64-2.6.26', 'modules');
  assert.equal(mod.start, 0xffffffffa0000000n);
  assert.ok(mod.end < region('linux-x86_64-2.6.26', 'fixmap').start);
  assert.equal(region('linux-x86_64-2.6.26', 'kernel text').end - region('linux-x86_64-2.6.26', 'kernel text').start + 1n, 512n << 20n);
});

test('2.6.27: hypervisor hole = PML4 slots 256-271 (8 TiB), direct map at slot 272, 120 TiB to the top', () => {
  const id = 'linux-x86_64-2.6.27';
  const hole = region(id, 'hypervisor hole');
  assert.equal(hole.kind, 'hypervisor');
  assert.equal(hole.start, 0xffff800000000000n);
  assert.equal(hole.end, 0xffff87ffffffffffn);
  assert.equal(hole.end - hole.start + 1n, 8n * TiB);
  assert.equal(pml4Slot(hole.start), 256);
  assert.equal(pml4Slot(hole.end), 271);
  assert.equal((hole.end - hole.start + 1n) >> 39n, 16n, '16 PML4 slots');
  const dm = region(id, 'direct map');
  assert.equal(dm.start, 0xffff880000000000n);
  assert.equal(dm.start, hole.end + 1n, 'the direct map starts right after the hole');
  assert.equal(pml4Slot(dm.start), 272);
  assert.equal((1n << 64n) - dm.start, 120n * TiB);
  assert.equal(symbol(id, '__PAGE_OFFSET'), dm.start);
  assert.equal(symbol(id, 'MODULES_END'), 0xffffffffff000000n);
  assert.equal(region(id, 'modules').end, 0xfffffffffeffffffn);
});

test('2.6.26 vs 2.6.27: regions match by name; the direct map moves 7 TiB from slot 258 to 272', () => {
  const a = preset('linux-x86_64-2.6.26'), b = preset('linux-x86_64-2.6.27');
  for (const name of ['user space', 'non-canonical hole', 'direct map', 'vmalloc', 'vmemmap', 'kernel text', 'modules', 'fixmap', 'vsyscall', 'top guard hole']) {
    const ra = region(a.raw.id, name), rb = region(b.raw.id, name);
    assert.equal(ra.kind, rb.kind, `"${name}" has the same kind in both`);
  }
  const da = region(a.raw.id, 'direct map'), db = region(b.raw.id, 'direct map');
  assert.equal(db.start - da.start, 7n * TiB);
  assert.equal(pml4Slot(db.start) - pml4Slot(da.start), 14);
  assert.equal(((1n << 64n) - da.start) - ((1n << 64n) - db.start), 7n * TiB);
  for (const name of ['vmalloc', 'vmemmap', 'kernel text']) {
    assert.deepEqual(region(a.raw.id, name), region(b.raw.id, name), `"${name}" is unchanged between 2.6.26 and 2.6.27`);
  }
});

// Rows of /work/shared/reference/layouts/linux-x86_64-{4,5}level.json (mm.rst @ 25768de5), embedded so that
// the test runs without the reference folder; when the folder exists the copy is compared with it.
// [start, end, kind of the preset region that must contain the row]
type Row = [string, string, string];
const ROWS_4: Row[] = [
  ['0000000000000000', '00007fffffffefff', 'user'], ['00007ffffffff000', '00007fffffffffff', 'guard-hole'],
  ['0000800000000000', '7fffffffffffffff', 'non-canonical'], ['8000000000000000', 'ffff7fffffffffff', 'non-canonical'],
  ['ffff800000000000', 'ffff87ffffffffff', 'hypervisor'], ['ffff880000000000', 'ffff887fffffffff', 'ldt-remap'],
  ['ffff888000000000', 'ffffc87fffffffff', 'direct-map'], ['ffffc88000000000', 'ffffc8ffffffffff', 'unused'],
  ['ffffc90000000000', 'ffffe8ffffffffff', 'vmalloc'], ['ffffe90000000000', 'ffffe9ffffffffff', 'unused'],
  ['ffffea0000000000', 'ffffeaffffffffff', 'vmemmap'], ['ffffeb0000000000', 'ffffebffffffffff', 'unused'],
  ['ffffec0000000000', 'fffffbffffffffff', 'kasan'],
];
const ROWS_5: Row[] = [
  ['0000000000000000', '00fffffffffff000', 'user'], ['00fffffffffff000', '00ffffffffffffff', 'guard-hole'],
  ['0100000000000000', '7fffffffffffffff', 'non-canonical'], ['8000000000000000', 'feffffffffffffff', 'non-canonical'],
  ['ff00000000000000', 'ff0fffffffffffff', 'hypervisor'], ['ff10000000000000', 'ff10ffffffffffff', 'ldt-remap'],
  ['ff11000000000000', 'ff90ffffffffffff', 'direct-map'], ['ff91000000000000', 'ff9fffffffffffff', 'unused'],
  ['ffa0000000000000', 'ffd1ffffffffffff', 'vmalloc'], ['ffd2000000000000', 'ffd3ffffffffffff', 'unused'],
  ['ffd4000000000000', 'ffd5ffffffffffff', 'vmemmap'], ['ffd6000000000000', 'ffdeffffffffffff', 'unused'],
  ['ffdf000000000000', 'fffffbffffffffff', 'kasan'],
];
const ROWS_TOP: Row[] = [ // identical in both tables
  ['fffffc0000000000', 'fffffdffffffffff', 'unused'], ['fffffe0000000000', 'fffffe7fffffffff', 'cpu-entry-area'],
  ['fffffe8000000000', 'fffffeffffffffff', 'unused'], ['ffffff0000000000', 'ffffff7fffffffff', 'espfix'],
  ['ffffff8000000000', 'ffffffeeffffffff', 'unused'], ['ffffffef00000000', 'fffffffeffffffff', 'efi'],
  ['ffffffff00000000', 'ffffffff7fffffff', 'unused'], ['ffffffff80000000', 'ffffffff9fffffff', 'kernel-text'],
  ['ffffffffa0000000', 'fffffffffeffffff', 'modules'], ['FIXADDR_START', 'ffffffffff5fffff', 'fixmap'],
  ['ffffffffff600000', 'ffffffffff600fff', 'vsyscall'], ['ffffffffffe00000', 'ffffffffffffffff', 'guard-hole'],
];

/** Rows whose boundaries the presets deliberately change, with the reason; checked separately below. */
const CHANGED: Record<string, Record<string, string>> = {
  'linux-x86_64-4level': {
    'FIXADDR_START-ffffffffff5fffff': 'symbolic start; the preset fixes FIXADDR_START at 0xffffffffff500000',
    'ffffffffa0000000-fffffffffeffffff': 'erratum 3: with KASLR (KERNEL_IMAGE_SIZE 1 GiB) modules start at 0xffffffffc0000000; the row spans "kernel text" and "modules"',
  },
  'linux-x86_64-5level': {
    'FIXADDR_START-ffffffffff5fffff': 'symbolic start; the preset fixes FIXADDR_START at 0xffffffffff500000',
    'ffffffffa0000000-fffffffffeffffff': 'erratum 3: with KASLR (KERNEL_IMAGE_SIZE 1 GiB) modules start at 0xffffffffc0000000; the row spans "kernel text" and "modules"',
    '0000000000000000-00fffffffffff000': 'erratum 4: the printed end overlaps the guard row; the preset ends user space at 0x00ffffffffffefff',
  },
};

const REF_DIR = '/work/shared/reference/layouts';
for (const [id, rows, ref] of [
  ['linux-x86_64-4level', [...ROWS_4, ...ROWS_TOP], 'linux-x86_64-4level.json'],
  ['linux-x86_64-5level', [...ROWS_5, ...ROWS_TOP], 'linux-x86_64-5level.json'],
] as const) {
  test(`${id}: the embedded mm.rst rows equal the reference file (when present)`, (t) => {
    const file = path.join(REF_DIR, ref);
    if (!fs.existsSync(file)) { t.skip(`${file} not present`); return; }
    const refRows = (JSON.parse(fs.readFileSync(file, 'utf8')).rows as { start: string; end: string }[]).map((r) => [r.start, r.end]);
    assert.deepEqual(rows.map((r) => [r[0], r[1]]), refRows);
  });

  test(`${id}: every mm.rst row lies inside one preset region of the expected kind`, () => {
    const regions = preset(id).regions;
    let checked = 0;
    for (const [s, e, kind] of rows) {
      const key = `${s}-${e}`;
      if (CHANGED[id][key]) continue;
      const start = BigInt('0x' + s), end = BigInt('0x' + e);
      const at = (a: bigint) => regions.find((r) => r.start <= a && a <= r.end);
      const rs = at(start), re = at(end);
      assert.ok(rs && re, `row ${key}: not covered`);
      assert.equal(rs, re, `row ${key}: start in "${rs.name}", end in "${re.name}"`);
      assert.equal(rs.kind, kind, `row ${key}: region "${rs.name}" has kind ${rs.kind}`);
      checked++;
    }
    assert.equal(checked, rows.length - Object.keys(CHANGED[id]).length, 'every skipped row is listed in CHANGED');
  });

  test(`${id}: deliberate changes to the table (erratum 3, FIXADDR_START${id.includes('5level') ? ', erratum 4' : ''})`, () => {
    const text = region(id, 'kernel text'), mod = region(id, 'modules'), fix = region(id, 'fixmap');
    assert.equal(text.start, 0xffffffff80000000n);
    assert.equal(text.end - text.start + 1n, GiB, 'kernel text is KERNEL_IMAGE_SIZE = 1 GiB (KASLR)');
    assert.equal(mod.start, 0xffffffffc0000000n);
    assert.equal(mod.start, symbol(id, 'MODULES_VADDR'));
    assert.equal(mod.end + 1n, symbol(id, 'MODULES_END'));
    assert.equal(symbol(id, '__START_KERNEL_map') + symbol(id, 'KERNEL_IMAGE_SIZE'), symbol(id, 'MODULES_VADDR'));
    assert.equal(fix.start, 0xffffffffff500000n);
    assert.equal(fix.end, 0xffffffffff5fffffn);
    assert.equal(region(id, 'hole below fixmap').start, 0xffffffffff000000n);
    const above = region(id, 'hole above vsyscall');
    assert.deepEqual([above.start, above.end], [0xffffffffff601000n, 0xffffffffffdfffffn]);
    const user = region(id, 'user space');
    assert.equal(user.end + 1n, symbol(id, 'TASK_SIZE_MAX'));
    assert.equal(region(id, 'user guard page').end - region(id, 'user guard page').start + 1n, 4n * KiB);
    assert.equal(region(id, 'direct map').start, symbol(id, 'PAGE_OFFSET'));
    assert.equal(region(id, 'vmalloc').start, symbol(id, 'VMALLOC_START'));
    assert.equal(region(id, 'vmalloc').end, symbol(id, 'VMALLOC_END'));
    assert.equal(region(id, 'vmemmap').start, symbol(id, 'VMEMMAP_START'));
    assert.equal(region(id, 'LDT remap').start, symbol(id, 'LDT_BASE_ADDR'));
    assert.equal(region(id, 'hypervisor hole').start, symbol(id, 'GUARD_HOLE_BASE_ADDR'));
    assert.equal(region(id, 'hypervisor hole').end + 1n, symbol(id, 'GUARD_HOLE_END_ADDR'));
  });
}

test('4-level and 5-level presets are identical from 0xfffffc0000000000 up and share region names', () => {
  const top = (id: string) => preset(id).regions.filter((r) => r.start >= 0xfffffc0000000000n);
  assert.deepEqual(top('linux-x86_64-4level'), top('linux-x86_64-5level'));
  assert.deepEqual(preset('linux-x86_64-4level').regions.map((r) => r.name), preset('linux-x86_64-5level').regions.map((r) => r.name));
  assert.equal(region('linux-x86_64-5level', 'user space').end, 0x00ffffffffffefffn, 'erratum 4 fixed');
});

test('Xen: hypervisor slots 256-271 and Xen text at 0xffff82d040000000 (erratum 8: current config.h)', () => {
  const id = 'xen-x86_64';
  const xen = preset(id).regions.filter((r) => r.start >= 0xffff800000000000n && r.end <= 0xffff87ffffffffffn);
  assert.equal(xen[0].start, symbol(id, 'HYPERVISOR_VIRT_START'));
  assert.equal(xen[xen.length - 1].end + 1n, symbol(id, 'HYPERVISOR_VIRT_END'));
  assert.equal(pml4Slot(xen[0].start), 256);
  assert.equal(pml4Slot(xen[xen.length - 1].end), 271);
  const text = preset(id).regions.find((r) => r.kind === 'hypervisor-text');
  assert.ok(text);
  assert.deepEqual([text.start, text.end], [0xffff82d040000000n, 0xffff82d07fffffffn]);
  assert.equal(region(id, 'direct map').start, symbol(id, 'DIRECTMAP_VIRT_START'));
  // Linux 2.6.27's direct map starts where Xen's reserved slots end
  assert.equal(region('linux-x86_64-2.6.27', 'direct map').start, symbol(id, 'HYPERVISOR_VIRT_END'));
});

test('x86-32: 3G/1G split with 32-bit addresses', () => {
  for (const id of ['linux-x86_32', 'linux-x86_32-pae']) {
    assert.equal(region(id, 'user space').end, 0xbfffffffn);
    assert.equal(region(id, 'direct map').start, symbol(id, 'PAGE_OFFSET'));
    assert.equal(region(id, 'vmalloc').start, symbol(id, 'VMALLOC_START'));
    assert.equal(region(id, 'vmalloc').end + 1n, symbol(id, 'VMALLOC_END'));
    assert.equal(region(id, 'pkmap').start, symbol(id, 'PKMAP_BASE'));
    assert.equal(region(id, 'fixmap').start, symbol(id, 'FIXADDR_START'));
    assert.equal(region(id, 'fixmap').end + 1n, symbol(id, 'FIXADDR_TOP'));
  }
  const pk = (id: string) => region(id, 'pkmap').end - region(id, 'pkmap').start + 1n;
  assert.equal(pk('linux-x86_32'), 1024n * 4n * KiB, 'non-PAE: LAST_PKMAP 1024');
  assert.equal(pk('linux-x86_32-pae'), 512n * 4n * KiB, 'PAE: LAST_PKMAP 512');
  assert.equal(region('linux-x86_32', 'direct map').end - 0xc0000000n + 1n, 896n << 20n);
});

test('arm64: KASAN is not a region (it overlays the linear map); exact vmalloc size', () => {
  for (const id of ['linux-arm64-4k-48bit', 'linux-arm64-64k-52bit']) {
    const regions = preset(id).regions;
    assert.equal(regions.filter((r) => r.kind === 'kasan').length, 0, `${id}: no kasan region`);
    const vm = region(id, 'vmalloc');
    assert.equal(vm.end - vm.start + 1n, 0x7bff70000000n);
    assert.equal(region(id, 'linear map').end, 0xffff7fffffffffffn);
    assert.ok(preset(id).raw.notes.some((n) => /kasan/i.test(n)), `${id}: a note explains the KASAN overlay`);
  }
  assert.equal(region('linux-arm64-4k-48bit', 'linear map').start, 0xffff000000000000n);
  assert.equal(region('linux-arm64-64k-52bit', 'linear map').start, 0xfff0000000000000n);
});

test('RISC-V: table gaps are explicit regions; Sv57 direct map is 31.75 PiB', () => {
  const PiB = 1n << 50n;
  const dm = region('linux-riscv64-sv57', 'direct map');
  assert.equal((dm.end - dm.start + 1n) * 4n, 127n * PiB);
  assert.deepEqual([region('linux-riscv64-sv39', 'unused below KASAN').start, region('linux-riscv64-sv39', 'unused below KASAN').end],
    [0xfffffff600000000n, 0xfffffff6ffffffffn]);
  for (const [id, start] of [['linux-riscv64-sv39', 0xffffffc000000000n], ['linux-riscv64-sv48', 0xffff800000000000n], ['linux-riscv64-sv57', 0xff00000000000000n]] as const) {
    const gap = region(id, 'unused below fixmap');
    assert.equal(gap.start, start);
    assert.equal(gap.end + 1n, region(id, 'fixmap').start);
    assert.equal(region(id, 'kernel text').start, 0xffffffff80000000n);
    assert.equal(region(id, 'kernel text').end, TOP64);
  }
});
