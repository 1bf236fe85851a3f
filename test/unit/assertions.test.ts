// Build-time assertions (BUILD_BUG_ON, BUILD_BUG_ON_MSG, static_assert, _Static_assert) found in a file's
// analysis and evaluated with its definitions: fired, held, skipped with a reason, inactive branches not
// evaluated, broken sites read without a crash. Fixtures: test/fixtures/assertions (values of our own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeSparse, analyzeText, assertionsOf, AssertionResult, findAssertionSites } from '../../src/engine/source';
import { assertionMayRead, builtinRecipeNames, isLayoutName, onLayoutMacros, recipeNames } from '../../src/engine/rules';
import { getPreset } from '../../src/engine/paging';

const DIR = path.resolve(__dirname, '../../../test/fixtures/assertions');
const readFile = (p: string) => { try { return fs.readFileSync(p, 'utf8'); } catch { return undefined; } };

function results(name: string, o: { sparse?: boolean; defines?: Record<string, string>; configComplete?: boolean } = {}): AssertionResult[] {
  const file = path.join(DIR, name);
  const text = fs.readFileSync(file, 'utf8');
  const aopts = { file, family: 'c' as const, readFile, ...(o.defines ? { defines: o.defines } : {}), ...(o.configComplete ? { configComplete: true } : {}) };
  const a = o.sparse ? analyzeSparse(text, aopts) : analyzeText(text, aopts);
  return assertionsOf(a, { configComplete: o.configComplete, chainFor: 'all' });
}
const at = (rs: AssertionResult[], cond: RegExp) => {
  const r = rs.find((x) => cond.test(x.site.condition));
  assert.ok(r, `no site ${cond} in ${rs.map((x) => x.site.condition).join(' | ')}`);
  return r!;
};

test('holds.c: every decided assertion holds, with the evaluated chain', () => {
  for (const sparse of [false, true]) {
    const rs = results('holds.c', { sparse });
    assert.equal(rs.filter((r) => r.outcome?.status === 'fired').length, 0, JSON.stringify(rs.filter((r) => r.outcome?.status === 'fired')));
    const first = at(rs, /^MODULES_VADDR < __START_KERNEL_map$/);
    assert.equal(first.outcome?.status, 'held');
    assert.equal(first.outcome?.value, 0n);
    assert.equal(first.site.line, 11);
    assert.equal(first.site.character, 1);
    assert.deepEqual(first.outcome?.chain.slice(0, 2), [
      'MODULES_VADDR < __START_KERNEL_map: 0xffffffffa0000000 < 0xffffffff80000000 = 0',
      'MODULES_VADDR = __START_KERNEL_map + KERNEL_IMAGE_SIZE = 0xffffffff80000000 + 0x20000000 = 0xffffffffa0000000',
    ]);
    assert.ok(first.outcome!.reads.includes('KERNEL_IMAGE_SIZE'), 'the names read through MODULES_VADDR');
    // a local macro of the .c file and a message spread over two lines
    const msg = at(rs, /^LOCAL_LIMIT > MODULES_END$/);
    assert.equal(msg.site.kind, 'BUILD_BUG_ON_MSG');
    assert.equal(msg.site.message, '"no room for one PMD of modules"');
    assert.equal(msg.site.endLine, msg.site.line + 1);
    assert.equal(msg.outcome?.status, 'held');
    assert.equal(at(rs, /^MODULES_END > MODULES_VADDR$/).site.kind, 'static_assert');
    assert.equal(at(rs, /^MODULES_END > MODULES_VADDR$/).outcome?.status, 'held');
    assert.equal(at(rs, /^KERNEL_IMAGE_SIZE % PMD_SIZE == 0$/).site.message, '"the image is whole PMDs"');
    assert.equal(at(rs, /^KERNEL_IMAGE_SIZE % PMD_SIZE == 0$/).outcome?.status, 'held');
    assert.equal(at(rs, /__START_KERNEL_map & ~PMD_MASK/).site.kind, '_Static_assert');
    assert.equal(at(rs, /__START_KERNEL_map & ~PMD_MASK/).outcome?.status, 'held');
  }
});

