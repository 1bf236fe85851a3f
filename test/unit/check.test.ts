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
  assert.deepEqual(Object.keys(a[0]).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'fingerprint', 'line', 'message', 'severity', 'subject']);
  assert.equal(a[0].subject, '0xffff7fffffff0000');
  assert.match(a[0].fingerprint, /^[0-9a-f]{16}:0$/);
  assert.deepEqual([a[0].line, a[0].column, a[0].endLine, a[0].endColumn, a[0].code, a[0].severity], [7, 28, 7, 46, 'PL001', 'warning']);
  assert.deepEqual([...new Set(a.map((x: { code: string }) => x.code))].sort(), ['PL001', 'PL002', 'PL003', 'PL004', 'PL005', 'PL006', 'PL007', 'PL008', 'PL009']);
});

test('SARIF 2.1.0: rules, results with regions and related locations', () => {
  const r = run('test/fixtures/diagnostics/rules.h', '--layout', 'linux-x86_64-2.6.27', '--format', 'sarif');
  const s = JSON.parse(r.out);
  assert.equal(s.version, '2.1.0');
  const run0 = s.runs[0];
  assert.equal(run0.tool.driver.name, 'paging-layout');
  assert.deepEqual(run0.tool.driver.rules.map((r: { id: string }) => r.id), ['PL001', 'PL002', 'PL003', 'PL004', 'PL005', 'PL006', 'PL007', 'PL008', 'PL009', 'PL010', 'PL011', 'PL000']);
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

test('no --layout: the tree\'s kind decides, said in one line on stderr (Xen, firmware, Linux by its .config)', () => {
  const trees = path.join(REPO, 'test/fixtures/trees');
  let r = run(path.join(trees, 'xen'), '--format', 'json');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), []);
  assert.match(r.err, /^paging-layout check: layout xen-x86_64, inferred from the tree \(Xen tree: xen\/arch\/x86 and xen\/include\/public found\)$/m);
  assert.equal(r.err.split('\n').filter((l) => /inferred/.test(l)).length, 1);
  // The same tree under a Linux layout: its own areas are in the Linux hypervisor hole.
  r = run(path.join(trees, 'xen'), '--layout', 'linux-x86_64-4level', '--format', 'json');
  assert.ok(JSON.parse(r.out).length >= 4 && JSON.parse(r.out).every((f: { code: string }) => f.code === 'PL005'), r.out);
  assert.doesNotMatch(r.err, /inferred/);
  // Firmware: the neutral view reports the certain address only (a pointer cast, a linker location).
  for (const [tree, kind, file] of [['edk2', 'EDK II', 'Probe.c'], ['u-boot', 'U-Boot', 'u-boot.lds']]) {
    r = run(path.join(trees, tree), '--format', 'json');
    const a = JSON.parse(r.out) as { file: string; code: string }[];
    assert.deepEqual(a.map((f) => [path.basename(f.file), f.code]), [[file, 'PL001']], `${tree}: ${r.out}`);
    assert.match(r.err, new RegExp(`layout firmware-neutral, inferred from the tree \\(${kind} tree: .* canonical form of certain addresses only\\)`));
    assert.ok(JSON.parse(run(path.join(trees, tree), '--layout', 'linux-x86_64-4level', '--format', 'json').out).length >= 2, `${tree} under a Linux layout`);
  }
  r = run(path.join(trees, 'linux-configured/mm'));
  assert.match(r.err, /layout linux-arm64-64k-52bit, inferred from the tree \(Linux tree: .*\.config found \(CONFIG_ARM64, 64K pages, 52-bit VA\)\)/);
  assert.match(r.err, /layout linux-arm64-64k-52bit$/m);
  // A path of no known tree: the default layout, nothing inferred.
  r = run('test/fixtures/diagnostics/clean.h');
  assert.doesNotMatch(r.err, /inferred/);
  // --layout firmware-neutral may also be chosen.
  assert.equal(JSON.parse(run(path.join(trees, 'xen'), '--layout', 'firmware-neutral', '--format', 'json').out).length, 0);
});

