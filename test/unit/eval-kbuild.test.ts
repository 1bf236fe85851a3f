// `paging-layout eval NAME --kbuild DIR` on a fixture tree written for these tests: an in-tree x86-64
// build (.config), an arm64 O= build directory (its `source` link made here), a compile_commands.json
// with -include. The values are checked against gcc compiling the same headers with Kbuild's flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { run } from '../../src/cli/eval';
import { parseDotConfig, findKbuild, kbuildIncludeDirs, findDefinitions, kbuildMode, sitesRead } from '../../src/engine/source';
import { nodeKbuildFS } from '../../src/cli/common';

const FIX = path.resolve(__dirname, '../../../test/fixtures/kbuild');
const TREE = path.join(FIX, 'tree');
const hasGcc = spawnSync('gcc', ['--version']).status === 0;

function cli(...args: string[]): { code: number; out: string; err: string } {
  let out = '', err = '';
  const code = run(args, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}
const json = (...args: string[]) => { const r = cli(...args, '--json'); return { ...r, j: JSON.parse(r.out || '{}') }; };

/** An O= build directory for arm64 in a temporary folder: the fixture's files, a `source` link, compile_commands.json. */
function arm64Build(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-kb-arm64-'));
  fs.cpSync(path.join(FIX, 'build-arm64'), dir, { recursive: true });
  fs.symlinkSync(TREE, path.join(dir, 'source'));
  const tpl = fs.readFileSync(path.join(dir, 'compile_commands.json.in'), 'utf8');
  fs.writeFileSync(path.join(dir, 'compile_commands.json'), tpl.replaceAll('@BUILD@', dir).replaceAll('@SRC@', TREE));
  return dir;
}

/** gcc's value of each name: a program compiled with Kbuild's flags for the fixture tree prints them. */
function gccValues(arch: string, buildDir: string, headers: string[], names: string[], configText: string): Map<string, bigint> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-kb-gcc-'));
  const gen = path.join(tmp, 'include/generated');
  fs.mkdirSync(gen, { recursive: true });
  const cfg = parseDotConfig(configText);
  fs.writeFileSync(path.join(gen, 'autoconf.h'), [...cfg.values].filter(([, v]) => v !== null).map(([k, v]) => `#define ${k} ${v}`).join('\n') + '\n');
  const inc = kbuildIncludeDirs(TREE, buildDir, arch).flatMap((d) => ['-I', d]);
  const unit = path.join(tmp, 'u.c');
  const slow = 'int slow_log2_32(unsigned int n) { return -1; } int slow_log2_64(unsigned long long n) { return -1; }';
  fs.writeFileSync(unit, `${headers.map((h) => `#include <${h}>`).join('\n')}\nint printf(const char *, ...);\n${slow}\nint main(void) {\n${names.map((n) => `  printf("%llu\\n", (unsigned long long)(${n}));`).join('\n')}\n  return 0;\n}\n`);
  const exe = path.join(tmp, 'u');
  const r = spawnSync('gcc', ['-O2', '-w', '-nostdinc', ...inc, '-I', path.join(tmp, 'include'), '-include', path.join(TREE, 'include/linux/kconfig.h'), '-include', path.join(TREE, 'include/linux/compiler_types.h'), '-D__KERNEL__', '-o', exe, unit], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = spawnSync(exe, [], { encoding: 'utf8' }).stdout.trim().split('\n');
  fs.rmSync(tmp, { recursive: true, force: true });
  return new Map(names.map((n, i) => [n, BigInt(out[i])]));
}

const X86_NAMES = ['PROT_DEFAULT', 'SLAB_ALIGN_FIX', 'PTRS_PER_PGD', 'MODULES_VADDR', 'MODULES_LEN', 'KERNEL_IMAGE_SIZE', 'PTE_SHIFT', 'PGDIR_SHIFT', 'FIXADDR_SIZE', 'FIXADDR_START', 'MAP_FLAG_TAGGED', 'MAPBIT_LAST', 'MAPBIT_LAST_MASK', 'FEATURE_WINDOW'];

test('in-tree x86-64 build: the configuration decides every #if, the CLI finds each definition, values as gcc', () => {
  const want = hasGcc ? gccValues('x86', TREE, ['asm/fixmap.h', 'asm/pgtable_64_types.h', 'linux/layout_flags.h', 'linux/slab_fix.h', 'asm/prot.h'], X86_NAMES, fs.readFileSync(path.join(TREE, '.config'), 'utf8')) : undefined;
  for (const name of X86_NAMES) {
    const r = json(name, '--kbuild', TREE);
    assert.equal(r.code, 0, `${name}: ${r.out}${r.err}`);
    assert.equal(r.j.alternatives, undefined, `${name}: one value with the configuration known`);
    assert.deepEqual(r.j.dependsOn, []);
    if (want) assert.equal(BigInt(r.j.value), want.get(name), name);
    assert.equal(r.j.kbuild.arch, 'x86_64');
    assert.equal(r.j.kbuild.mode, 'x86_64-4level');
    assert.equal(r.j.kbuild.configSource, '.config');
    assert.equal(r.j.kbuild.sourceTree, TREE);
    assert.equal(r.j.kbuild.buildDir, TREE);
    assert.deepEqual(r.j.runtimeAssumptions, []);
  }
  const m = json('MODULES_VADDR', '--kbuild', TREE).j;
  assert.equal(m.value, '0xffffffffc0000000');
  // the 64-bit header, not pgtable_32_areas.h; __START_KERNEL_map from page_64_types.h (never tools/)
  assert.deepEqual(m.kbuild.definitions.map((d: { name: string; file: string }) => [d.name, path.relative(TREE, d.file)]), [
    ['MODULES_VADDR', 'arch/x86/include/asm/pgtable_64_types.h'], ['__START_KERNEL_map', 'arch/x86/include/asm/page_64_types.h'],
  ]);
  assert.deepEqual(m.kbuild.forcedIncludes.map((f: { file: string; processed: boolean }) => [path.relative(TREE, f.file), f.processed]), [
    ['include/linux/kconfig.h', true], ['include/linux/compiler_types.h', false],
  ]);
  assert.deepEqual(m.steps[0].chain, ['MODULES_VADDR', '__START_KERNEL_map + KERNEL_IMAGE_SIZE', '0xffffffff80000000 + 0x40000000', '0xffffffffc0000000']);
  // of two headers defining it, the one an x86-64 build reads (pgtable-2level_types.h comes first by name)
  assert.equal(path.relative(TREE, json('PTRS_PER_PGD', '--kbuild', TREE).j.kbuild.definitions[0].file), 'arch/x86/include/asm/pgtable_64_types.h');
  // an asm-generic definition is read through the architecture's <asm/prot.h>, which defines what it tests
  const prot = json('PROT_DEFAULT', '--kbuild', TREE).j;
  assert.equal(prot.value, '0x0000000000000161');
  assert.equal(path.relative(TREE, prot.kbuild.definitions[0].file), 'include/asm-generic/prot.h');
  // the architecture's definition is under an unset CONFIG_: the generic fallback is the one
  assert.equal(path.relative(TREE, json('SLAB_ALIGN_FIX', '--kbuild', TREE).j.kbuild.definitions[0].file), 'include/linux/slab_fix.h');
  // an enum whose members depend on the configuration (a set, an unlisted and a module symbol)
  assert.equal(json('MAPBIT_LAST', '--kbuild', TREE).j.value, '0x0000000000000003');
  assert.equal(json('FIXADDR_SIZE', '--kbuild', TREE).j.value, '0x0000000000402000');
});

test('text output names the context, the defining headers, and is found from a subdirectory of the tree', () => {
  const r = cli('MODULES_VADDR', '--kbuild', path.join(TREE, 'arch/x86/include'));
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^MODULES_VADDR = __START_KERNEL_map \+ KERNEL_IMAGE_SIZE = 0xffffffff80000000 \+ 0x40000000 = 0xffffffffc0000000$/m);
  assert.match(r.out, /context: x86_64 build .*tree \(source .*tree\), configuration \.config, paging mode x86_64-4level \(CONFIG_X86_64=y, CONFIG_X86_5LEVEL not set\)/);
  assert.match(r.out, /MODULES_VADDR defined in arch\/x86\/include\/asm\/pgtable_64_types\.h:15/);
  assert.match(r.out, /__START_KERNEL_map defined in arch\/x86\/include\/asm\/page_64_types\.h:6/);
});

test('x86-64 with 5-level paging chosen at boot: the runtime assumption is a JSON field', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-kb-x86-5l-'));
  fs.writeFileSync(path.join(dir, '.config'), fs.readFileSync(path.join(TREE, '.config'), 'utf8').replace('# CONFIG_X86_5LEVEL is not set', 'CONFIG_X86_5LEVEL=y').replace('CONFIG_PGTABLE_LEVELS=4', 'CONFIG_PGTABLE_LEVELS=5'));
  fs.symlinkSync(TREE, path.join(dir, 'source'));
  const r = json('PGDIR_SHIFT', '--kbuild', dir);
  assert.equal(r.code, 0, r.out);
  assert.equal(r.j.value, '0x0000000000000030');
  assert.equal(r.j.kbuild.mode, 'x86_64-5level');
  assert.equal(r.j.kbuild.buildDir, dir);
  assert.equal(r.j.kbuild.sourceTree, TREE);
  assert.deepEqual(r.j.runtimeAssumptions, [{ name: 'pgtable_l5_enabled()', value: '1', note: 'CONFIG_X86_5LEVEL=y: the kernel chooses 5-level paging at boot when the CPU has LA57; the values assume it does' }]);
  assert.deepEqual(r.j.assumptions, ['pgdir_shift = 48 (active paging mode x86_64-5level)']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('arm64 O= build: source link, autoconf.h, arch from the configuration, -include of its compile command', () => {
  const dir = arm64Build();
  try {
    const names = ['PAGE_OFFSET', 'VA_BITS', 'MODULES_END', 'KIMAGE_VADDR', 'PHYS_TO_PTE_MASK', 'PTE_SOFT_BITS', 'PTE_ADDR_LOW'];
    let want: Map<string, bigint> | undefined;
    if (hasGcc) {
      // gcc with the unit's own -include (build_extra.h)
      const tmp = path.join(dir, 'gcc-extra.h');
      fs.writeFileSync(tmp, '#include "' + path.join(TREE, 'include/linux/build_extra.h') + '"\n');
      want = gccValues('arm64', dir, [tmp, 'asm/memory.h', 'asm/pgtable-hwdef.h'], names, fs.readFileSync(path.join(dir, '.config'), 'utf8'));
    }
    for (const n of names) {
      const r = json(n, '--kbuild', dir);
      assert.equal(r.code, 0, `${n}: ${r.out}`);
      if (want) assert.equal(BigInt(r.j.value), want.get(n), n);
      assert.equal(r.j.kbuild.arch, 'arm64');
      assert.equal(r.j.kbuild.mode, 'arm64-4k-48');
      assert.equal(r.j.kbuild.configSource, 'autoconf.h');
      assert.equal(r.j.kbuild.sourceTree, TREE);
    }
    const k = json('KIMAGE_VADDR', '--kbuild', dir).j;
    assert.equal(k.value, '0xffff800010000000');
    assert.deepEqual(k.kbuild.flagsFrom, { unit: path.join(TREE, 'mm/init.c'), how: 'includer' });
    assert.ok(k.kbuild.forcedIncludes.some((f: { file: string; processed: boolean }) => f.file.endsWith('build_extra.h') && f.processed));
    assert.equal(json('PAGE_OFFSET', '--kbuild', dir).j.value, '0xffff000000000000');
    // the paging helpers follow the architecture: PGDIR_SHIFT of arm64 4K/48, not x86-64's
    assert.equal(json('PGDIR_SHIFT', '--kbuild', dir).j.value, '0x0000000000000027');
    assert.equal(json('PTRS_PER_PTE', '--kbuild', dir).j.value, '0x0000000000000200');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a name only tools/ defines has no definition; bad build directories are one clear line, exit 2', () => {
  const t = cli('TOOLS_ONLY_NAME', '--kbuild', TREE);
  assert.equal(t.code, 1);
  assert.match(t.out, /^TOOLS_ONLY_NAME: cannot evaluate: TOOLS_ONLY_NAME: no definition in arch\/x86\/include\/asm, the other headers of arch\/x86\/include or include\/ of /);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-kb-none-'));
  for (const args of [['X', '--kbuild', empty], ['X', '--kbuild', path.join(empty, 'missing')], ['X', '--arch', 'x86']]) {
    const r = cli(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.out, '');
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /^paging-layout eval: /);
  }
  assert.match(cli('X', '--kbuild', empty).err, /no kernel build found \(no \.config here or in a parent/);
  // a .config without a source tree
  fs.writeFileSync(path.join(empty, '.config'), 'CONFIG_X86_64=y\n');
  assert.match(cli('X', '--kbuild', empty).err, /has a \.config but no kernel source tree/);
  fs.rmSync(empty, { recursive: true, force: true });
});

test('a pinned structure size reaches the evaluation (-D "sizeof(struct NAME)=N")', () => {
  const r = json('sizeof(struct page) * 2', '--kbuild', TREE, '-D', 'sizeof(struct page)=64');
  assert.equal(r.j.value, '0x0000000000000080');
  const n = json('sizeof(struct page) * 2', '--kbuild', TREE);
  assert.equal(n.code, 1);
  assert.deepEqual(n.j.needs, ['the size of struct page (pin it in pagingLayout.defines as "sizeof(struct page)")']);
});

test('engine: the context, the definition order and the mode, without the CLI', () => {
  const kfs = nodeKbuildFS();
  const r = findKbuild(path.join(TREE, 'include/linux'), kfs);
  assert.ok('context' in r);
  const ctx = r.context;
  assert.deepEqual(ctx.includeDirs.map((d) => path.relative(TREE, d)), ['arch/x86/include', 'arch/x86/include/generated', 'include', 'arch/x86/include/uapi', 'arch/x86/include/generated/uapi', 'include/uapi', 'include/generated/uapi']);
  assert.deepEqual(findDefinitions(ctx, 'MODULES_VADDR', kfs).map((s) => path.relative(TREE, s.file)), ['arch/x86/include/asm/pgtable_64_types.h', 'arch/x86/include/asm/pgtable_32_areas.h']);
  const pgd = findDefinitions(ctx, 'PTRS_PER_PGD', kfs);
  assert.deepEqual(pgd.map((s) => path.relative(TREE, s.file)), ['arch/x86/include/asm/pgtable-2level_types.h', 'arch/x86/include/asm/pgtable_64_types.h']);
  const judge = (a: { text: string; negated: boolean }) => (a.text === 'CONFIG_X86_32' ? a.negated : undefined);
  assert.deepEqual(sitesRead(ctx, pgd, kfs, judge).map((s) => path.relative(TREE, s.file)), ['arch/x86/include/asm/pgtable_64_types.h']);
  assert.deepEqual(sitesRead(ctx, pgd, kfs, (a) => (a.text === 'CONFIG_X86_32' ? !a.negated : undefined)).map((s) => path.relative(TREE, s.file)), ['arch/x86/include/asm/pgtable-2level_types.h']);
  assert.deepEqual(findDefinitions(ctx, 'SLOT_APIC', kfs).map((s) => [path.relative(TREE, s.file), s.kind, s.line]), [['arch/x86/include/asm/fixmap.h', 'enum', 11]]);
  const m = kbuildMode(ctx);
  assert.ok('mode' in m && m.mode.id === 'x86_64-4level');
  assert.equal(findKbuild(TREE, kfs, { arch: 'arm64' }).hasOwnProperty('context'), true);
});

test('--file with --kbuild: the given header, with the build\'s configuration and include paths', () => {
  const r = json('MODULES_VADDR', '--kbuild', TREE, '--file', path.join(TREE, 'arch/x86/include/asm/pgtable_32_areas.h'));
  assert.equal(r.code, 0);
  assert.equal(r.j.value, '0x00000000f8000000');
  assert.deepEqual(r.j.kbuild.definitions, []);
  // the configuration still decides (an unlisted CONFIG_ is not set)
  const f = json('FEATURE_WINDOW', '--kbuild', TREE, '--file', path.join(TREE, 'include/linux/layout_flags.h'));
  assert.equal(f.j.value, '0x0000000000000000');
  assert.equal(f.j.alternatives, undefined);
});