test('holds.c: runtime parts, unknown structure sizes and unknown branches are skipped with their reason', () => {
  const rs = results('holds.c');
  const runtime = at(rs, /^fixture_runtime_base/).outcome!;
  assert.equal(runtime.status, 'skipped');
  assert.equal(runtime.reason, 'runtime');
  assert.match(runtime.detail!, /fixture_runtime_base/);
  const param = at(rs, /^vaddr_end/).outcome!;
  assert.equal(param.status, 'skipped');
  assert.equal(param.reason, 'unresolved');
  const size = at(rs, /sizeof\(struct fixture_area\)/).outcome!;
  assert.equal(size.reason, 'needs-value');
  assert.match(size.detail!, /struct fixture_area/);
  // #ifdef CONFIG_FIXTURE_UNKNOWN without a configuration: unknown; with a complete one: not set, inactive
  assert.equal(at(rs, /^MODULES_END != 0$/).outcome?.reason, 'unknown-branch');
  const cfg = results('holds.c', { defines: { CONFIG_64BIT: 'y' }, configComplete: true });
  assert.equal(at(cfg, /^MODULES_END != 0$/).activity, 'inactive');
  assert.equal(at(cfg, /^MODULES_END != 0$/).outcome, undefined);
  const set = results('holds.c', { defines: { CONFIG_FIXTURE_UNKNOWN: 'y' }, configComplete: true });
  assert.equal(at(set, /^MODULES_END != 0$/).outcome?.status, 'fired', 'the branch is active and its assertion fails');
});

test('an assertion in an inactive branch is not evaluated (it would fire)', () => {
  for (const sparse of [false, true]) {
    const rs = results('holds.c', { sparse });
    const dead = at(rs, /^MODULES_VADDR != 0$/);
    assert.equal(dead.activity, 'inactive');
    assert.equal(dead.outcome, undefined);
  }
  // the comment and the string hold no site
  const sites = findAssertionSites(fs.readFileSync(path.join(DIR, 'holds.c'), 'utf8'));
  assert.equal(sites.length, 13);
});

test('fires.c: each kind fires, with its condition, message and chain', () => {
  const rs = results('fires.c');
  assert.deepEqual(rs.map((r) => [r.site.kind, r.outcome?.status]), [
    ['BUILD_BUG_ON', 'fired'], ['BUILD_BUG_ON_MSG', 'fired'], ['static_assert', 'fired'], ['static_assert', 'fired'], ['_Static_assert', 'fired'],
  ]);
  const b = rs[0].outcome!;
  assert.equal(b.value, 1n);
  assert.equal(b.chain[0], 'MODULES_VADDR - __START_KERNEL_map < 2 * KERNEL_IMAGE_SIZE: 0xffffffffa0000000 - 0xffffffff80000000 < 2 * 0x20000000 = 1');
  assert.equal(rs[1].site.message, '"modules start off a PMD"');
  assert.equal(rs[2].site.message, undefined);
  assert.equal(rs[3].site.message, '"modules fit in one PUD"');
  assert.equal(rs[2].outcome!.value, 0n, 'static_assert fails on 0');
  assert.ok(rs[2].outcome!.chain.some((c) => c.startsWith('MODULES_LEN = MODULES_END - MODULES_VADDR')), rs[2].outcome!.chain.join('\n'));
});