test('inline suppressions: covered findings are left out and listed by --list-suppressed with their reasons; a reasonless one is PL000', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-suppress-'));
  try {
    fs.writeFileSync(path.join(dir, 'probe.h'), [
      '#define SCRATCH_VADDR _AC(0xffff7fffffff0000, UL) /* paging-layout: ignore PL001 -- probe of the hole */',
      '/* paging-layout: ignore PL001 */',
      '#define PROBE_VADDR _AC(0xffff7fffffff1000, UL)',
      '// paging-layout: ignore PL005 -- nothing to cover',
      '#define SWAP_AREA_START _AC(0xffffe00000000000, UL)',
      '#define SWAP_AREA_END _AC(0xffffd00000000000, UL) // paging-layout: ignore PL007 -- reviewed: deliberate',
      '',
    ].join('\n'));
    let r = run(path.join(dir, 'probe.h'), '--format', 'json', '--stats');
    const a = JSON.parse(r.out) as { line: number; code: string; message: string }[];
    assert.deepEqual(a.map((f) => `${f.code}@${f.line}`), ['PL000@2', 'PL001@3']);
    assert.match(a[0].message, /has no reason/);
    assert.equal(r.code, 0, 'the error-severity PL007 is suppressed');
    assert.match(r.err, /2 findings \(PL000 1, PL001 1\), 0 errors, 2 suppressed/);
    r = run(path.join(dir, 'probe.h'), '--list-suppressed');
    assert.equal(r.code, 0);
    const lines = r.out.trim().split('\n');
    assert.match(lines[0], /probe\.h:1:27: note: suppressed: SCRATCH_VADDR = .* \[PL001\] -- probe of the hole \(ignore at line 1\)$/);
    assert.ok(lines.some((l) => /probe\.h:2:4: warning: paging-layout: ignore PL001 has no reason/.test(l)), r.out);
    assert.ok(lines.some((l) => /probe\.h:4:4: note: the suppression of PL005 \(nothing to cover\) covers no finding/.test(l)), r.out);
    assert.ok(lines.some((l) => /probe\.h:6:\d+: note: suppressed: .*\[PL007\] -- reviewed: deliberate/.test(l)), r.out);
    // SARIF: suppressed results carry their justification.
    const s = JSON.parse(run(path.join(dir, 'probe.h'), '--format', 'sarif').out);
    const sup = s.runs[0].results.filter((x: { suppressions?: unknown[] }) => x.suppressions);
    assert.deepEqual(sup.map((x: { ruleId: string; suppressions: { justification: string }[] }) => [x.ruleId, x.suppressions[0].justification]), [['PL001', 'probe of the hole'], ['PL007', 'reviewed: deliberate']]);
    assert.ok(s.runs[0].tool.driver.rules.some((x: { id: string }) => x.id === 'PL000'));
    // --rule PL000=off silences the suppression problems.
    assert.deepEqual(JSON.parse(run(path.join(dir, 'probe.h'), '--format', 'json', '--rule', 'PL000=off').out).map((f: { code: string }) => f.code), ['PL001']);
    // A file with nothing a rule can read is read whole only by --list-suppressed.
    fs.writeFileSync(path.join(dir, 'quiet.h'), '/* paging-layout: ignore PL001 */\n#define NOTHING 1\n');
    assert.equal(JSON.parse(run(path.join(dir, 'quiet.h'), '--format', 'json').out).length, 0);
    assert.match(run(path.join(dir, 'quiet.h'), '--list-suppressed').out, /quiet\.h:1:4: warning: .*has no reason/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--baseline: findings of an earlier JSON or SARIF output are not reported again, also when their lines moved', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-baseline-'));
  try {
    const file = path.join(dir, 'area.h');
    const v1 = '#define SCRATCH_VADDR _AC(0xffff7fffffff0000, UL)\n#define SWAP_AREA_START _AC(0xffffe00000000000, UL)\n#define SWAP_AREA_END _AC(0xffffd00000000000, UL)\n';
    fs.writeFileSync(file, v1);
    const json = run(file, '--format', 'json');
    assert.equal(json.code, 1, 'PL007 is an error');
    fs.writeFileSync(path.join(dir, 'base.json'), json.out);
    fs.writeFileSync(path.join(dir, 'base.sarif'), run(file, '--format', 'sarif').out);
    // Unchanged tree: nothing new, exit 0 although the baseline holds an error.
    let r = run(file, '--baseline', path.join(dir, 'base.json'));
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /0 new findings, 0 errors, 2 in the baseline, 0 of the baseline gone/);
    // Lines moved, one finding fixed, one added.
    fs.writeFileSync(file, '/* a comment */\n\n' + v1.replace('0xffffd00000000000', '0xffffe10000000000') + '#define LATE_VADDR _AC(0xffff7fffffff2000, UL)\n');
    for (const base of ['base.json', 'base.sarif']) {
      r = run(file, '--format', 'json', '--baseline', path.join(dir, base));
      assert.deepEqual(JSON.parse(r.out).map((f: { line: number; code: string }) => `${f.code}@${f.line}`), ['PL001@6'], base);
      assert.equal(r.code, 0);
    }
    const s = JSON.parse(run(file, '--format', 'sarif', '--baseline', path.join(dir, 'base.sarif')).out);
    assert.deepEqual(s.runs[0].results.map((x: { ruleId: string; baselineState: string; locations: { physicalLocation: { region?: { startLine: number } } }[] }) => [x.ruleId, x.baselineState, x.locations[0].physicalLocation.region?.startLine]),
      [['PL001', 'unchanged', 3], ['PL001', 'new', 6], ['PL007', 'absent', 3]]);
    // A file that is no baseline: one line, exit 2.
    fs.writeFileSync(path.join(dir, 'bad.json'), '{ not json');
    r = run(file, '--baseline', path.join(dir, 'bad.json'));
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.json: not a JSON or SARIF output of paging-layout check/);
    assert.doesNotMatch(r.err, /at .*\.js:\d+/);
    r = run(file, '--baseline', path.join(dir, 'missing.json'));
    assert.equal(r.code, 2);
    assert.match(r.err, /--baseline .*missing\.json: cannot read \(ENOENT\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a file under another architecture\'s arch/ directory is checked against that architecture\'s preset, as in the editor', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-arch-'));
  const file = path.join(dir, 'arch/arm64/include/asm/memory_layout.h');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // A kernel base in arm64's user half (TTBR0): wrong for arm64; under x86-64 it would be non-canonical instead.
  fs.writeFileSync(file, '#define PAGE_OFFSET\t_AC(0x0000800000000000, UL)\n');
  const r = run(file, '--format', 'json', '--stats');
  const findings = JSON.parse(r.out) as { code: string; message: string }[];
  assert.deepEqual(findings.map((f) => f.code), ['PL009'], r.err);
  assert.match(findings[0].message, /arm64|AArch64/i);
  assert.match(r.err, /1 file of another architecture checked against linux-arm64-4k-48bit/);
  fs.rmSync(dir, { recursive: true, force: true });
});
