// Include directories from compile_commands.json (src/context/compileCommands.ts), on real files in
// a temporary folder: the file's own entry, an entry of its directory, the first entry; `arguments`
// and `command` forms; the folder's build/ database; a changed database is read again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CompileCommands } from '../../src/context/compileCommands';

function folder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'paging-layout-cc-'));
}

function write(file: string, entries: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(entries));
}

test('the entry of the file itself, then one of its directory, then the first entry', () => {
  const ws = folder();
  write(path.join(ws, 'compile_commands.json'), [
    { directory: ws, file: 'init/main.c', arguments: ['gcc', '-Iinclude', '-I', 'arch/x86/include', '-isystem', '/usr/lib/gcc/include', '-c', 'init/main.c'] },
    { directory: ws, file: 'mm/init.c', command: 'gcc -Imm/include -DMM=1 -c mm/init.c' },
  ]);
  const cc = new CompileCommands();
  assert.deepEqual(cc.includeDirs(path.join(ws, 'init/main.c'), ws, ''), [path.join(ws, 'include'), path.join(ws, 'arch/x86/include'), '/usr/lib/gcc/include']);
  assert.deepEqual(cc.includeDirs(path.join(ws, 'mm/pgtable.h'), ws, ''), [path.join(ws, 'mm/include')]);
  assert.deepEqual(cc.includeDirs(path.join(ws, 'arch/x86/boot/head_64.S'), ws, ''), [path.join(ws, 'include'), path.join(ws, 'arch/x86/include'), '/usr/lib/gcc/include']);
});

test('without a setting, build/compile_commands.json is read when the folder has none at its root; a setting names another', () => {
  const ws = folder();
  write(path.join(ws, 'build', 'compile_commands.json'), [{ directory: path.join(ws, 'build'), file: '../kernel/fork.c', arguments: ['cc', '-I../include'] }]);
  const cc = new CompileCommands();
  assert.deepEqual(cc.includeDirs(path.join(ws, 'kernel/fork.c'), ws, ''), [path.join(ws, 'include')]);
  write(path.join(ws, 'out', 'cc.json'), [{ directory: ws, file: 'kernel/fork.c', arguments: ['cc', '-Igenerated'] }]);
  assert.deepEqual(cc.includeDirs(path.join(ws, 'kernel/fork.c'), ws, 'out/cc.json'), [path.join(ws, 'generated')]);
  assert.deepEqual(cc.includeDirs(path.join(ws, 'kernel/fork.c'), ws, 'missing.json'), []);
});

test('a database that is not a list, or not JSON, gives no directories; a rewritten one is read again', () => {
  const ws = folder();
  const db = path.join(ws, 'compile_commands.json');
  const cc = new CompileCommands();
  fs.writeFileSync(db, '{ "not": "a list" }');
  assert.deepEqual(cc.includeDirs(path.join(ws, 'a.c'), ws, ''), []);
  fs.writeFileSync(db, '[{ "file": 3, "arguments": [1, "-Ione"] }, truncated');
  assert.deepEqual(cc.includeDirs(path.join(ws, 'a.c'), ws, ''), []);
  write(db, [{ directory: ws, file: 'a.c', arguments: ['cc', '-Ione'] }]);
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(db, later, later);
  assert.deepEqual(cc.includeDirs(path.join(ws, 'a.c'), ws, ''), [path.join(ws, 'one')]);
});
