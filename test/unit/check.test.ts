// paging-layout check: gcc-style text, JSON and SARIF output, recursion and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const FIX = path.join(REPO, 'test/fixtures/diagnostics');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'check', ...args], { encoding: 'utf8', cwd: REPO });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('text output is gcc style with a [code], related information as notes; exit 1 on an error-severity finding', () => {
  const r = run('test/fixtures/diagnostics/rules.h', '--layout', 'linux-x86_64-2.6.27');
  assert.equal(r.code, 1, r.err);
  const lines = r.out.trim().split('\n');
  assert.match(lines[0], /^test\/fixtures\/diagnostics\/rules\.h:7:28: warning: SCRATCH_VADDR = 0xffff7fffffff0000 is not canonical .* \[PL001\]$/);
  assert.ok(lines.some((l) => /rules\.h:\d+:\d+: error: .*\[PL007\]$/.test(l)));
  assert.ok(lines.some((l) => /rules\.h:14:9: note: overlapping range starts here/.test(l)));
  assert.match(r.err, /1 file .*10 findings/);
});

test('JSON output: 1-based positions, one object per finding', () => {
  const r = run(path.join(FIX, 'rules.h'), '--layout', 'linux-x86_64-2.6.27', '--format', 'json');
  assert.equal(r.code, 1);
  const a = JSON.parse(r.out);
  assert.equal(a.length, 10);
  assert.deepEqual(Object.keys(a[0]).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity']);
  assert.deepEqual([a[0].line, a[0].column, a[0].endLine, a[0].endColumn, a[0].code, a[0].severity], [7, 28, 7, 46, 'PL001', 'warning']);
  assert.deepEqual([...new Set(a.map((x: { code: string }) => x.code))].sort(), ['PL001', 'PL002', 'PL003', 'PL004', 'PL005', 'PL006', 'PL007', 'PL008', 'PL009']);
});

test('SARIF 2.1.0: rules, results with regions and related locations', () => {
  const r = run('test/fixtures/diagnostics/rules.h', '--layout', 'linux-x86_64-2.6.27', '--format', 'sarif');
  const s = JSON.parse(r.out);
  assert.equal(s.version, '2.1.0');
  const run0 = s.runs[0];
  assert.equal(run0.tool.driver.name, 'paging-layout');
  assert.equal(run0.tool.driver.rules.length, 9);
  const res = run0.results.find((x: { ruleId: string }) => x.ruleId === 'PL003');
  assert.equal(res.level, 'warning');
  assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'test/fixtures/diagnostics/rules.h');
  assert.equal(res.locations[0].physicalLocation.region.startLine, 16);
  assert.equal(res.relatedLocations[0].physicalLocation.region.startLine, 14);
  assert.equal(run0.results.find((x: { ruleId: string }) => x.ruleId === 'PL007').level, 'error');
});

test('a clean header: no output, exit 0', () => {
  const r = run('test/fixtures/diagnostics/clean.h');
  assert.equal(r.code, 0, r.out);
  assert.equal(r.out, '');
  assert.equal(JSON.parse(run('test/fixtures/diagnostics/clean.h', '--format', 'json').out).length, 0);
});

test('directories are searched recursively for C, asm and linker scripts only; --rule turns rules off', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-check-'));
  fs.mkdirSync(path.join(dir, 'arch/x86/kernel'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'arch/x86/kernel/head.S'), '#define EARLY_VADDR 0xffff7fffffff0000\n');
  fs.writeFileSync(path.join(dir, 'arch/x86/kernel/vmlinux.lds'), 'SECTIONS {\n  . = 0xffff7fff80000000;\n}\n');
  fs.writeFileSync(path.join(dir, 'notes.txt'), '#define IGNORED_VADDR 0xffff7fffffff0000\n');
  const r = run(dir, '--format', 'json');
  const a = JSON.parse(r.out);
  assert.deepEqual(a.map((x: { file: string; code: string }) => `${path.relative(dir, x.file)} ${x.code}`).sort(), ['arch/x86/kernel/head.S PL001', 'arch/x86/kernel/vmlinux.lds PL001']);
  assert.equal(r.code, 0);
  assert.equal(JSON.parse(run(dir, '--format', 'json', '--rule', 'PL001=off').out).length, 0);
  assert.equal(run(dir, '--rule', 'PL001=error').code, 1);
  fs.rmSync(dir, { recursive: true });
});

test('a tree checked on worker threads reports exactly what one thread reports, bytes counted once', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-check-jobs-'));
  let bytes = 0;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
    bytes += Buffer.byteLength(text);
  };
  // 300 files (worker threads start at 256): every 25th has a finding; a 3 MB file grows the read buffer
  // and the small files after it must not see its bytes.
  for (let i = 0; i < 300; i++) {
    const bad = i % 25 === 0;
    write(`d${i % 7}/f${String(i).padStart(3, '0')}.h`, bad ? `#define AREA${i}_VADDR 0xffff7fffffff0000\n` : `#define AREA${i}_START 0x${(i + 1).toString(16)}000\n`);
    if (i === 150) write('d0/f150big.h', '/* filler */\n'.repeat(250_000) + '#define BIG_VADDR 0xffff7ffffff00000\n');
  }
  const one = run(dir, '--format', 'json', '--stats', '--jobs', '1');
  const two = run(dir, '--format', 'json', '--stats', '--jobs', '2');
  const found = JSON.parse(one.out) as { file: string; code: string }[];
  assert.equal(found.length, 13, one.out);
  assert.ok(found.some((f) => f.file.endsWith('f150big.h') && f.code === 'PL001'));
  assert.equal(two.out, one.out);
  for (const r of [one, two]) assert.match(r.err, new RegExp(`301 files \\(${bytes} bytes\\), 13 findings`));
  fs.rmSync(dir, { recursive: true });
});

