// Kernel configurations: .config and autoconf.h read into the macros Kbuild gives a unit; IS_ENABLED
// and friends; with a configuration known, an unlisted CONFIG_ is not set (as for gcc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  parseDotConfig, parseAutoconf, configDefines, isBuiltin, isModule, isEnabled, isReachable, readKernelConfig,
  analyzeText, evaluateExpression, condText,
} from '../../src/engine/source';

const DOT = [
  '#', '# Automatically generated file; DO NOT EDIT.', '#',
  'CONFIG_64BIT=y', 'CONFIG_X86_5LEVEL=y', 'CONFIG_KVM=m', 'CONFIG_NR_CPUS=64', 'CONFIG_PHYSICAL_START=0x1000000',
  'CONFIG_LOCALVERSION=""', 'CONFIG_CC_VERSION_TEXT="gcc (Debian 12.2.0) 12.2.0"', '# CONFIG_KASAN is not set', '', 'CONFIG_ILLEGAL_ACCESS=n',
].join('\n');

test('.config: y, m (CONFIG_X_MODULE), numbers, hex, strings, not set', () => {
  const c = parseDotConfig(DOT, '/b/.config');
  assert.deepEqual(c.problems, []);
  assert.equal(c.values.get('CONFIG_64BIT'), '1');
  assert.equal(c.values.get('CONFIG_KVM'), null);
  assert.equal(c.values.get('CONFIG_KVM_MODULE'), '1');
  assert.equal(c.values.get('CONFIG_NR_CPUS'), '64');
  assert.equal(c.values.get('CONFIG_PHYSICAL_START'), '0x1000000');
  assert.equal(c.values.get('CONFIG_LOCALVERSION'), '""');
  assert.equal(c.values.get('CONFIG_KASAN'), null);
  assert.equal(c.values.get('CONFIG_ILLEGAL_ACCESS'), null);
  assert.ok(isBuiltin(c, 'CONFIG_X86_5LEVEL') && !isModule(c, 'CONFIG_X86_5LEVEL'));
  assert.ok(isModule(c, 'CONFIG_KVM') && isEnabled(c, 'CONFIG_KVM') && !isBuiltin(c, 'CONFIG_KVM'));
  assert.ok(!isReachable(c, 'CONFIG_KVM') && isReachable(c, 'CONFIG_KVM', true) && isReachable(c, 'CONFIG_64BIT'));
  assert.ok(!isEnabled(c, 'CONFIG_KASAN') && !isEnabled(c, 'CONFIG_NOT_LISTED'));
});

test('bad lines are named with their number; the rest is read', () => {
  const c = parseDotConfig('CONFIG_A=y\nthis is not config\nCONFIG_B=maybe\nCONFIG_C=3', 'x/.config');
  assert.deepEqual(c.problems, [
    { line: 2, message: 'not a configuration line: this is not config' },
    { line: 3, message: 'CONFIG_B=maybe: expected y, m, n, a number or a "string"' },
  ]);
  assert.equal(c.values.get('CONFIG_C'), '3');
  const a = parseAutoconf('/* c */\n#define CONFIG_A 1\nint x;\n', 'autoconf.h');
  assert.deepEqual(a.problems, [{ line: 3, message: 'not a #define line: int x;' }]);
});

test('autoconf.h: the same values as its .config (a real O= build directory when there is one)', (t) => {
  const dirs = ['/tmp/kb-eval/x86_64-defconfig', '/tmp/kb-eval/arm64-defconfig', '/tmp/kb/x86_64-defconfig'].filter((d) => fs.existsSync(path.join(d, 'include/generated/autoconf.h')));
  const fixture = parseAutoconf('/*\n * generated\n */\n#define CONFIG_64BIT 1\n#define CONFIG_KVM_MODULE 1\n#define CONFIG_NR_CPUS 64\n#define CONFIG_LOCALVERSION ""\n#define CONFIG_PHYSICAL_START 0x1000000\n');
  const dot = parseDotConfig(DOT);
  for (const [k, v] of fixture.values) assert.equal(dot.values.get(k), v, k);
  if (dirs.length === 0) { t.diagnostic('no configured kernel build directory on this machine'); return; }
  for (const d of dirs) {
    const a = parseAutoconf(fs.readFileSync(path.join(d, 'include/generated/autoconf.h'), 'utf8'));
    const c = parseDotConfig(fs.readFileSync(path.join(d, '.config'), 'utf8'));
    assert.deepEqual(a.problems, []);
    assert.deepEqual(c.problems, []);
    const setInDot = [...c.values].filter(([, v]) => v !== null);
    assert.ok(setInDot.length > 1000, `${d}: ${setInDot.length} symbols set`);
    // Kconfig writes every set symbol to both; autoconf.h adds only a few of its own (CONFIG_CC_... none)
    for (const [k, v] of setInDot) assert.equal(a.values.get(k), v, `${d}: ${k}`);
  }
});

