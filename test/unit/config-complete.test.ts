// With a whole kernel configuration known (kconfig.ts), a CONFIG_ it does not list is not set, as for
// gcc: the preprocessing walk judges #ifdef, defined() and IS_ENABLED() of such a name false instead of
// keeping both branches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/engine/source';

const TEXT = [
  '#ifdef CONFIG_MISSING', '#define A_START 1', '#else', '#define A_START 2', '#endif',
  '#if IS_ENABLED(CONFIG_MISSING) || defined(CONFIG_ALSO_MISSING)', '#define B_START 1', '#endif',
  '#ifdef CONFIG_LISTED', '#define C_START 3', '#endif', '',
].join('\n');

test('a configuration that is complete decides every CONFIG_ it does not list: not set', () => {
  const activity = (configComplete: boolean) => analyzeText(TEXT, { file: 'x.h', family: 'c', defines: { CONFIG_LISTED: true }, configComplete })
    .definitions.map((d) => `${d.name}:${d.activity}`);
  assert.deepEqual(activity(false), ['A_START:conditional', 'A_START:conditional', 'B_START:conditional', 'C_START:active']);
  assert.deepEqual(activity(true), ['A_START:inactive', 'A_START:active', 'B_START:inactive', 'C_START:active']);
  const a = analyzeText(TEXT, { file: 'x.h', family: 'c', defines: { CONFIG_LISTED: true }, configComplete: true });
  assert.deepEqual(a.deriveName('A_START').alternatives.map((x) => x.value), [2n], 'one value, no alternatives');
});