test('malformed sites and unbalanced parentheses: skipped as malformed, the scan goes on, no crash', () => {
  const text = fs.readFileSync(path.join(DIR, 'malformed.c'), 'utf8');
  const sites = findAssertionSites(text);
  const bad = sites.filter((s) => s.malformed);
  assert.deepEqual(bad.map((s) => s.malformed), [
    "';' before the closing parenthesis", 'empty condition', 'BUILD_BUG_ON_MSG takes 2 arguments, not 1',
    'static_assert takes 1 or 2 arguments, not 3', "unbalanced ']'", 'no closing parenthesis',
  ]);
  const good = sites.filter((s) => !s.malformed);
  assert.deepEqual(good.map((s) => [s.line, s.condition]), [[10, 'MODULES_VADDR < __START_KERNEL_map']]);
  const rs = results('malformed.c');
  assert.equal(rs.filter((r) => r.outcome?.reason === 'malformed').length, 6);
  assert.equal(rs.find((r) => !r.site.malformed)?.outcome?.status, 'held');
  // truncated and hostile texts
  for (let cut = 0; cut < text.length; cut += 7) assert.doesNotThrow(() => findAssertionSites(text.slice(0, cut)));
  for (const t of ['BUILD_BUG_ON', 'BUILD_BUG_ON(', 'static_assert((((((', 'x /* BUILD_BUG_ON(1)', '"BUILD_BUG_ON(1)', "BUILD_BUG_ON('(')", 'BUILD_BUG_ON(' + '('.repeat(20000)]) {
    assert.doesNotThrow(() => findAssertionSites(t), t.slice(0, 30));
  }
  assert.equal(findAssertionSites("BUILD_BUG_ON(')' == 0)")[0].condition, "')' == 0");
  assert.equal(findAssertionSites('x.BUILD_BUG_ON(1); p->static_assert(1);').length, 0);
  assert.equal(findAssertionSites('#define CHECK() BUILD_BUG_ON(1)\n#define X \\\n  BUILD_BUG_ON(2)\nBUILD_BUG_ON(3);').map((s) => s.condition).join(), '3');
});

test('layout macros: recipe names, geometry and boundaries; other assertions are not on them', () => {
  const recipe = builtinRecipeNames();
  assert.ok(recipe.has('MODULES_VADDR') && recipe.has('VMALLOC_START') && !recipe.has('CONFIG_X86_5LEVEL') && !recipe.has('_AC'));
  assert.ok(recipeNames([{ regions: [{ start: 'FOO_BASE + _AC(1, UL)', size: 'BAR_LEN' }] }]).has('BAR_LEN'));
  for (const n of ['PMD_SIZE', 'PGDIR_SHIFT', '__START_KERNEL_map', 'CPU_ENTRY_AREA_BASE', 'FIXADDR_TOP', 'TASK_SIZE']) assert.ok(isLayoutName(n, new Set()), n);
  for (const n of ['SLOT_COUNT', 'NR_CPUS', 'ARRAY_SIZE', 'vaddr_start', 'BUF_SIZE']) assert.ok(!isLayoutName(n, new Set()), n);
  const sites = findAssertionSites(fs.readFileSync(path.join(DIR, 'holds.c'), 'utf8'));
  const local = (n: string) => (n === 'LOCAL_LIMIT' ? ['MODULES_VADDR', 'PMD_SIZE'] : undefined);
  const on = sites.filter((s) => onLayoutMacros(s, recipe, local)).map((s) => s.condition);
  assert.ok(on.includes('LOCAL_LIMIT > MODULES_END') && !on.includes('SLOT_COUNT > 16'), on.join(' | '));
  assert.ok(onLayoutMacros({ ...sites[0], names: ['LIMIT_OF_MODULES'] }, recipe, (n) => (n === 'LIMIT_OF_MODULES' ? ['LOCAL_LIMIT'] : local(n))));
});

test('which assertions can read a header: never another architecture\'s (an x86 header and arch/arc/)', () => {
  const x86 = getPreset('linux-x86_64-4level')!, arm64 = getPreset('linux-arm64-4k-48bit')!;
  const hdr = '/t/arch/x86/include/asm/pgtable_64_types.h';
  assert.equal(assertionMayRead('/t/arch/arc/mm/highmem.c', hdr, x86), false);
  assert.equal(assertionMayRead('/t/arch/x86/kernel/head64.c', hdr, x86), true);
  assert.equal(assertionMayRead('/t/mm/vmalloc.c', hdr, x86), true);
  // a generic header: the generic code and its layout's architecture
  const gen = '/t/include/linux/mm.h';
  assert.equal(assertionMayRead('/t/arch/arm64/mm/mmu.c', gen, arm64), true);
  assert.equal(assertionMayRead('/t/arch/arm64/mm/mmu.c', gen, x86), false);
  assert.equal(assertionMayRead('/t/kernel/fork.c', gen, x86), true);
});
