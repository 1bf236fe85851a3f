// compile_commands.json read fully: shell words, every include/define option, response files,
// relative paths, and the unit whose flags a header or .S file takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitCommand, parseFlags, parseCompileCommands, CompileDatabase, searchPath, resolvePath } from '../../src/engine/source';

test('POSIX word splitting: quotes, backslashes, no expansion', () => {
  assert.deepEqual(splitCommand(`gcc -DKBUILD_MODFILE='"mm/init"' -DX=$HOME -I$(srctree)/x "a b" c\\ d e"f g"h '' x`), [
    'gcc', '-DKBUILD_MODFILE="mm/init"', '-DX=$HOME', '-I$(srctree)/x', 'a b', 'c d', 'ef gh', '', 'x',
  ]);
  assert.deepEqual(splitCommand('a "b \\" \\\\ \\$ \\n" c'), ['a', 'b " \\ $ \\n', 'c']);
  assert.deepEqual(splitCommand('  one\ttwo\nthree  '), ['one', 'two', 'three']);
  assert.equal(splitCommand('gcc "unterminated'), undefined);
  assert.equal(splitCommand("gcc 'unterminated"), undefined);
  assert.deepEqual(splitCommand(''), []);
});

test('every option, attached or separate, paths against the directory, -D/-U in order', () => {
  const f = parseFlags([
    '-nostdinc', '-I', 'include', '-Iarch/x86/include', '-isystem', '/usr/lib/gcc/include', '-isystem/opt/sys', '-iquote', 'q', '-iquoteq2',
    '-idirafter', '../after', '-include', './include/linux/kconfig.h', '-include/abs/compiler_types.h', '-imacros', 'm.h',
    '-D__KERNEL__', '-D', 'A=1', '-DB=', '-DC="x y"', '-UA', '-DA=2', '-UGONE', '--include-directory=inc2', '-O2', '-c', 'mm/init.c',
  ], '/build/o');
  assert.deepEqual(f.includeDirs, ['/build/o/include', '/build/o/arch/x86/include', '/build/o/inc2']);
  assert.deepEqual(f.systemDirs, ['/usr/lib/gcc/include', '/opt/sys']);
  assert.deepEqual(f.quoteDirs, ['/build/o/q', '/build/o/q2']);
  assert.deepEqual(f.afterDirs, ['/build/after']);
  assert.deepEqual(f.forcedIncludes, ['/build/o/include/linux/kconfig.h', '/abs/compiler_types.h']);
  assert.deepEqual(f.macroIncludes, ['/build/o/m.h']);
  assert.deepEqual(f.defines, { __KERNEL__: '1', B: ' ', C: '"x y"', A: '2', GONE: null });
  assert.equal(f.nostdinc, true);
  assert.deepEqual(searchPath(f, true), ['/build/o/q', '/build/o/q2', '/build/o/include', '/build/o/arch/x86/include', '/build/o/inc2', '/usr/lib/gcc/include', '/opt/sys', '/build/after']);
  assert.deepEqual(searchPath(f, false).slice(0, 1), ['/build/o/include']);
  assert.deepEqual(parseFlags(['-I'], '/').problems, ['-I without a value']);
  assert.deepEqual(parseFlags(['-D1X'], '/').problems, ['-D1X: not a macro name']);
});

test('@response files, nested, relative to the directory; unreadable ones named', () => {
  const files: Record<string, string> = { '/b/flags.rsp': '-Iinc "-DQ=a b" @more.rsp', '/b/more.rsp': '-include k.h', '/b/loop.rsp': '@loop.rsp' };
  const f = parseFlags(['@flags.rsp', '@missing.rsp', '-DZ'], '/b', { readFile: (p) => files[p] });
  assert.deepEqual(f.includeDirs, ['/b/inc']);
  assert.deepEqual(f.defines, { Q: 'a b', Z: '1' });
  assert.deepEqual(f.forcedIncludes, ['/b/k.h']);
  assert.deepEqual(f.problems, ['@missing.rsp: response file not readable']);
  assert.match(parseFlags(['@loop.rsp'], '/b', { readFile: (p) => files[p] }).problems[0], /nested too deep/);
});

