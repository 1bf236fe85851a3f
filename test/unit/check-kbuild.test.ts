// `paging-layout check --kbuild DIR` on the fixture tree (test/fixtures/kbuild): the build's configuration
// decides which #if branches are read (a CONFIG_ the configuration does not list is not set), and its
// paging mode the layout, which stderr names together with the configuration file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { check } from '../../src/cli/check';

const TREE = path.resolve(__dirname, '../../../test/fixtures/kbuild/tree');
const HEADER = path.join(TREE, 'arch/x86/include/asm/vmalloc_base.h');

async function run(...args: string[]): Promise<{ code: number; findings: { line: number; code: string; message: string }[]; err: string }> {
  let out = '', err = '';
  const code = await check([...args, '--format', 'json', '--jobs', '1'], { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, findings: JSON.parse(out || '[]'), err };
}

/** An O= directory of the fixture tree whose .config is the tree's with `edit` applied. */
function buildWith(edit: (config: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-check-kb-'));
  fs.writeFileSync(path.join(dir, '.config'), edit(fs.readFileSync(path.join(TREE, '.config'), 'utf8')));
  fs.symlinkSync(TREE, path.join(dir, 'source'));
  return dir;
}
const fiveLevel = (c: string) => c.replace('CONFIG_PGTABLE_LEVELS=4', 'CONFIG_PGTABLE_LEVELS=5').replace('# CONFIG_X86_5LEVEL is not set', 'CONFIG_X86_5LEVEL=y');
const lines = (r: { findings: { line: number; code: string }[] }) => r.findings.filter((f) => f.code === 'PL001').map((f) => f.line).sort((a, b) => a - b);

test('check without a build: both guarded definitions are read, and both are reported', async () => {
  const r = await run(HEADER, '--layout', 'linux-x86_64-4level');
  assert.deepEqual(lines(r), [10, 15]);
});

test('check --kbuild of a 4-level configuration: the 4-level branch is reported, the unlisted CONFIG_ is not set', async () => {
  const r = await run(HEADER, '--kbuild', TREE);
  assert.deepEqual(lines(r), [10], JSON.stringify(r.findings));
  assert.match(r.findings[0].message, /FIXTURE_VMALLOC_BASE = 0xff91000000000000 is not canonical in x86-64, 4-level/);
  assert.match(r.err, /layout linux-x86_64-4level for the build's paging mode x86_64-4level \(CONFIG_X86_64=y, CONFIG_X86_5LEVEL not set\)/);
  assert.match(r.err, new RegExp(`configuration ${TREE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.config`));
});

test('check --kbuild of a 5-level configuration: the 4-level branch is not compiled, even against the 4-level layout', async () => {
  const dir = buildWith(fiveLevel);
  try {
    // Against the 4-level layout, the 5-level branch's base is the one read (and not canonical there).
    const forced = await run(HEADER, '--kbuild', dir, '--layout', 'linux-x86_64-4level');
    assert.deepEqual(lines(forced), [12], JSON.stringify(forced.findings));
    assert.match(forced.err, /layout linux-x86_64-4level \(--layout\); configuration .*\.config/);
    const own = await run(HEADER, '--kbuild', dir);
    assert.deepEqual(lines(own), []);
    assert.match(own.err, /layout linux-x86_64-5level for the build's paging mode x86_64-5level \(CONFIG_X86_64=y, CONFIG_X86_5LEVEL=y\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('check --kbuild: a directory without a build is one clear error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-check-kb-none-'));
  try {
    await assert.rejects(run(HEADER, '--kbuild', dir), /no kernel build found/);
    await assert.rejects(run(HEADER, '--arch', 'x86_64'), /--arch needs --kbuild/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
