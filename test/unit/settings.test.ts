// The settings as typed values (src/context/settings.ts): hand-edited values that are not usable
// fall back to the defaults, and the workspace-trust rule of the settings that point at files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import {
  booleanFrom, compileCommandsFrom, customLayoutFileFrom, definesFrom, includeDirsFrom, isInside, layoutSetting, maxFileBytesFrom, maxFilesFrom,
  physicalAddressBitsFrom, severitiesFrom,
} from '../../src/context/settings';

const FOLDER = path.resolve('/ws/kernel');

test('defines: an object as written, a list of NAME and NAME=value, anything else is no define', () => {
  assert.deepEqual(definesFrom({ CONFIG_X86_5LEVEL: true, CONFIG_PGTABLE_LEVELS: 5, page_offset_base: '0xffff888000000000', CONFIG_KASAN: null, bad: [1] }),
    { CONFIG_X86_5LEVEL: true, CONFIG_PGTABLE_LEVELS: 5, page_offset_base: '0xffff888000000000', CONFIG_KASAN: null });
  assert.deepEqual(definesFrom(['CONFIG_X86_5LEVEL', 'PAGE_OFFSET_BASE=0xffff888000000000', '', 7]), { CONFIG_X86_5LEVEL: true, PAGE_OFFSET_BASE: '0xffff888000000000' });
  assert.deepEqual(definesFrom(5), {});
  assert.deepEqual(definesFrom('CONFIG_X'), {});
  assert.deepEqual(definesFrom(null), {});
});

test('include paths: ${workspaceFolder} and relative entries resolve against the folder; not a list gives none', () => {
  assert.deepEqual(includeDirsFrom(['include', '${workspaceFolder}/arch/x86/include', '/usr/include'], FOLDER, true),
    [path.join(FOLDER, 'include'), path.join(FOLDER, 'arch/x86/include'), path.resolve('/usr/include')]);
  assert.deepEqual(includeDirsFrom('not-a-list', FOLDER, true), []);
  assert.deepEqual(includeDirsFrom([3, null, ''], FOLDER, true), []);
});

test('untrusted workspace: include directories outside the folder are ignored (by path, not by string prefix)', () => {
  const dirs = includeDirsFrom(['include', '/usr/include', '../outside', '/ws/kernel-other/include', '${workspaceFolder}/arch'], FOLDER, false);
  assert.deepEqual(dirs, [path.join(FOLDER, 'include'), path.join(FOLDER, 'arch')]);
  assert.ok(isInside(FOLDER, FOLDER));
  assert.ok(!isInside(path.resolve('/ws/kernel-other'), FOLDER));
});

test('untrusted workspace: the compileCommands setting is ignored; trusted, it is used as written', () => {
  assert.equal(compileCommandsFrom('build/compile_commands.json', true), 'build/compile_commands.json');
  assert.equal(compileCommandsFrom('build/compile_commands.json', false), '');
  assert.equal(compileCommandsFrom(42, true), '');
});

test('numbers and switches out of range fall back to the defaults', () => {
  assert.equal(physicalAddressBitsFrom(46), 46);
  assert.equal(physicalAddressBitsFrom('lots'), 52);
  assert.equal(physicalAddressBitsFrom(80), 52);
  assert.equal(physicalAddressBitsFrom(46.5), 52);
  assert.equal(maxFileBytesFrom(2), 2 * 1024 * 1024);
  assert.equal(maxFileBytesFrom(-3), 8 * 1024 * 1024);
  assert.equal(maxFileBytesFrom(Infinity), 8 * 1024 * 1024);
  // pagingLayout.workspaceIndex.maxFiles: a positive whole number, else no limit (0)
  assert.equal(maxFilesFrom(20000), 20000);
  for (const v of [0, -5, 2.5, '100', null, undefined, Infinity]) assert.equal(maxFilesFrom(v), 0, String(v));
  assert.equal(booleanFrom('no', true), true);
  assert.equal(booleanFrom(false, true), false);
  assert.equal(customLayoutFileFrom('  layouts/lab.json '), 'layouts/lab.json');
  assert.equal(customLayoutFileFrom(3), '');
});

test('rule severities: only the five severity words are taken', () => {
  const set: Record<string, unknown> = { PL001: 'error', PL002: 'off', PL003: 'loud', PL004: 3 };
  assert.deepEqual(severitiesFrom((code) => set[code]), { PL001: 'error', PL002: 'off' });
});

test('the layout setting: a blank id is the default layout; whether it was set is kept', () => {
  assert.deepEqual(layoutSetting(' linux-x86_64-2.6.27 ', true), { id: 'linux-x86_64-2.6.27', explicit: true });
  assert.deepEqual(layoutSetting('', false), { id: 'linux-x86_64-4level', explicit: false });
  assert.deepEqual(layoutSetting(undefined, false), { id: 'linux-x86_64-4level', explicit: false });
});