test('usage errors and unreadable input exit 2 with one clear line', () => {
  let r = run();
  assert.equal(r.code, 2);
  assert.match(r.err, /check needs at least one file or directory/);
  r = run('test/fixtures/diagnostics/rules.h', '--format', 'xml');
  assert.equal(r.code, 2);
  assert.match(r.err, /--format must be text, json or sarif/);
  r = run('/nonexistent/file.h');
  assert.equal(r.code, 2);
  assert.match(r.err, /\/nonexistent\/file\.h: cannot read \(ENOENT\)/);
  assert.doesNotMatch(r.err, /at .*\.js:\d+/);
  r = run('test/fixtures/diagnostics/rules.h', '--layout', 'no-such-layout');
  assert.equal(r.code, 2);
});

test('quoted includes: a range overlapping one in the header (related information names it) and a value evaluated with its macros', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-inc-'));
  try {
    fs.writeFileSync(path.join(dir, 'area.h'), [
      '#define AREA_BASE_ADDR 0xffffc90000000000UL',
      '#define SHADOW_START 0xffffc90000000000UL',
      '#define SHADOW_END   0xffffc90040000000UL',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'user.c'), [
      '#include "area.h"',
      '/* starts inside the header\'s shadow area and runs past its end */',
      '#define WINDOW_START 0xffffc90020000000UL',
      '#define WINDOW_END   0xffffc90060000000UL',
      '/* evaluated with the header\'s macro: 0xffff490000000000 is not canonical */',
      '#define PROBE_ADDR (AREA_BASE_ADDR - 0x800000000000UL)',
      '',
    ].join('\n'));
    // A file that needs nothing from its include: no range part, no foreign macro.
    fs.writeFileSync(path.join(dir, 'quiet.c'), '#include "area.h"\n#define QUIET_ADDR 0xffff880000000000UL\n');
    for (const jobs of ['1', '2']) {
      const r = run(dir, '--layout', 'linux-x86_64-4level', '--format', 'json', '--jobs', jobs);
      const a = JSON.parse(r.out) as { file: string; line: number; code: string; message: string }[];
      const overlap = a.find((f) => f.code === 'PL003');
      assert.ok(overlap, `jobs ${jobs}: no overlap in ${r.out}`);
      assert.equal(path.basename(overlap.file), 'user.c');
      assert.match(overlap.message, /WINDOW_START\.\.WINDOW_END .* overlaps SHADOW_START\.\.SHADOW_END/);
      const probe = a.find((f) => f.code === 'PL001');
      assert.ok(probe, `jobs ${jobs}: PROBE_ADDR not evaluated through the include: ${r.out}`);
      assert.equal(probe.line, 6);
      assert.match(probe.message, /PROBE_ADDR = 0xffff490000000000 is not canonical/);
      assert.ok(!a.some((f) => path.basename(f.file) === 'area.h'), 'the header itself is clean');
    }
    const sarif = JSON.parse(run(path.join(dir, 'user.c'), '--layout', 'linux-x86_64-4level', '--format', 'sarif').out);
    const res = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'PL003');
    assert.ok(res.relatedLocations.some((l: { physicalLocation: { artifactLocation: { uri: string } } }) => l.physicalLocation.artifactLocation.uri.endsWith('area.h')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a 3 MB header (read past the first megabyte, gated in pieces) reports a finding on its last line, then a small file after it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-big-'));
  try {
    const filler = '/* filler line without numbers of interest, only words and 0x10 */\n'.repeat(50_000);
    const lines = filler.split('\n').length;
    fs.writeFileSync(path.join(dir, 'a_big.h'), filler + '#define LATE_VADDR 0xffff7fffffff0000UL\n');
    fs.writeFileSync(path.join(dir, 'b_small.h'), '#define EARLY_VADDR 0xffff7fffffff0000UL\n');
    assert.ok(fs.statSync(path.join(dir, 'a_big.h')).size > 3 << 20);
    const r = run(dir, '--layout', 'linux-x86_64-4level', '--format', 'json', '--jobs', '1', '--stats');
    const a = JSON.parse(r.out) as { file: string; line: number; code: string }[];
    assert.deepEqual(a.map((f) => [path.basename(f.file), f.line, f.code]), [['a_big.h', lines, 'PL001'], ['b_small.h', 1, 'PL001']]);
    assert.match(r.err, new RegExp(`2 files \\(${fs.statSync(path.join(dir, 'a_big.h')).size + fs.statSync(path.join(dir, 'b_small.h')).size} bytes\\)`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