test('the database: entries, bad entries named, command or arguments', () => {
  const p = parseCompileCommands(JSON.stringify([
    { directory: '/b', file: 'mm/init.c', command: 'gcc -nostdinc -Iinclude -c mm/init.c' },
    { directory: '/b', file: '/src/kernel/fork.c', arguments: ['gcc', '-nostdinc', '-I/src/include', '-c', 'fork.c'] },
    { file: 'x.c' }, 3,
  ]));
  assert.equal(p.entries.length, 2);
  assert.equal(p.entries[0].file, '/b/mm/init.c');
  assert.deepEqual(p.problems, ['compile_commands.json: entry 2 needs "directory", "file" and "arguments" or "command"', 'compile_commands.json: entry 3 needs "directory", "file" and "arguments" or "command"']);
  assert.match(parseCompileCommands('{').problems[0], /^compile_commands\.json: not JSON/);
  assert.deepEqual(parseCompileCommands('{}').problems, ['compile_commands.json: expected an array of entries']);
});

test('a header takes the flags of a unit that includes it, a .S those of its sibling .c, host tools last', () => {
  const src: Record<string, string> = {
    '/s/mm/init.c': '#include <linux/mm.h>\n#include "internal.h"\n',
    '/s/kernel/fork.c': '#include <asm/pgtable.h>\n',
    '/s/arch/x86/kernel/head64.c': '#include <asm/setup.h>\n',
  };
  const cmd = (file: string, extra: string) => ({ directory: '/o', file, command: `gcc -nostdinc -I/s/arch/x86/include -I/s/include -include /s/include/linux/kconfig.h ${extra} -c ${file}` });
  const db = new CompileDatabase(parseCompileCommands(JSON.stringify([
    { directory: '/o', file: '/o/scripts/tool.c', arguments: ['gcc', '-I/usr/include', '-c', 'tool.c'] },
    cmd('/s/mm/init.c', '-DUNIT=1'), cmd('/s/kernel/fork.c', '-DUNIT=2'), cmd('/s/arch/x86/kernel/head64.c', '-DUNIT=3'),
  ])).entries, { readFile: (p) => src[p] });
  const unit = (f: string) => { const c = db.flagsFor(f)!; return [c.unit, c.how, c.flags.defines.UNIT]; };
  assert.deepEqual(unit('/s/mm/init.c'), ['/s/mm/init.c', 'listed', '1']);
  assert.deepEqual(unit('/s/arch/x86/include/asm/pgtable.h'), ['/s/kernel/fork.c', 'includer', '2']);
  assert.deepEqual(unit('/s/mm/internal.h'), ['/s/mm/init.c', 'includer', '1']);
  assert.deepEqual(unit('/s/arch/x86/kernel/head64.S'), ['/s/arch/x86/kernel/head64.c', 'sibling', '3']);
  assert.deepEqual(unit('/s/arch/x86/kernel/entry.S'), ['/s/arch/x86/kernel/head64.c', 'sibling', '3']);
  // not included anywhere: the nearest kernel unit, never the host tool
  assert.deepEqual(unit('/s/arch/x86/include/asm/other.h'), ['/s/arch/x86/kernel/head64.c', 'nearest', '3']);
  assert.deepEqual(db.flagsFor('/s/arch/x86/include/asm/pgtable.h')!.flags.forcedIncludes, ['/s/include/linux/kconfig.h']);
  assert.equal(new CompileDatabase([]).flagsFor('/x.h'), undefined);
});

test('paths: resolvePath folds . and ..', () => {
  assert.equal(resolvePath('/a/b', '../c/./d'), '/a/c/d');
  assert.equal(resolvePath('/a', '/x/../y'), '/y');
  assert.equal(resolvePath('/', '../..'), '/');
});
