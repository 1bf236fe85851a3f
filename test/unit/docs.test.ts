// Documentation drift (PL010): the parser of the kernel's layout tables on the fixtures'
// own .rst files (x86-64 4- and 5-level pipe tables, arm64 whitespace columns, RISC-V sv39/sv48,
// a grid table, malformed tables), the comparison with a derived layout (a seeded wrong row is
// reported, the agreeing rows are not), `check --docs` on the fixture tree, and on Linux 6.1 when the
// configured builds are there (/tmp/kb or PAGING_LAYOUT_KBUILD_ROOT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareDocs, deriveLayout, driftFindings, Evaluation, parseDocSize, parseDocTables, Recipe, sizeMatches } from '../../src/engine/map';
import { main } from '../../src/cli';
import { loadRecipes } from '../../src/cli/derive';
import { recipeProblems } from '../../src/engine/map';

const ROOT = path.resolve(__dirname, '../../..');
const FIX = path.join(ROOT, 'test/fixtures/docs');
const read = (f: string) => fs.readFileSync(path.join(FIX, f), 'utf8');
const hex = (v?: bigint) => (v === undefined ? undefined : v.toString(16));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(args, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

test('sizes: units, fractions, approximations and the "16M TB" notation', () => {
  assert.equal(parseDocSize('64 TB')!.bytes, 64n << 40n);
  assert.equal(parseDocSize(' 0.5 TB')!.bytes, 1n << 39n);
  assert.equal(parseDocSize('4 kB')!.bytes, 4096n);
  assert.equal(parseDocSize('512GB')!.bytes, 512n << 30n);
  assert.equal(parseDocSize('~16M TB')!.bytes, 1n << 64n);
  assert.equal(parseDocSize('~16M TB')!.approx, true);
  assert.equal(parseDocSize('12.5 PB')!.bytes, 25n << 49n);
  assert.equal(parseDocSize('lots'), undefined);
  assert.equal(parseDocSize('128 XB'), undefined);
  // 124TB written for 124 TiB less 352 MiB (arm64's vmalloc): rounds to the written number, within 1%.
  assert.equal(sizeMatches(parseDocSize('124TB')!, 0x7bffe8000000n), true);
  // 0.5 TB is not 0.52 TiB; ~0.5 MB is 532 KiB.
  assert.equal(sizeMatches(parseDocSize('0.5 TB')!, (1n << 39n) + (1n << 34n)), false);
  assert.equal(sizeMatches(parseDocSize('~0.5 MB')!, 0x85000n), true);
  assert.equal(sizeMatches(parseDocSize('1520 MB')!, 1008n << 20n), false);
});

test('parser: the x86-64 4-level and 5-level pipe tables (continuation, section and marker rows)', () => {
  const p = parseDocTables(read('tree/Documentation/x86/x86_64/mm.rst'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.tables.map((t) => [t.title, t.shape, t.rows.length]), [
    ['Four-level map (4-level page tables)', 'pipe', 11], ['Five-level map (5-level page tables)', 'pipe', 2]]);
  const [l4, l5] = p.tables;
  const byDesc = Object.fromEntries(l4.rows.map((r) => [r.description, r]));
  // The continuation line joins the row above; the "..." of a hole is dropped.
  assert.ok(byDesc['non-canonical hole between the halves']);
  assert.equal(hex(byDesc['LDT remap for PTI'].start), 'ffff880000000000');
  assert.equal(hex(byDesc['LDT remap for PTI'].end), 'ffff88ffffffffff');
  assert.equal(byDesc['LDT remap for PTI'].line + 1, 28);
  // A start that is a name has no value; its end and size are read.
  const fix = byDesc['kernel-internal fixmap range'];
  assert.equal(fix.start, undefined);
  assert.equal(fix.startCell!.text, 'FIXADDR_START');
  assert.equal(hex(fix.end), 'ffffffffff5fffff');
  assert.equal(fix.size!.approx, true);
  // The marker row (a start restated as -2048 MB) is no row; the section row neither.
  assert.equal(l4.rows.filter((r) => r.start === 0xffffffff80000000n).length, 1);
  assert.ok(!l4.rows.some((r) => /Kernel half/.test(r.description)));
  // Cell columns point at the text.
  const line = read('tree/Documentation/x86/x86_64/mm.rst').split('\n')[byDesc['LDT remap for PTI'].line];
  const c = byDesc['LDT remap for PTI'].endCell!;
  assert.equal(line.slice(c.start, c.end), 'ffff88ffffffffff');
  assert.equal(hex(l5.rows[1].end), 'ff90ffffffffffff');
  assert.equal(l5.rows[1].size!.bytes, 32n << 50n);
});

test('parser: the arm64 whitespace tables, bracketed rows, tabs', () => {
  const p = parseDocTables(read('arm64-memory.rst'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.tables.map((t) => [t.title, t.shape, t.rows.length]), [
    ['Layout with 4KB pages + 4 levels (48-bit)', 'columns', 7], ['Layout with 64KB pages + 3 levels (52-bit with HW support)', 'columns', 2]]);
  const k = p.tables[0].rows.find((r) => /kasan/.test(r.description))!;
  assert.equal(k.bracketed, true);
  assert.equal(hex(k.start), 'ffff600000000000');
  assert.equal(hex(k.end), 'ffff7fffffffffff');
  const text = read('arm64-memory.rst').split('\n');
  const v = p.tables[0].rows.find((r) => r.description === 'vmalloc')!;
  assert.equal(text[v.line].slice(v.endCell!.start, v.endCell!.end), 'fffffbffefffffff');
  assert.equal(p.tables[1].rows[1].size!.approx, true);
});

test('parser: RISC-V sv39/sv48 tables under section headings, and a grid table with _ separators', () => {
  const r = parseDocTables(read('riscv-vm-layout.rst'));
  assert.deepEqual(r.tables.map((t) => [t.title, t.rows.length]), [['Kernel SV39', 4], ['Kernel SV48', 2]]);
  assert.equal(hex(r.tables[0].rows[3].start), 'ffffffff80000000');
  const g = parseDocTables(read('grid.rst'));
  assert.deepEqual(g.problems, []);
  assert.deepEqual(g.tables[0].rows.map((x) => [hex(x.start), hex(x.end), x.size!.text, x.description]), [
    ['0', '7fffffffffff', '128 TB', 'user-space area'], ['ffff880000000000', 'ffff887fffffffff', '0.5 TB', 'LDT remap']]);
});

test('parser: malformed tables give one clear sentence per bad line and keep the good rows', () => {
  const p = parseDocTables(read('malformed.rst'));
  assert.deepEqual(p.problems.map((x) => [x.line + 1, x.message]), [
    [8, "cannot read the size '128 XB' (expected a number and a unit such as 64 TB or 0.5 GB)"],
    [9, "'00008000zz000000' is not an address of 8 to 16 hex digits"],
    [10, "7 cells where the table's header (line 6) has 5"],
    [11, "'123' is not an address of 8 to 16 hex digits"],
    [18, "a table row without two addresses, a size and a description: 'ffff000000000000\tffff7fffffffffff\t lots\t\tkernel logical memory map'"],
  ]);
  assert.deepEqual(p.tables.map((t) => t.rows.length), [3, 1]);
  // Nothing in the text is a table: no tables, no problems, no throw.
  for (const junk of ['', '|||\n| | |', 'Start End Size Use\n', '\u0000\u0001 | start | end | size |\n\tzz | yy | xx | ww', 'a'.repeat(10000)]) {
    assert.doesNotThrow(() => parseDocTables(junk));
  }
  assert.deepEqual(parseDocTables('Start End Size Use\n-----\n').tables[0].rows, []);
});

// A recipe and evaluator of the test's own: the regions of the arm64 fixture's first table, one seeded wrong.
const RECIPE: Recipe = {
  id: 'fixture-arm64', title: 'F', arch: 'arm64', sources: [],
  regions: [
    { name: 'user', kind: 'user', start: '0', end: 'TASK_SIZE', docs: ['^user$'] },
    { name: 'linear', kind: 'direct-map', start: 'PAGE_OFFSET', end: 'PAGE_END', docs: ['logical memory map'] },
    { name: 'modules', kind: 'modules', start: 'MODULES_VADDR', end: 'MODULES_END', docs: ['^modules$'] },
    { name: 'vmalloc', kind: 'vmalloc', start: 'VMALLOC_START', end: 'VMALLOC_END', docs: ['^vmalloc$'], randomised: true },
    { name: 'vmemmap', kind: 'vmemmap', start: 'VMEMMAP_START', endUnknown: 'none', docs: ['^vmemmap$'] },
    { name: 'kasan', kind: 'kasan', start: 'KASAN_START', end: 'KASAN_END', docs: ['kasan'] },
  ],
  docs: { files: ['memory.rst'], tables: [{ title: '4KB pages', mode: 'arm64-4k-48' }, { title: '64KB pages', mode: 'arm64-64k-52' }] },
};
const VALUES: Record<string, bigint> = {
  '0': 0n, TASK_SIZE: 1n << 48n, PAGE_OFFSET: 0xffff000000000000n, PAGE_END: 0xffff800000000000n,
  // seeded: 256 MiB of modules where the document says 128MB
  MODULES_VADDR: 0xffff800000000000n, MODULES_END: 0xffff800010000000n,
  VMALLOC_START: 0xffff800008000000n, VMALLOC_END: 0xfffffbfff0000000n, VMEMMAP_START: 0xfffffc0000000000n,
};
const evaluate = (e: string): Evaluation => (e in VALUES ? { kind: 'value', value: VALUES[e] } : { kind: 'unresolvable', reason: `undefined name ${e}` });

test('drift: a seeded wrong row is reported with both values, its macros and its cells; agreeing rows are silent', () => {
  assert.deepEqual(recipeProblems(RECIPE), []);
  const derived = deriveLayout(RECIPE, evaluate, { id: 'x', title: 'X', mode: 'arm64-4k-48', source: [] });
  // vmalloc overlaps the seeded modules: not placed (counted), as the derivation says.
  const report = compareDocs('memory.rst', parseDocTables(read('arm64-memory.rst')), RECIPE, [
    { spec: RECIPE.docs!.tables[0], derived, how: 'the configuration' },
    { spec: RECIPE.docs!.tables[1], how: '', notCompared: 'the configuration builds for arm64-4k-48' },
  ]);
  const t = report.tables[0];
  const st = Object.fromEntries(t.rows.map((r) => [r.row.description, r.status]));
  assert.deepEqual(st, {
    user: 'agrees', 'kernel logical memory map': 'agrees', '[kasan shadow region]': 'not-placed', modules: 'differs',
    vmalloc: 'not-placed', vmemmap: 'not-placed', '[guard region]': 'hole',
  });
  const m = t.rows.find((r) => r.row.description === 'modules')!;
  assert.deepEqual(m.mismatches.map((x) => [x.field, x.doc, x.derived]), [['end', 'ffff800007ffffff', '0xffff80000fffffff'], ['size', '128MB', '256 MiB']]);
  // vmemmap: no end, its start still compared (and right).
  assert.deepEqual(t.rows.find((r) => r.row.description === 'vmemmap')!.compared, ['start']);
  assert.equal(report.tables[1].notCompared, 'the configuration builds for arm64-4k-48');
  const sites = (e: string) => (e === 'MODULES_END' ? [{ name: 'MODULES_END', file: '/k/memory.h', line: 12 }] : []);
  const f = driftFindings(report, RECIPE, sites);
  assert.equal(f.length, 1);
  assert.equal(f[0].code, 'PL010');
  assert.equal(f[0].range.line + 1, 14);
  assert.match(f[0].message, /^'modules' in the arm64-4k-48 table: end ffff800007ffffff documented, 0xffff80000fffffff derived; size 128MB documented, 256 MiB derived \(modules: MODULES_VADDR \.\. MODULES_END\)$/);
  assert.deepEqual(f[0].related.map((r) => [r.file, r.range.line, r.message]), [['/k/memory.h', 11, 'MODULES_END (the derived end)']]);
  // Without the seed, no finding.
  const good = deriveLayout(RECIPE, (e) => evaluate(e === 'MODULES_END' ? 'VMALLOC_START' : e), { id: 'x', title: 'X', mode: 'arm64-4k-48', source: [] });
  const clean = compareDocs('memory.rst', parseDocTables(read('arm64-memory.rst')), RECIPE, [{ spec: RECIPE.docs!.tables[0], derived: good, how: 'the configuration' }]);
  assert.deepEqual(driftFindings(clean, RECIPE, () => []), []);
  assert.equal(clean.tables[0].rows.find((r) => r.row.description === 'vmalloc')!.randomised, true);
});

test('recipes: every documentation table and region pattern is valid; bad ones are named', () => {
  for (const r of loadRecipes()) {
    assert.deepEqual(recipeProblems(r), [], r.id);
    assert.ok(r.docs && r.docs.tables.length >= 2, r.id);
  }
  const bad = recipeProblems({ ...RECIPE, regions: [{ ...RECIPE.regions[0], docs: ['('] }], docs: { files: 'x', tables: [{ title: '[', mode: 1 }] } });
  assert.equal(bad.length, 4, bad.join('\n'));
  assert.match(bad[0], /^region user: docs pattern "\(": Invalid regular expression/);
  assert.equal(bad[1], 'docs: "files" must be a list of paths');
  assert.equal(bad[2], 'docs table 0: missing "mode"');
  assert.match(bad[3], /^docs table 0: "title" Invalid regular expression/);
});

test('check --docs on the fixture tree: the seeded rows at their lines, the 5-level table not compared, SARIF and JSON', async () => {
  const tree = path.join(FIX, 'tree');
  const r = await cli(['check', '--docs', tree, '--kbuild', tree]);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n').filter((l) => / warning: /.test(l));
  assert.deepEqual(lines.map((l) => /mm\.rst:(\d+):\d+: warning: '([^']+)'/.exec(l)!.slice(1).join(' ')), [
    '28 LDT remap for PTI', '32 kernel text mapping', '34 module mapping space']);
  assert.match(r.out, /fixture_mm\.h:25:1: note: KERNEL_IMAGE_SIZE \(the derived end\)/);
  assert.match(r.err, /x86_64-5level table 'Five-level map \(5-level page tables\)' \(line 46\): not compared: the configuration builds for x86_64-4level and cannot boot x86_64-5level/);
  assert.match(r.err, /11 rows: 4 agree, 3 differ, 2 not derived, 2 holes, 0 not in the recipe; randomised \(compared with the boot default\): direct map/);
  const j = JSON.parse((await cli(['check', '--docs', tree, '--kbuild', tree, '--format', 'json'])).out);
  assert.deepEqual(j.map((x: { code: string; line: number }) => [x.code, x.line]), [['PL010', 28], ['PL010', 32], ['PL010', 34]]);
  const s = JSON.parse((await cli(['check', '--docs', tree, '--kbuild', tree, '--format', 'sarif'])).out);
  assert.ok(s.runs[0].tool.driver.rules.some((x: { id: string }) => x.id === 'PL010'));
  assert.equal(s.runs[0].results[1].relatedLocations.length, 2);
  // As an error: exit 1; off: nothing and exit 0.
  assert.equal((await cli(['check', '--docs', tree, '--kbuild', tree, '--rule', 'PL010=error'])).code, 1);
  const off = await cli(['check', '--docs', tree, '--kbuild', tree, '--rule', 'PL010=off']);
  assert.equal(off.code, 0);
  assert.equal(off.out, '');
});

test('check --docs: bad input is one clear sentence and exit 2', async () => {
  const tree = path.join(FIX, 'tree');
  const m = await cli(['check', '--docs', path.join(FIX, 'malformed.rst'), '--kbuild', tree]);
  assert.equal(m.code, 2);
  assert.match(m.err, /malformed\.rst:8: cannot read the size '128 XB'/);
  assert.match(m.err, /no table of .*malformed\.rst could be compared with this configuration/);
  assert.doesNotMatch(m.err, /internal error|at .*\.js:\d+/);
  assert.match((await cli(['check', '--docs'])).err, /check --docs needs --kbuild DIR/);
  assert.match((await cli(['check', '--docs', path.join(FIX, 'nope.rst'), '--kbuild', tree])).err, /nope\.rst: no such file or directory/);
  assert.match((await cli(['check', '--docs', FIX, '--kbuild', tree])).err, /no layout documentation in .*fixtures\/docs \(looked for Documentation\/arch\/x86\/x86_64\/mm\.rst, Documentation\/x86\/x86_64\/mm\.rst\)/);
  assert.equal((await cli(['check', '--docs', tree, '--kbuild', tree, '--rule', 'PL001=off'])).code, 2);
});

// Linux 6.1 under the five configurations (skipped without them): the rows flagged, by line.
const KB_ROOT = process.env.PAGING_LAYOUT_KBUILD_ROOT || '/tmp/kb';
const EXPECTED: Record<string, string[]> = {
  'x86_64-4level': ['65 end,size', '67 start,size'],
  'x86_64-5level': ['65 end,size', '67 start,size', '104 end,size', '124 end,size', '126 start,size'],
  'arm64-defconfig': ['38 start,size'],
  'arm64-64k-52bit': ['55 start,size'],
  'riscv-defconfig': ['54 end,size'],
};
for (const [config, expected] of Object.entries(EXPECTED)) {
  test(`Linux 6.1 ${config}: the documentation rows that disagree with the headers`, { skip: !fs.existsSync(path.join(KB_ROOT, config, '.config')) && 'no configured build' }, async () => {
    const r = await cli(['check', '--docs', '--kbuild', path.join(KB_ROOT, config), '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const got = JSON.parse(r.out).map((x: { line: number; message: string }) => `${x.line} ${[...x.message.matchAll(/(start|end|size) [^;]+? documented/g)].map((m) => m[1]).join(',')}`);
    assert.deepEqual(got, expected);
  });
}
