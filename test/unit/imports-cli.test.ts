// paging-layout import and decode --symbols as scripts use them: the built dist/cli.js, its JSON, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const DUMPS = path.join(REPO, 'test/fixtures/dumps');
const dump = (name: string) => path.join(DUMPS, name);

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function runJson(...args: string[]) {
  const r = run(...args, '--format', 'json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}
const HEX16 = /^0x[0-9a-f]{16}$/;

test('import --format json: the detected format and every entry with exact 16-digit addresses', () => {
  const j = runJson('import', dump('vmallocinfo.txt'));
  assert.equal(j.format, 'vmallocinfo');
  assert.equal(j.title, '/proc/vmallocinfo');
  assert.equal(j.entries.length, 8);
  assert.deepEqual(j.entries[0], {
    line: 1, type: 'mapping', name: 'acpi_os_map_iomem', start: '0xffffb3c4c0000000', end: '0xffffb3c4c0001fff', size: '8192', kind: 'vmalloc',
    attrs: { size: '8192', phys: '0x00000000fed00000', caller: 'acpi_os_map_iomem+0x1bc/0x1e0', flags: 'ioremap' },
  });
  for (const e of j.entries) { assert.match(e.start, HEX16); assert.match(e.end, HEX16); }
  assert.deepEqual(j.problems, []);
  assert.equal(j.boot, null, 'vmallocinfo states no boot value');
});

test('import of every sample: exit 0, the right format, JSON addresses exact', () => {
  const cases: [string, string, number][] = [
    ['ptdump-arm64.txt', 'ptdump-arm64', 19], ['crash-kmem-v.txt', 'crash-kmem-v', 5], ['crash-vtop.txt', 'crash-vtop', 3],
    ['qemu-info-mem.txt', 'qemu-info-mem', 9], ['qemu-info-tlb.txt', 'qemu-info-tlb', 6], ['qemu-info-mem-riscv.txt', 'qemu-info-mem-riscv', 4],
    ['ld-firmware.map', 'ld-map', 19], ['readelf-vmlinux.txt', 'readelf', 14], ['System.map-6.1.0-demo', 'system-map', 50],
  ];
  for (const [file, format, count] of cases) {
    const j = runJson('import', dump(file));
    assert.equal(j.format, format, file);
    assert.equal(j.entries.length, count, file);
    for (const e of j.entries) for (const k of ['start', 'end', 'address']) if (e[k] !== undefined) assert.match(e[k], HEX16, `${file}: ${JSON.stringify(e)}`);
  }
});

test('import of kallsyms with --system-map: symbols as entries, the slide and the moved kernel image as boot values', () => {
  const j = runJson('import', dump('kallsyms-kaslr.txt'), '--system-map', dump('System.map-6.1.0-demo'));
  assert.equal(j.format, 'kallsyms');
  assert.equal(j.entries.length, 58);
  assert.deepEqual(j.entries[0], { line: 1, type: 'symbol', name: 'fixed_percpu_data', address: '0x0000000000000000', symbolType: 'A', absolute: true, percpu: true });
  assert.deepEqual(j.entries.at(-1), { line: 58, type: 'symbol', name: 'dummyfs_cache', address: '0xffffffffc0c02000', symbolType: 'b', module: 'dummyfs' });
  assert.equal(j.boot.slide.value, '+0x19200000');
  assert.ok(j.boot.table.some((r: { macro: string; value: string }) => r.macro === '_text' && r.value === '0xffffffff9a200000'));
  assert.equal(j.boot.layout, 'linux-x86_64-4level@boot-kallsyms-kaslr.txt');
});

test('import md: a table of the entries, the boot values and the moves of crash help -m', () => {
  const r = run('import', dump('crash-help-m.txt'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^# .*crash-help-m\.txt: crash help -m \/ help -k/);
  assert.match(r.out, /\| 30 \| value \| vmalloc_start_addr \| `0xffffb3c4c0000000` \|/);
  assert.match(r.out, /\| `VMALLOC_START = vmalloc_base` \| `0xffffb3c4c0000000` \| `0xffffc90000000000` \|/);
  assert.match(r.out, /- vmalloc: -0x153b40000000 from the static base/);
});

test('import svg: the import drawn with the map renderer; --boot draws the static layout beside this boot', () => {
  const r = run('import', dump('ptdump-arm64.txt'), '--format', 'svg');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^<svg [^>]*role="img"/);
  assert.match(r.out, /Linear Mapping: RW NX SHD AF BLK UXN MEM\/NORMAL-TAGGED/);
  const b = run('import', dump('crash-help-m.txt'), '--format', 'svg', '--boot');
  assert.equal(b.code, 0, b.err);
  assert.match(b.out, /linux-x86_64-4level \(left\) compared with linux-x86_64-4level@boot-crash-help-m\.txt \(right\)/);
  assert.match(b.out, /vmalloc: -0x153b40000000 from the static base/);
  const hashed = run('import', dump('vmallocinfo-hashed.txt'), '--format', 'json');
  assert.equal(hashed.code, 0, 'read and explained');
  assert.deepEqual(JSON.parse(hashed.out).hidden, { count: 4, firstLine: 1, reason: 'hashed' });
  assert.match(hashed.err, /vmallocinfo-hashed\.txt:1: 4 of 4 areas show hashed pointers/);
  const none = run('import', dump('vmallocinfo-hashed.txt'), '--format', 'svg');
  assert.equal(none.code, 2);
  assert.match(none.err, /nothing to draw .*hashed pointers/);
});

test('import: bad input is one line naming the file, exit 2, no stack trace', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-import-'));
  const bin = path.join(tmp, 'blob.bin');
  fs.writeFileSync(bin, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
  const junk = path.join(tmp, 'notes.txt');
  fs.writeFileSync(junk, 'just some words\nand more words\n');
  const cases: [string[], RegExp][] = [
    [['import', path.join(tmp, 'missing.txt')], /missing\.txt: no such file/],
    [['import', tmp], /is a directory/],
    [['import', bin], /blob\.bin is a binary file/],
    [['import'], /expected one FILE to import/],
    [['import', junk, '--as', 'nonsense'], /unknown input format 'nonsense'/],
    [['import', junk, '--format', 'pdf'], /unknown --format 'pdf'/],
  ];
  for (const [args, re] of cases) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, re);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.ok(!/\n\s+at /.test(r.err), 'no stack trace');
  }
  const j = run('import', junk, '--format', 'json');
  assert.equal(j.code, 2, 'nothing imported');
  assert.match(JSON.parse(j.out).problems[0].message, /none of the known formats/);
  const forced = runJson('import', dump('kallsyms-kaslr.txt'), '--as', 'system-map');
  assert.equal(forced.format, 'system-map');
});

test('decode --symbols: the symbol an address is in, from kallsyms or from System.map with the slide', () => {
  const t = run('decode', '0xffffffff9a2001f0', '--symbols', dump('kallsyms-kaslr.txt'));
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /kernel text/);
  assert.match(t.out, /^Symbol: verify_cpu\+0xe0 \(t, kallsyms kallsyms-kaslr\.txt line 16; symbol at 0xffffffff9a200110\)$/m);
  const j = JSON.parse(run('decode', '0xffffffff9a200000', '--symbols', dump('System.map-6.1.0-demo'), '--slide', '0x19200000', '--json').out);
  assert.equal(j.symbol.text, 'startup_64');
  assert.equal(j.symbol.address, '0xffffffff9a200000');
  assert.equal(j.symbol.slide, '+0x19200000');
  const m = JSON.parse(run('decode', '0xffffffffc0a01404', '--symbols', dump('kallsyms-kaslr.txt'), '--json').out);
  assert.equal(m.symbol.text, 'demo_nic_xmit+0x4 [demo_nic]');
  assert.equal(m.symbol.module, 'demo_nic');
  const none = run('decode', '0xffffffff9a2001f0', '--symbols', dump('System.map-6.1.0-demo'));
  assert.equal(none.code, 0);
  assert.match(none.out, /Symbol: none in .*a System\.map holds link-time addresses: give --slide/);
  const restricted = run('decode', '0xffffffff81000000', '--symbols', dump('kallsyms-restricted.txt'));
  assert.equal(restricted.code, 2);
  assert.match(restricted.err, /every address is 0/);
  const notSymbols = run('decode', '0xffffffff81000000', '--symbols', dump('iomem.txt'));
  assert.equal(notSymbols.code, 2);
  assert.match(notSymbols.err, /is not a symbol file \(kallsyms or System\.map\); it reads as \/proc\/iomem/);
  assert.equal(run('decode', '0x1', '--slide', '0x10').code, 2);
});

test('the usage text lists import and decode --symbols', () => {
  const r = run('--help');
  assert.match(r.out, /^ {2}import FILE \[--format md\|json\|svg\]/m);
  assert.match(r.out, /decode <address> \[--layout ID\] \[--symbols F \[--slide N\]\]/);
});