test('readKernelConfig caches by file and text', () => {
  const a = readKernelConfig('/b/.config', DOT);
  assert.equal(readKernelConfig('/b/.config', DOT), a);
  assert.notEqual(readKernelConfig('/b/.config', DOT + '\nCONFIG_Z=y'), a);
  assert.equal(readKernelConfig('/b/include/generated/autoconf.h', '#define CONFIG_A 1').source, 'autoconf.h');
});

const HEADER = [
  '#ifdef CONFIG_X86_5LEVEL', '#define LEVELS 5', '#else', '#define LEVELS 4', '#endif',
  '#if IS_ENABLED(CONFIG_KVM)', '#define KVM_ON 1', '#else', '#define KVM_ON 0', '#endif',
  '#if IS_BUILTIN(CONFIG_KVM)', '#define KVM_BUILTIN 1', '#else', '#define KVM_BUILTIN 0', '#endif',
  '#if IS_MODULE(CONFIG_KVM)', '#define KVM_MOD 1', '#else', '#define KVM_MOD 0', '#endif',
  '#if IS_REACHABLE(CONFIG_KVM)', '#define KVM_REACH 1', '#else', '#define KVM_REACH 0', '#endif',
  '#ifdef CONFIG_UNLISTED_FEATURE', '#define EXTRA 0x1000', '#else', '#define EXTRA 0', '#endif',
  '#if defined(CONFIG_KASAN) || CONFIG_NR_CPUS > 32', '#define BIG 1', '#else', '#define BIG 0', '#endif',
  '#define VALUE (LEVELS * 0x100 + KVM_ON * 0x10 + KVM_BUILTIN * 8 + KVM_MOD * 4 + KVM_REACH * 2 + EXTRA + BIG)',
].join('\n');

/** The kernel's IS_ENABLED family written as a header of our own (gcc's side of the comparison). */
const KCONFIG_LIKE = [
  '#define __ARG_PLACEHOLDER_1 0,', '#define __take_second_arg(__ignored, val, ...) val',
  '#define __is_defined(x) ___is_defined(x)', '#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)',
  '#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)',
  '#define IS_BUILTIN(option) __is_defined(option)', '#define IS_MODULE(option) __is_defined(option##_MODULE)',
  '#define IS_ENABLED(option) (IS_BUILTIN(option) || IS_MODULE(option))',
  '#define IS_REACHABLE(option) (IS_BUILTIN(option) || (IS_MODULE(option) && __is_defined(MODULE)))',
].join('\n');

test('with the configuration known, every #if is decided as gcc decides it; without, alternatives remain', (t) => {
  const cfg = parseDotConfig(DOT);
  const a = analyzeText(HEADER, { file: '/h.h', family: 'c', defines: configDefines(cfg) });
  const r = evaluateExpression('VALUE', { lookup: a.lookup, configComplete: true }).alternatives;
  assert.deepEqual(r.map((x) => [x.u64, x.conditions.map(condText)]), [[0x515n, []]]);
  // without the flag the unlisted symbol stays unknown
  const open = evaluateExpression('VALUE', { lookup: a.lookup }).alternatives;
  assert.deepEqual(open.map((x) => [x.u64, x.conditions.map(condText)]), [[0x1515n, ['CONFIG_UNLISTED_FEATURE']], [0x515n, ['!CONFIG_UNLISTED_FEATURE']]]);
  // defined() and IS_ENABLED of an unlisted name: not set
  assert.equal(evaluateExpression('defined(CONFIG_NOPE) + IS_ENABLED(CONFIG_NOPE)', { lookup: a.lookup, configComplete: true, condition: true }).alternatives[0].u64, 0n);
  assert.equal(evaluateExpression('defined(CONFIG_NOPE)', { lookup: a.lookup, condition: true }).alternatives[0].value, undefined);
  assert.match(evaluateExpression('CONFIG_NOPE + 1', { lookup: a.lookup, configComplete: true }).alternatives[0].error!, /undefined name CONFIG_NOPE \(not set in the configuration\)/);
  if (spawnSync('gcc', ['--version']).status !== 0) { t.diagnostic('gcc is not installed'); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-kconfig-'));
  const defs = [...cfg.values].filter(([, v]) => v !== null).map(([k, v]) => `#define ${k} ${v}`).join('\n');
  for (const [extra, want] of [['', 0x515n], ['#define MODULE 1', 0x517n]] as const) {
    fs.writeFileSync(path.join(dir, 'u.c'), `${defs}\n${extra}\n${KCONFIG_LIKE}\n${HEADER}\nunsigned long long v = VALUE;\n`);
    const g = spawnSync('gcc', ['-S', '-O2', '-o', '-', path.join(dir, 'u.c')], { encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
    const gv = BigInt(/^v:\s*\n\s*\.quad\s+(\d+)/m.exec(g.stdout)![1]);
    assert.equal(gv, want);
    const b = analyzeText(`${extra}\n${HEADER}`, { file: '/h.h', family: 'c', defines: configDefines(cfg) });
    assert.equal(evaluateExpression('VALUE', { lookup: b.lookup, configComplete: true }).alternatives[0].u64, gv, extra || 'built in');
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
