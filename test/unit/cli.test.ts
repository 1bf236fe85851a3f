// The paging-layout CLI as scripts use it: the built dist/cli.js, its JSON contract and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const FIX = path.join(REPO, 'test/fixtures/layouts');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function runJson(...args: string[]) {
  const r = run(...args, '--json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}

test('decode 0xffff880000000000 in 2.6.27: PML4 index 272, direct map', () => {
  const j = runJson('decode', '0xffff880000000000', '--layout', 'linux-x86_64-2.6.27');
  assert.equal(j.value, '0xffff880000000000');
  assert.equal(j.canonical, true);
  assert.equal(j.canonicalForm, '0xffff880000000000');
  assert.equal(j.region.name, 'direct map');
  assert.equal(j.region.kind, 'direct-map');
  assert.equal(j.region.start, '0xffff880000000000');
  assert.deepEqual(j.indices[0], { level: 'PML4', linux: 'PGD', index: 272 });
  assert.equal(j.indices.length, 4);
  assert.equal(j.pageOffset, '0x0');
  assert.equal(j.kernelSlot, 16);
});

test('decode: non-canonical address, default layout, 5-level, text output', () => {
  const j = runJson('decode', '0xffff7fffffffffff');
  assert.equal(j.layout, 'linux-x86_64-4level');
  assert.equal(j.canonical, false);
  assert.equal(j.canonicalForm, '0x00007fffffffffff');
  assert.equal(j.region.kind, 'non-canonical');
  assert.equal(runJson('decode', '0xffff7fffffffffff', '--layout', 'linux-x86_64-5level').canonical, true);
  assert.equal(runJson('decode', '0xffff7fffffffffff', '--layout', 'linux-x86_64-5level').indices.length, 5);
  const t = run('decode', '0xffffffff81000000');
  assert.equal(t.code, 0);
  assert.match(t.out, /0xffff_ffff_8100_0000/);
  assert.match(t.out, /kernel text/);
  assert.match(t.out, /PML4 511 · PDPT 510 · PD 8 · PT 0/);
  const x32 = runJson('decode', '0xc0000000', '--layout', 'linux-x86_32');
  assert.equal(x32.value, '0xc0000000');
  assert.deepEqual(x32.indices.map((i: { index: number }) => i.index), [768, 0]);
});

test('capacity: bytes to the top and to the next region, exact decimal strings', () => {
  const a = runJson('capacity', '0xffff810000000000', '--layout', 'linux-x86_64-2.6.26');
  assert.equal(a.toTopOfSpace, String(127n << 40n));
  const b = runJson('capacity', '0xffff880000000000', '--layout', 'linux-x86_64-2.6.27');
  assert.equal(b.toTopOfSpace, String(120n << 40n));
  assert.equal(BigInt(b.toNextRegion), BigInt(b.nextRegion.start) - 0xffff880000000000n);
});

test('overhead: sizes in every accepted form; ratio about 0.2 % for 4 KiB pages', () => {
  const a = runJson('overhead', '1TiB');
  assert.equal(a.mappedBytes, String(1n << 40n));
  assert.equal(a.tableBytes, String((1n + 2n + 1024n + 524288n) * 4096n));
  assert.ok(a.ratio > 0.00195 && a.ratio < 0.00197);
  assert.equal(runJson('overhead', '64G', '--page', '2M').mappedBytes, String(64n << 30n));
  assert.equal(runJson('overhead', '4096').pages, '1');
  assert.equal(runJson('overhead', '0x1000').pages, '1');
  assert.equal(runJson('overhead', '1G', '--page', '4M', '--mode', 'x86_32').levels.length, 1);
});

test('diff 2.6.26 → 2.6.27: direct map moved 7 TiB, slots 258 → 272', () => {
  const j = runJson('diff', 'linux-x86_64-2.6.26', 'linux-x86_64-2.6.27');
  const dm = j.regions.find((r: { name: string }) => r.name === 'direct map');
  assert.equal(dm.startDelta, String(7n << 40n));
  assert.equal(dm.startSlotBefore, 258);
  assert.equal(dm.startSlotAfter, 272);
  assert.equal(dm.slotDelta, 14);
  assert.equal(dm.spaceAboveBefore, String(127n << 40n));
  assert.equal(dm.spaceAboveAfter, String(120n << 40n));
  const t = run('diff', 'linux-x86_64-2.6.26', 'linux-x86_64-2.6.27');
  assert.match(t.out, /direct map: start moved \+7 TiB from 0xffff810000000000 \(slot 258\) to 0xffff880000000000 \(slot 272, 14 slots\)/);
  assert.match(t.out, /127 TiB → 120 TiB/);
});

test('map: Markdown table and JSON regions', () => {
  const md = run('map', '--layout', 'linux-x86_64-2.6.27');
  assert.equal(md.code, 0);
  assert.match(md.out, /^\| `0xffff880000000000` \| -120 TiB \| `0xffffc0ffffffffff` \| 57 TiB \| direct map \|/m);
  const j = JSON.parse(run('map', '--format', 'json').out);
  assert.ok(j.regions.length > 10);
  for (const r of j.regions) assert.deepEqual(Object.keys(r).slice(0, 4), ['name', 'kind', 'start', 'end']);
});

test('layouts: every preset listed, JSON and text', () => {
  const j = runJson('layouts');
  const ids = j.map((l: { id: string }) => l.id);
  for (const id of ['linux-x86_64-4level', 'linux-x86_64-2.6.27', 'xen-x86_64', 'linux-riscv64-sv57']) assert.ok(ids.includes(id), id);
  assert.match(run('layouts').out, /linux-x86_64-2\.6\.26\s+x86_64-4level/);
});

test('slot and tlb', () => {
  const s = runJson('slot', '272');
  assert.deepEqual(s, { slot: 272, start: '0xffff880000000000', end: '0xffff887fffffffff', size: String(512n << 30n) });
  assert.equal(runJson('slot', '-1').start, '0xffffff8000000000');
  assert.equal(runJson('tlb', '1536', '--page', '2M').reach, String(3n << 30n));
});

test('custom layouts: extend a preset, override and add regions', () => {
  const j = runJson('decode', '0xffffff0040000000', '--layout-file', path.join(FIX, 'custom-ok.json'));
  assert.equal(j.layout, 'my-hypervisor');
  assert.equal(j.region.name, 'firmware window');
  assert.equal(j.region.end, '0xffffff007fffffff');
  const m = JSON.parse(run('map', '--format', 'json', '--layout-file', path.join(FIX, 'custom-ok.json')).out);
  assert.equal(m.regions.find((r: { name: string }) => r.name === 'hypervisor hole').description, 'Owned by the test hypervisor');
  assert.equal(m.regions.find((r: { name: string }) => r.name === 'direct map').start, '0xffff880000000000');
});

test('bad input: one clear line on stderr, exit 2, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['decode', '0xzz'], /'0xzz' is not an address/],
    [['decode', '0x1ffff880000000000'], /does not fit in 64 bits/],
    [['decode', '0x1000', '--layout', 'nope'], /unknown layout 'nope'/],
    [['overhead', 'lots'], /'lots' is not a size/],
    [['overhead', '1T', '--page', '3K'], /not a leaf page size/],
    [['overhead', '1T', '--mode', 'vax'], /unknown paging mode 'vax'/],
    [['diff', 'linux-x86_64-2.6.26'], /expected two layout ids/],
    [['map', '--format', 'pdf'], /unknown --format 'pdf'/],
    [['decode'], /expected exactly one address/],
    [['decode', '1', '--frobnicate'], /unknown option --frobnicate/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['decode', '0x1000', '--layout-file', path.join(FIX, 'custom-broken.json')], /custom-broken\.json:5:\d+: region 'a': end 0xffff87ffffffffff is below start 0xffff880000000000/],
    [['decode', '0x1000', '--layout-file', path.join(FIX, 'custom-syntax.json')], /custom-syntax\.json:1:\d+: JSON syntax error: CommaExpected/],
    [['decode', '0x1000', '--layout-file', path.join(FIX, 'missing.json')], /missing\.json:1:1: cannot read layout file: ENOENT/],
  ];
  for (const [args, re] of cases) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')} → exit ${r.code}`);
    assert.equal(r.out, '');
    assert.match(r.err, re);
    assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
    assert.doesNotMatch(r.err, /\bat .*\.js:\d+/);
  }
});

test('custom layouts: a region added inside an inherited hole splits the hole around it', () => {
  const m = JSON.parse(run('map', '--format', 'json', '--layout-file', path.join(FIX, 'custom-ok.json')).out);
  const i = m.regions.findIndex((r: { name: string }) => r.name === 'firmware window');
  assert.equal(BigInt(m.regions[i - 1].end) + 1n, 0xffffff0000000000n);
  assert.equal(BigInt(m.regions[i + 1].start), 0xffffff0080000000n);
  assert.equal(m.regions[i - 1].kind, m.regions[i + 1].kind);
});
