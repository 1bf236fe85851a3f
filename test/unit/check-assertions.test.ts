// `paging-layout check` and PL011: fired build-time assertions on layout macros are findings, the others
// are counted (--stats); with --kbuild the build's configuration decides the values, and a file the
// configuration does not build is left out. Fixtures: test/fixtures/assertions, and a copy of the
// kbuild fixture tree with files of this test's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { check } from '../../src/cli/check';

const DIR = path.resolve(__dirname, '../../../test/fixtures/assertions');
const TREE = path.resolve(__dirname, '../../../test/fixtures/kbuild/tree');

async function run(...args: string[]): Promise<{ code: number; findings: { file: string; line: number; code: string; message: string }[]; err: string }> {
  let out = '', err = '';
  const code = await check([...args, '--format', 'json', '--jobs', '1', '--stats'], { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, findings: JSON.parse(out || '[]'), err };
}
const statsLine = (err: string) => err.split('\n').find((l) => l.includes('assertions on layout macros')) ?? '';

test('check: the fired assertions of fires.c are PL011 errors, holds.c has none; --stats counts them', async () => {
  const r = await run(DIR);
  const pl011 = r.findings.filter((f) => f.code === 'PL011');
  assert.deepEqual(pl011.map((f) => `${path.basename(f.file)}:${f.line}`), ['fires.c:6', 'fires.c:7', 'fires.c:10', 'fires.c:11', 'fires.c:12']);
  assert.match(pl011[0].message, /^BUILD_BUG_ON\(MODULES_VADDR - __START_KERNEL_map < 2 \* KERNEL_IMAGE_SIZE\) fails the build: the condition is not 0; .* = 1; MODULES_VADDR = __START_KERNEL_map \+ KERNEL_IMAGE_SIZE = /);
  assert.match(pl011[2].message, /^static_assert\(MODULES_LEN < PUD_SIZE\) fails the build: the condition is 0/);
  assert.equal(r.code, 1);
  assert.match(statsLine(r.err), /22 evaluated \(8 held, 5 fired, 9 skipped: 5 malformed, 1 branch condition unknown, 1 runtime part, 1 size of an unknown structure, 1 unresolved name\), 1 in inactive branches/);
  const off = await run(DIR, '--rule', 'PL011=off');
  assert.equal(off.findings.filter((f) => f.code === 'PL011').length, 0);
  assert.equal(off.code, 0);
  const one = await run(path.join(DIR, 'holds.c'));
  assert.equal(one.findings.length, 0);
  assert.equal(one.code, 0);
});

/** A copy of the kbuild fixture tree with `files` added, and an O= directory whose .config is the tree's with `edit` applied. */
function treeWith(files: Record<string, string>, edit: (c: string) => string = (c) => c): { tree: string; build: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-assert-kb-'));
  const tree = path.join(base, 'tree');
  fs.cpSync(TREE, tree, { recursive: true });
  for (const [rel, text] of Object.entries(files)) { fs.mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true }); fs.writeFileSync(path.join(tree, rel), text); }
  const build = path.join(base, 'build');
  fs.mkdirSync(build);
  fs.writeFileSync(path.join(build, '.config'), edit(fs.readFileSync(path.join(TREE, '.config'), 'utf8')));
  fs.symlinkSync(tree, path.join(build, 'source'));
  return { tree, build };
}

const CHECKS = [
  '#include <asm/page_64_types.h>',
  '#include <asm/pgtable_64_types.h>',
  'void layout_checks(void)',
  '{',
  '\tBUILD_BUG_ON(KERNEL_IMAGE_SIZE < 1024 * 1024 * 1024);',
  '\tBUILD_BUG_ON(MODULES_VADDR - __START_KERNEL_map != KERNEL_IMAGE_SIZE);',
  '}',
  '',
].join('\n');

test('check --kbuild: the configuration decides (CONFIG_RANDOMIZE_BASE picks KERNEL_IMAGE_SIZE); without it the headers are not read', async () => {
  const files = {
    'arch/x86/kernel/layout_checks.c': CHECKS,
    'arch/x86/kernel/Makefile': 'obj-y += layout_checks.o\nobj-$(CONFIG_FIXTURE_NEVER_SET) += unbuilt.o\n',
    'arch/x86/kernel/unbuilt.c': '#include <asm/page_64_types.h>\nvoid f(void) { BUILD_BUG_ON(PAGE_SIZE != 8192); }\n',
  };
  const { tree, build } = treeWith(files);
  const dir = path.join(tree, 'arch/x86/kernel');
  const held = await run(dir, '--kbuild', build);
  assert.deepEqual(held.findings.filter((f) => f.code === 'PL011'), [], JSON.stringify(held.findings));
  assert.match(statsLine(held.err), /2 evaluated \(2 held, 0 fired, 0 skipped\).*1 in files the configuration does not build/);
  const off = treeWith(files, (c) => c.replace('CONFIG_RANDOMIZE_BASE=y', '# CONFIG_RANDOMIZE_BASE is not set'));
  const fired = await run(path.join(off.tree, 'arch/x86/kernel'), '--kbuild', off.build);
  const f = fired.findings.filter((x) => x.code === 'PL011');
  assert.deepEqual(f.map((x) => `${path.basename(x.file)}:${x.line}`), ['layout_checks.c:5']);
  assert.match(f[0].message, /KERNEL_IMAGE_SIZE < 1024 \* 1024 \* 1024: 0x20000000 < 1024 \* 1024 \* 1024 = 1/);
  assert.equal(fired.code, 1);
  // no build: angle includes are not followed (the headers' names stay unresolved), every file is read,
  // and the layout's paging mode gives PAGE_SIZE (4096): the unbuilt file's assertion fails under it
  const plain = await run(dir);
  assert.deepEqual(plain.findings.filter((x) => x.code === 'PL011').map((x) => `${path.basename(x.file)}:${x.line}`), ['unbuilt.c:2']);
  assert.match(statsLine(plain.err), /3 evaluated \(0 held, 1 fired, 2 skipped: 2 unresolved name\)/);
});
