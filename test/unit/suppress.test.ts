// Inline suppressions: `paging-layout: ignore PLxxx -- reason` on a finding's line or the line before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySuppressions, parseSuppressions, checkText, shownFindings } from '../../src/engine/rules';
import { getPreset } from '../../src/engine/paging';

const L4 = getPreset('linux-x86_64-4level')!;
const check = (text: string, file = '/k/mm/x.h') => checkText(text, file, { layout: L4, family: file.endsWith('.lds') ? 'ld' : file.endsWith('.S') ? 'gas' : 'c' });

test('a suppression with a reason covers its rule on its own line and on the line after the comment', () => {
  const text = [
    '#define SCRATCH_VADDR _AC(0xffff7fffffff0000, UL) /* paging-layout: ignore PL001 -- probe of the hole, never mapped */',
    '/* paging-layout: ignore PL001 -- the next definition is a probe too */',
    '#define PROBE_VADDR _AC(0xffff7fffffff1000, UL)',
    '#define OTHER_VADDR _AC(0xffff7fffffff2000, UL)',
    '',
  ].join('\n');
  const f = check(text);
  assert.deepEqual(f.map((x) => `${x.code}@${x.range.line}`), ['PL001@0', 'PL001@2', 'PL001@3']);
  const r = applySuppressions(f, text);
  assert.deepEqual(r.kept.map((x) => x.range.line), [3]);
  assert.deepEqual(r.suppressed.map((s) => [s.finding.range.line, s.suppression.reason]), [[0, 'probe of the hole, never mapped'], [2, 'the next definition is a probe too']]);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.unused, []);
});

test('a suppression names its rules: another rule on the same line is still reported', () => {
  const text = '#define EARLY_MAP_START _AC(0xffff810000000000, UL) // paging-layout: ignore PL001 -- not this rule\n';
  const f = checkText(text, '/k/mm/x.h', { layout: getPreset('linux-x86_64-2.6.27')!, family: 'c' });
  assert.deepEqual(f.map((x) => x.code), ['PL005']);
  const r = applySuppressions(f, text);
  assert.deepEqual(r.kept.map((x) => x.code), ['PL005']);
  assert.equal(r.unused.length, 1, 'the PL001 suppression covers nothing');
});

test('several codes, ignore-file, and every comment style (C, C++, asm #, ;, @)', () => {
  const p = parseSuppressions([
    '// paging-layout: ignore-file PL003 -- test data: the ranges overlap on purpose',
    '/* paging-layout: ignore PL001, PL005 -- two rules */',
    '# paging-layout: ignore pl004 -- lower-case codes are accepted',
    '\tmovq $0xffff7fffffff0000, %rax ; paging-layout: ignore PL001 -- nasm-style comment',
    '@ paging-layout: ignore PL002 PL008 -- arm assembler comment, codes separated by blanks',
    ' * paging-layout: ignore PL006 -- inside a block comment',
    '',
  ].join('\n'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.suppressions.map((s) => [s.scope, s.codes.join('+'), s.lines.join(',')]), [
    ['file', 'PL003', ''], ['line', 'PL001+PL005', '1,2'], ['line', 'PL004', '2,3'], ['line', 'PL001', '3,4'], ['line', 'PL002+PL008', '4,5'], ['line', 'PL006', '5,6'],
  ]);
  const text = '// paging-layout: ignore-file PL003 -- test data\n#define A_START 0x80000000\n#define A_END 0xc0000000\n#define B_START 0xb0000000\n#define B_END 0xd0000000\n';
  const f = check(text, '/k/drivers/acme/t.h');
  assert.deepEqual(f.map((x) => x.code), ['PL003']);
  assert.equal(applySuppressions(f, text).kept.length, 0);
});

test('a block comment over several lines covers the line after its end', () => {
  const text = '/*\n * paging-layout: ignore PL001 -- a probe\n * of the hole\n */\n#define PROBE_VADDR _AC(0xffff7fffffff1000, UL)\n';
  const f = check(text);
  assert.deepEqual(f.map((x) => x.range.line), [4]);
  assert.equal(applySuppressions(f, text).kept.length, 0);
});

test('a suppression without a reason, with an unknown rule or a misspelt directive is not applied and says why', () => {
  const text = [
    '/* paging-layout: ignore PL001 */',
    '#define PROBE_VADDR _AC(0xffff7fffffff1000, UL)',
    '/* paging-layout: ignore PL001 -- */',
    '#define PROBE2_VADDR _AC(0xffff7fffffff2000, UL)',
    '// paging-layout: ignore PL099 -- no such rule',
    '// paging-layout: ingore PL001 -- misspelt',
    '// paging-layout: ignore -- no rule named',
    '',
  ].join('\n');
  const r = applySuppressions(check(text), text);
  assert.deepEqual(r.kept.map((x) => x.range.line), [1, 3]);
  assert.deepEqual(r.problems.map((p) => [p.code, p.range.line]), [['PL000', 0], ['PL000', 2], ['PL000', 4], ['PL000', 5], ['PL000', 6]]);
  assert.match(r.problems[0].message, /ignore PL001 has no reason: add "-- why the finding does not apply"; the suppression is not applied/);
  assert.match(r.problems[2].message, /unknown rule \('PL099'\)/);
  assert.match(r.problems[3].message, /unknown paging-layout directive 'ingore'/);
  assert.match(r.problems[4].message, /names no rule/);
  assert.deepEqual(r.problems[0].range, { line: 0, character: 3, endLine: 0, endCharacter: 30 });
});

test('the marker outside a comment (a string) is not a suppression; the cost is one search for a text without it', () => {
  assert.deepEqual(parseSuppressions('const char *s = "paging-layout: ignore PL001 -- in a string";\n'), { suppressions: [], problems: [] });
  const big = '#define X 1\n'.repeat(200_000);
  const t0 = process.hrtime.bigint();
  assert.deepEqual(applySuppressions([], big), { kept: [], suppressed: [], problems: [], unused: [] });
  assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 200);
  // Many directives: linear.
  const many = '/* paging-layout: ignore PL001 -- r */\n'.repeat(20_000);
  const t1 = process.hrtime.bigint();
  assert.equal(parseSuppressions(many).suppressions.length, 20_000);
  assert.ok(Number(process.hrtime.bigint() - t1) / 1e6 < 1000);
});

test('shownFindings: what the editor shows — covered findings left out, unapplied suppressions as PL000 at their severity', () => {
  const text = '#define A_VADDR 0xffff7fffffff0000UL /* paging-layout: ignore PL001 -- board window */\n/* paging-layout: ignore PL005 */\n#define EARLY_MAP_START 0xffff810000000000UL\n';
  const findings = checkText(text, 'x.h', { layout: getPreset('linux-x86_64-2.6.27')!, family: 'c' });
  assert.deepEqual(findings.map((f) => f.code).sort(), ['PL001', 'PL005']);
  const shown = shownFindings(findings, text, 'x.h');
  assert.deepEqual(shown.map((f) => `${f.code}@${f.range.line}:${f.severity}`).sort(), ['PL000@1:warning', 'PL005@2:warning']);
  assert.deepEqual(shownFindings(findings, text, 'x.h', 'error').filter((f) => f.code === ('PL000' as string)).map((f) => f.severity), ['error']);
  assert.deepEqual(shownFindings(findings, text, 'x.h', 'off').map((f) => f.code), ['PL005']);
  // Without a marker the findings are passed through.
  assert.deepEqual(shownFindings(findings, 'no comments', 'x.h'), findings);
});
