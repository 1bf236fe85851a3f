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

test('the whole command: -D/-U in order, -iquote, -idirafter, @response files, a shell-quoted command; a header takes the flags of a unit that includes it', () => {
  const ws = folder();
  fs.writeFileSync(path.join(ws, 'flags.rsp'), '-DFROM_RSP=7 -Irsp/include');
  fs.mkdirSync(path.join(ws, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'lib/user.c'), '#include "../hdr/layout.h"\n');
  write(path.join(ws, 'compile_commands.json'), [
    { directory: ws, file: 'lib/user.c', command: `gcc -iquote quoted -Iinc -idirafter late "-DNAME=\\"a b\\"" -DGONE=1 -UGONE -DKBUILD_MODNAME='"user"' @flags.rsp -c lib/user.c` },
  ]);
  const f = new CompileCommands().flags(path.join(ws, 'hdr/layout.h'), ws, '');
  assert.equal(f.unit, path.join(ws, 'lib/user.c'));
  assert.deepEqual(f.includeDirs, [path.join(ws, 'quoted'), path.join(ws, 'inc'), path.join(ws, 'rsp/include'), path.join(ws, 'late')]);
  assert.equal(f.defines.NAME, '"a b"');
  assert.equal(f.defines.GONE, null);
  assert.equal(f.defines.FROM_RSP, '7');
  assert.equal('KBUILD_MODNAME' in f.defines, false);
});
