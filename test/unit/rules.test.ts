// Diagnostics rules PL001–PL009 on fixtures, and silence on a clean kernel-style header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { checkText, collectText, layoutAppliesToPath, RULE_CODES, runRules, typoCandidates, oneEditCandidates, Finding } from '../../src/engine/rules';
import { analyzeSparse, analyzeText } from '../../src/engine/source';
import { getPreset } from '../../src/engine/paging/layouts';
import { getMode } from '../../src/engine/paging/modes';
import { definedNames, mayDefineName, mayHaveFindings } from '../../src/engine/rules/values';

const FIX = path.resolve(__dirname, '../../../test/fixtures/diagnostics');
const L27 = getPreset('linux-x86_64-2.6.27')!;
const L4 = getPreset('linux-x86_64-4level')!;
const read = (f: string) => fs.readFileSync(path.join(FIX, f), 'utf8');
const check = (text: string, layout = L27, file = 'x.h', extra: object = {}) => checkText(text, file, { layout, family: 'c', ...extra });
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));
const codesAt = (fs_: Finding[], line: number) => fs_.filter((f) => f.range.line === line).map((f) => f.code);

test('every rule fires on its line of rules.h', () => {
  const text = read('rules.h');
  const f = check(text);
  const expect: [string, string][] = [
    ['SCRATCH_VADDR', 'PL001'], ['DIRECT_MAP_BASE', 'PL002'], ['TRACE_BUF_START', 'PL003'], ['PERCPU_AREA_START', 'PL004'],
    ['EARLY_MAP_START', 'PL005'], ['CRASH_PHYS_BASE', 'PL006'], ['SWAP_AREA_END', 'PL007'], ['HUGE_WINDOW_BASE', 'PL008'],
    ['USER_STACK_TOP', 'PL009'], ['__START_KERNEL_map', 'PL009'],
  ];
  for (const [name, code] of expect) assert.deepEqual(codesAt(f, lineOf(text, name)), [code], `${name}: ${f.filter((x) => x.range.line === lineOf(text, name)).map((x) => x.code + ' ' + x.message).join('; ')}`);
  assert.equal(f.length, expect.length, f.map((x) => `${x.code} ${x.message}`).join('\n'));
  // (PL010 reads documentation, not sources: check --docs, test/unit/docs.test.ts; PL011 reads build-time
  // assertions, not values: test/unit/assertions.test.ts and check-assertions.test.ts)
  assert.deepEqual([...new Set(f.map((x) => x.code))].sort(), RULE_CODES.filter((c) => c !== 'PL010' && c !== 'PL011'));
});

test('a clean kernel-style header gives zero diagnostics (masks, flags, poison, magic, hash, sentinels)', () => {
  for (const layout of [L4, L27]) assert.deepEqual(check(read('clean.h'), layout).map((x) => `${x.code} ${x.message}`), []);
});

test('PL001 canonicalize fix sign-extends and keeps the suffix and width', () => {
  const f = check('#define SCRATCH_VADDR _AC(0xffff7fffffff0000, UL)\n#define X_VADDR 0x0000900000000000UL\n');
  assert.equal(f[0].code, 'PL001');
  assert.equal(f[0].fixes[0].edits[0].newText, '0x00007fffffff0000');
  assert.deepEqual(f[0].range, { line: 0, character: 26, endLine: 0, endCharacter: 44 });
  assert.equal(f[1].fixes[0].edits[0].newText, '0xffff900000000000UL');
});

test('PL002 offers one fix per candidate, the layout boundary first', () => {
  const text = read('rules.h');
  const f = check(text).find((x) => x.code === 'PL002')!;
  assert.ok(f.fixes.length >= 2);
  assert.equal(f.fixes[0].edits[0].newText, '0xffff880000000000');
  assert.ok(f.fixes.every((x) => x.edits[0].newText.length === 18));
  assert.deepEqual(typoCandidates('ffff8800000000000', getMode('x86_64-4level')!, L27)[0], 0xffff880000000000n);
  // 17 digits that overflow: PL008 with the same candidates.
  const g = check('#define PAGE_OFFSET_X _AC(0xffff8800000000000, UL)\n');
  assert.equal(g[0].code, 'PL008');
  assert.equal(g[0].fixes[0].edits[0].newText, '0xffff880000000000');
});

test('PL003 related information points at the other definition', () => {
  const f = check(read('rules.h')).find((x) => x.code === 'PL003')!;
  const text = read('rules.h');
  assert.equal(f.related[0].range.line, lineOf(text, 'DEBUG_AREA_START'));
  assert.equal(f.related[1].range.line, lineOf(text, 'DEBUG_AREA_END'));
  assert.match(f.message, /overlaps DEBUG_AREA_START\.\.DEBUG_AREA_END .* by 512 MiB/);
});

test('PL003 across an include: the local range is reported, related information names the header', () => {
  const inc = collectText('#define VMALLOC_START 0xffffc20000000000UL\n#define VMALLOC_END 0xffffe1ffffffffffUL\n', '/inc/pgtable.h', { family: 'c' });
  const f = checkText('#define MY_AREA_START 0xffffe10000000000UL\n#define MY_AREA_END 0xffffe30000000000UL\n', '/src/a.c', { layout: L27, family: 'c', included: [inc] });
  assert.equal(f.length, 1);
  assert.equal(f[0].code, 'PL003');
  assert.equal(f[0].related[0].file, '/inc/pgtable.h');
});

test('PL003 silent on containment and on different #if branches', () => {
  const nested = '#define OUTER_START 0xffffc90000000000UL\n#define OUTER_END 0xffffe90000000000UL\n#define INNER_START 0xffffd00000000000UL\n#define INNER_END 0xffffd10000000000UL\n';
  assert.deepEqual(check(nested), []);
  const branches = '#ifdef CONFIG_A\n#define A_START 0xffffc90000000000UL\n#define A_END 0xffffd90000000000UL\n#else\n#define B_START 0xffffd00000000000UL\n#define B_END 0xffffe00000000000UL\n#endif\n';
  assert.deepEqual(check(branches), []);
});

test('PL004: START + SIZE disagreeing with END; direct-map base off a PML4 slot', () => {
  const f = check('#define X_START 0xffffc90000000000UL\n#define X_SIZE 0x40000000UL\n#define X_END 0xffffc90050000000UL\n');
  assert.deepEqual(f.map((x) => x.code), ['PL004']);
  assert.equal(f[0].related.length, 2);
  const g = check('#define __PAGE_OFFSET _AC(0xffff884000000000, UL)\n');
  assert.deepEqual(g.map((x) => x.code), ['PL004']);
});

test('PL005 names the hole and its PML4 slots; silent for the hole\'s own definitions and Xen headers', () => {
  const f = check('#define EARLY_MAP_START _AC(0xffff810000000000, UL)\n');
  assert.match(f[0].message, /hypervisor hole .*PML4 slots 256–271/);
  assert.deepEqual(check('#define HYPERVISOR_VIRT_START _AC(0xffff800000000000, UL)\n'), []);
  assert.deepEqual(check('#define __MACH2PHYS_VIRT_START 0xFFFF800000000000\n', L27, '/src/include/xen/interface_64.h'), []);
  assert.deepEqual(check('#define XEN_RESERVED_START 0xFFFF808000000000\n', L27, '/usr/include/xen/arch-x86/xen-x86_64.h'), []);
  assert.deepEqual(check('#define __PAGE_OFFSET _AC(0xffff810000000000, UL)\n', L27, '/work/examples/xen/page_64-2.6.26.h').map((x) => x.code), ['PL005']);
  assert.deepEqual(check('#define FOO_END _AC(0xffff800000000000, UL)\n'), [], 'an exclusive end touching the hole');
});

test('PL006 follows physicalAddressBits', () => {
  const t = '#define CXL_PHYS_BASE 0x0000400000000000ULL\n';
  assert.deepEqual(check(t).map((x) => x.code), []);
  assert.deepEqual(check(t, L27, 'x.h', { physicalAddressBits: 46 }).map((x) => x.code), ['PL006']);
});

test('PL007: literal pairs only; computed top-down areas (EFI) stay silent', () => {
  assert.deepEqual(check('#define A_START 0xffffe00000000000UL\n#define A_END 0xffffd00000000000UL\n').map((x) => x.code), ['PL007']);
  assert.deepEqual(check('#define EFI_VA_START ( -4 * (_AC(1, UL) << 30))\n#define EFI_VA_END (-68 * (_AC(1, UL) << 30))\n', L4), []);
});

test('PL008: 32-bit layouts, BASE + SIZE past the top; 128-bit .octa data is silent', () => {
  const x32 = getPreset('linux-x86_32')!;
  assert.deepEqual(check('#define KMAP_BASE 0x1ff800000UL\n', x32).map((x) => x.code), ['PL008']);
  assert.deepEqual(check('#define WIN_BASE 0xffffffffc0000000UL\n#define WIN_SIZE 0x80000000UL\n').map((x) => x.code), ['PL008']);
  assert.deepEqual(checkText('.Lmask:\n.octa 0x000102030405060708090A0B0C0D0E0F\n', 'a.S', { layout: L4, family: 'gas' }), []);
});

test('PL009: user limits and kernel bases', () => {
  assert.deepEqual(check('#define TASK_SIZE _AC(0x0000800000000000, UL)\n', L4), [], 'an exclusive end at 2^47 is fine');
  assert.deepEqual(check('#define TASK_SIZE _AC(0x0000800000001000, UL)\n', L4).map((x) => x.code), ['PL001']);
  assert.deepEqual(check('#define PAGE_OFFSET _AC(0x40000000, UL)\n', getPreset('linux-x86_32')!).map((x) => x.code), ['PL009']);
});

test('severities: off silences a rule, overrides change the severity', () => {
  const text = read('rules.h');
  const f = check(text, L27, 'x.h', { severities: { PL005: 'off', PL001: 'error' } });
  assert.equal(f.some((x) => x.code === 'PL005'), false);
  assert.equal(f.find((x) => x.code === 'PL001')!.severity, 'error');
});

test('principle (other configurations): values named for another VA width are not checked against this one', () => {
  const A48 = getPreset('linux-arm64-4k-48bit')!;
  const t = '#define PAGE_OFFSET_36 0xfffffff000000000UL\n#define PAGE_OFFSET_39 0xffffff8000000000UL\n#define PAGE_OFFSET_48 0xffff000000000000UL\n';
  assert.deepEqual(check(t, A48, '/src/kexec/arch/arm64/kexec-arm64.c'), []);
  // Named for the mode's own width, the value is checked.
  assert.deepEqual(check('#define KERNEL_TOP_48 0xffffffffff800000UL\n', A48, '/src/include/linux/top.h').map((x) => x.code), ['PL005']);
});

test('eliminated false positive: 5-level values (_L5) under a 4-level layout', () => {
  assert.deepEqual(check('#define __VMALLOC_BASE_L5 _AC(0xffa0000000000000, UL)\n', L4), []);
  assert.deepEqual(check('#define __VMALLOC_BASE_L5 _AC(0xffa0000000000000, UL)\n', getPreset('linux-x86_64-5level')!), []);
});

test('eliminated false positive: other architectures and 32-bit x86 files are not checked against an x86-64 layout', () => {
  assert.equal(layoutAppliesToPath('/k/arch/powerpc/include/asm/book3s/64/hash.h', L4), false);
  assert.equal(layoutAppliesToPath('/k/arch/x86/include/asm/page_32_types.h', L4), false);
  assert.equal(layoutAppliesToPath('/k/arch/x86/include/asm/page_64_types.h', L4), true);
  assert.equal(layoutAppliesToPath('/k/include/linux/mm.h', L4), true);
  assert.deepEqual(check('#define H_KERN_VIRT_START 0xc000100000000000UL\n', L4, '/k/arch/powerpc/include/asm/hash.h'), []);
  // An architecture's own files apply to its layouts (arm64's directory is arm64, not 32-bit arm).
  const A48 = getPreset('linux-arm64-4k-48bit')!;
  assert.equal(layoutAppliesToPath('/k/arch/arm64/include/asm/memory.h', A48), true);
  assert.equal(layoutAppliesToPath('/k/arch/arm64/include/asm/memory.h', L4), false);
  assert.equal(layoutAppliesToPath('/k/arch/riscv/include/asm/pgtable.h', getPreset('linux-riscv64-sv39')!), true);
  assert.equal(layoutAppliesToPath('/k/arch/arm/include/asm/memory.h', A48), false);
});

test('branches false for the layout (#ifdef CONFIG_X86_32 under x86-64) are skipped', () => {
  assert.deepEqual(check('#ifdef CONFIG_X86_32\n#define PAGE_OFFSET_X_START 0x1ffffc0000000000UL\n#endif\n', L4), []);
});

test('fast mode finds the same findings as the full scan', () => {
  const text = read('rules.h');
  const slow = check(text).map((x) => `${x.code}@${x.range.line}`);
  const fast = check(text, L27, 'x.h', { fast: true }).map((x) => `${x.code}@${x.range.line}`);
  assert.deepEqual(fast, slow);
});

test('fast mode finds the same findings as the full scan on every diagnostics fixture and example', () => {
  const files = [
    ...fs.readdirSync(FIX).map((f) => path.join(FIX, f)),
    ...['mistakes.h', 'xen/page_64-2.6.26.h', 'xen/page_64-2.6.27.h', 'include/asm/page_64_types.h'].map((f) => path.resolve(__dirname, '../../../examples', f)),
  ].filter((f) => /\.[ch]$/.test(f) && fs.existsSync(f));
  assert.ok(files.length >= 5, files.join(', '));
  let findings = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const layout of [L27, L4]) {
      const slow = check(text, layout, f).map((x) => `${x.code}@${x.range.line}:${x.range.character} ${x.message}`);
      const fast = check(text, layout, f, { fast: true }).map((x) => `${x.code}@${x.range.line}:${x.range.character} ${x.message}`);
      assert.deepEqual(fast, slow, `${f} under ${layout.id}`);
      findings += slow.length;
    }
  }
  assert.ok(findings > 10, `the fixtures have findings to compare (${findings})`);
});

test('fast mode: definitions it does not lex are still found for evaluation and register fields', () => {
  const text = [
    '#define VA_BITS_SHIFT\t47 /* a _SHIFT name: not lexed by the fast scan */',
    '#define window_size(n) \\',
    '\t((n) << 30)',
    '#define HOLE_START\t(0xffff000000000000UL | (1UL << VA_BITS_SHIFT))',
    '#define HOLE_END\t(HOLE_START + window_size(2UL))',
    '#define CTL_ADDR_MASK\t0xff',
    '#define CTL_ADDR_BASE\t0x1000',
  ].join('\n');
  const mode = getMode('x86_64-4level')!;
  const slow = collectText(text, 'x.h', { family: 'c', mode });
  const fast = collectText(text, 'x.h', { family: 'c', mode, fast: true });
  const pick = (c: typeof slow, n: string) => c.values.find((v) => v.name === n);
  assert.equal(pick(fast, 'HOLE_START')?.value, 0xffff800000000000n);
  assert.equal(pick(fast, 'HOLE_END')?.value, 0xffff800080000000n);
  assert.equal(pick(slow, 'HOLE_END')?.value, 0xffff800080000000n);
  // A register's base next to its mask is a field in both scans, though the fast one never lexed the mask.
  assert.equal(pick(fast, 'CTL_ADDR_MASK'), undefined);
  assert.equal(pick(fast, 'CTL_ADDR_BASE')?.registerField, true);
  assert.equal(pick(slow, 'CTL_ADDR_BASE')?.registerField, true);
});

test('fast mode: a big literal on a continuation line brings in its whole definition', () => {
  const text = '#define INIT_WINDOWS { \\\n\t.lo = 1, \\\n\t.hi = 0xffff880000000000, \\\n}\n';
  const mode = getMode('x86_64-4level')!;
  const fast = collectText(text, 'x.h', { family: 'c', mode, fast: true });
  const slow = collectText(text, 'x.h', { family: 'c', mode });
  const lit = fast.values.find((v) => v.literal?.text === '0xffff880000000000');
  assert.ok(lit, JSON.stringify(fast.values.map((v) => v.literal?.text)));
  assert.deepEqual(lit!.range, { line: 2, character: 7, endLine: 2, endCharacter: 25 });
  assert.deepEqual(fast.values.map((v) => [v.name, v.range]), slow.values.map((v) => [v.name, v.range]));
  assert.ok(fast.lookup('INIT_WINDOWS'));
});

test('the whole-tree gate passes over register headers and stops at a name or literal that can matter', () => {
  const regs = '#define mmGC_BASE_ADDR 0x1234\n#define GC_BASE_ADDR__VALUE_MASK 0xffff\n#define GC_BASE_ADDR__VALUE__SHIFT 0x0\n';
  assert.equal(mayHaveFindings(regs, 'c'), false);
  assert.equal(mayHaveFindings(regs + '#define GC_WINDOW_START 0x1000\n', 'c'), true);
  assert.equal(mayHaveFindings(regs + 'u64 x = 0x123456789;\n', 'c'), true);
  assert.equal(mayHaveFindings(regs + 'u64 x = 12345678901;\n', 'c'), true);
  // Assembler definitions count in assembly only.
  assert.equal(mayHaveFindings('.set KERNEL_BASE, 0x1000\n', 'c'), false);
  assert.equal(mayHaveFindings('.set KERNEL_BASE, 0x1000\n', 'gas'), true);
});

test('runRules is pure over a hand-made input', () => {
  const r = { line: 0, character: 0, endLine: 0, endCharacter: 4 };
  const f = runRules({ file: 'f', layoutApplies: true, values: [{ name: 'FOO_START', file: 'f', range: r, value: 0xffff810000000000n, branches: [], context: {}, local: true }] }, { layout: L27 });
  assert.deepEqual(f.map((x) => x.code), ['PL005']);
});

test('number forms: 0x…, _AC(…, UL), shifts and sizes convert into each other', async () => {
  const { numberAt, numberForms } = await import('../../src/engine/rules/convert');
  const line = '#define HOLE_START _AC(0xffff800000000000, UL) + SZ_2M + (64 * SZ_1G) + (1UL << 47) + 0x40000000';
  const at = (needle: string) => numberAt(line, line.indexOf(needle) + 2)!;
  const ac = at('_AC(');
  assert.equal(ac.form, 'ac');
  assert.equal(ac.value, 0xffff800000000000n);
  assert.deepEqual(numberForms(ac, 'c').map((f) => f.text), ['0xffff800000000000UL', '(-1UL << 47)']);
  assert.equal(at('SZ_2M').value, 2n << 20n);
  assert.equal(at('(64 * SZ_1G)').value, 64n << 30n);
  assert.equal(at('(1UL << 47)').value, 1n << 47n);
  const hex = at('0x40000000');
  assert.deepEqual(numberForms(hex, 'c').map((f) => f.text), ['_AC(0x40000000, UL)', '(1UL << 30)', 'SZ_1G']);
  assert.deepEqual(numberForms({ ...hex, value: 64n << 30n }, 'c').map((f) => f.text).at(-1), '(64 * SZ_1G)');
  assert.deepEqual(numberForms(numberAt('. = 0x10000000;', 6)!, 'ld').map((f) => f.text), ['(1 << 28)', '256M']);
});

test('eliminated false positive: device, bus and register addresses in drivers/ are not CPU addresses (PL001/PL005/PL006)', () => {
  assert.deepEqual(check('#define VA_HOST_SPACE_START 0x0001000000000000ull\n#define DRAM_PHYS_BASE 0x1001000000000000ull\n', L4, '/k/drivers/misc/habanalabs/gaudi/gaudiP.h'), []);
  assert.deepEqual(check('#define EARLY_VADDR 0x0001000000200000ull\n', L4, '/k/mm/early.c').map((x) => x.code), ['PL001']);
  // A kernel layout idiom is checked wherever it is.
  assert.deepEqual(check('#define __PAGE_OFFSET 0x0001000000200000ull\n', L4, '/k/drivers/foo/bar.h').map((x) => x.code), ['PL001']);
});

test('eliminated false positive: register offsets and register fields are not ranges (PL003/PL007)', () => {
  // m68k mac_psc.h style: ADDR/LEN registers four bytes apart.
  assert.deepEqual(check('#define PSC_SCSI_ADDR 0x1000\n#define PSC_SCSI_LEN 0x1004\n#define PSC_ENETRD_ADDR 0x1020\n#define PSC_ENETRD_LEN 0x1024\n'), []);
  // amdgpu register offsets (mm prefix), radeon C_ masks.
  assert.deepEqual(check('#define mmGCMC_VM_AGP_TOP 0x2000\n#define mmGCMC_VM_AGP_BASE 0x3000\n'), []);
  assert.deepEqual(check('#define C_000148_MC_FB_START 0xFFFF0000\n#define C_000148_MC_FB_TOP 0x0000FFFF\n'), []);
  // niu.h: START/END bits of a status register next to its ADDR_SHIFT field.
  assert.deepEqual(check('#define ESPC_PIO_STAT_READ_START 0x0000000080000000ULL\n#define ESPC_PIO_STAT_READ_END 0x0000000040000000ULL\n#define ESPC_PIO_STAT_ADDR_SHIFT 8\n'), []);
  // unaligned test data (kernel/resource_kunit.c).
  assert.deepEqual(check('#define R1_START 0x1234\n#define R1_END 0x2345\n#define R4_START 0x2000\n#define R4_END 0x7000\n'), []);
});

test('eliminated false positive: ranges of different address spaces (ports vs memory, physical vs virtual) never overlap', () => {
  assert.deepEqual(check('#define IOPORT_RESOURCE_START 0x00001000\n#define IOPORT_RESOURCE_END 0xffffffff\n#define IOMEM_RESOURCE_START 0x10000000\n#define IOMEM_RESOURCE_END 0xfffffffff\n'), []);
  assert.deepEqual(check('#define VA_HOST_SPACE_START 0x0001000000000000ull\n#define VA_HOST_SPACE_END 0x0003ff8000000000ull\n#define HOST_PHYS_BASE 0x0000008000000000ull\n#define HOST_PHYS_SIZE 0x0001000000000000ull\n', L4, '/k/drivers/misc/habanalabs/gaudi/gaudiP.h'), []);
});

test('eliminated false positive: contradicting #elif branches of different groups (m68k KMAP/VMALLOC)', () => {
  const t = '#ifdef CONFIG_SUN3\n#define KMAP_START 0x0dc00000\n#define KMAP_END 0x0e000000\n#elif defined(CONFIG_COLDFIRE)\n#define KMAP_START 0xe0000000\n#define KMAP_END 0xf0000000\n#elif defined(CONFIG_VIRT)\n#define KMAP_START 0xdf000000\n#define KMAP_END 0xff000000\n#endif\n' +
    '#ifdef CONFIG_SUN3\n#define VMALLOC_START 0x0f800000\n#elif defined(CONFIG_COLDFIRE)\n#define VMALLOC_START 0xd0000000\n#define VMALLOC_END 0xe0000000\n#endif\n';
  assert.deepEqual(check(t, L4, '/k/arch/m68k/include/asm/pgtable_mm.h'), []);
});

test('eliminated false positive: integer maxima, GENMASK/BIT fields, bits tested inside a call', () => {
  assert.deepEqual(check('#define LLONG_MAX 0x7fffffffffffffff\n#define MTREE_ALLOC_MAX 0x0002000000000000\n#define NLM4_OFFSET_MAX 0x7fffffffffffffffLL\n', L4, '/k/include/vdso/limits.h'), []);
  assert.deepEqual(check('#define GICR_VPROPBASER_4_1_ADDR GENMASK_ULL(51, 12)\n#define GICR_VPENDBASER_PendingLast BIT_ULL(61)\n#define GICR_VPENDBASER_Valid (1ULL << 63)\n#define GICR_X_PendingLast (1ULL << 61)\n#define GICR_PROPBASER_ADDR 0x000ffffffffff000ULL\n', L4, '/k/include/linux/irqchip/arm-gic-v3.h'), []);
  assert.deepEqual(check('static inline int f(__le64 addr) { return !(addr & cpu_to_le64(0x0100000000000000ULL)); }\n', L4, '/k/include/linux/ieee802154.h'), []);
});

test('eliminated false positive: negative numbers near the top are not addresses (timestamps, temperature offsets)', () => {
  assert.deepEqual(check('#define RTC_TIMESTAMP_BEGIN_0000 -62167219200ULL\n#define MIN_OFFSET (-277761)\n', L4, '/k/include/linux/rtc.h'), []);
});

test('eliminated false positive: another architecture named anywhere in the path (tools/testing/selftests/powerpc)', () => {
  assert.deepEqual(check('#define PAGE_OFFSET 0xc000000000000000ul\n', L4, '/k/tools/testing/selftests/powerpc/mm/bad_accesses.c'), []);
});

test('true positive kept: a 17-digit literal of 2^64 does not fit (staging vme.h VME_A64_MAX)', () => {
  assert.deepEqual(check('#define VME_A64_MAX 0x10000000000000000ULL\n', L4, '/k/drivers/staging/vme_user/vme.h').map((x) => x.code), ['PL008']);
});

test('eliminated false positive: a definition that names an _L4 value is not checked under 5-level paging', () => {
  const t = '#define __PAGE_OFFSET_BASE_L4 _AC(0xffff888000000000, UL)\n#define __PAGE_OFFSET __PAGE_OFFSET_BASE_L4\n';
  assert.deepEqual(check(t, getPreset('linux-x86_64-5level')!, '/k/arch/x86/include/asm/page_64_types.h'), []);
});

test('eliminated false positive: a negative 32-bit int shift ((0x01 << 31), sign-extended) is a register bit', () => {
  const t = '#define HAIMR_TRANS_START (0x01 << 31)\n#define HAIMR_TRANS_END (0x01 << 30)\n';
  assert.deepEqual(check(t, getPreset('linux-arm64-4k-48bit')!, '/k/include/linux/rtsx_pci.h'), []);
});

test('eliminated false positive: a SIZE written as 2^n - 1 (sungem PROM_START/PROM_SIZE/PROM_END)', () => {
  assert.deepEqual(check('#define PROM_START 0x100000UL\n#define PROM_SIZE 0x0fffffUL\n#define PROM_END 0x200000UL\n', L4, '/k/arch/x86/sungem.h'), []);
});

test('eliminated false positive: veto words carry numbers (FLAGS2, MASK64)', () => {
  assert.equal(readNameRole('RX_TPA_START_CMP_FLAGS2_CSUM_CMPL'), 'flag');
});

function readNameRole(n: string): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require('../../src/engine/rules/addressLike') as typeof import('../../src/engine/rules/addressLike')).readName(n).role;
}

test('definedNames: never false for a macro the fast scan collects; false for names only used', () => {
  const tricky = [
    '#define \\',
    'SPLIT_BASE 0xffffc90000000000UL',
    '#  define  SPACED_START 0xffff888000000000UL',
    '#define\tTABBED_ADDR (SPACED_START + 0x1000)',
    'static unsigned long use = sizeof(long) + SPACED_START; /* not undefined */',
    '\tu32 field_size;',
    '',
  ].join('\n');
  const commented = '#define /* a comment between */ COMMENTED_END 0xffffc90000000000UL\n#define PLAIN_END 0x1000\n';
  const texts = [tricky, commented, read('rules.h'), ...['mistakes.h', 'include/asm/page_64_types.h', 'include/asm/kaslr_layout.h'].map((f) => fs.readFileSync(path.resolve(__dirname, '../../../examples', f), 'utf8'))];
  let defined = 0;
  for (const text of texts) {
    const may = definedNames(text, 'c');
    const names = new Set(analyzeSparse(text, { file: 'x.h', family: 'c' }).pre.definitions.map((r) => r.name));
    for (const name of names) { assert.ok(may(name), name); defined++; }
  }
  assert.ok(defined > 20, `macros compared: ${defined}`);
  // A continued #define line: the name on the next line is still seen; a plain one is exact.
  for (const name of ['SPLIT_BASE', 'SPACED_START', 'TABBED_ADDR']) assert.ok(mayDefineName(tricky, 'c', name), name);
  for (const name of ['sizeof', 'use', 'u32', 'field_size', 'long', 'undefined', 'ABSENT']) assert.equal(mayDefineName(tricky, 'c', name), false, name);
  // A comment right after `define` hides the name from this test: every name may be defined.
  for (const name of ['COMMENTED_END', 'PLAIN_END', 'ABSENT']) assert.equal(mayDefineName(commented, 'c', name), true, name);
  // Assembler files define symbols in many ways: always collected.
  assert.equal(mayDefineName('x = 1\n', 'gas', 'y'), true);
});

test('fast mode keeps the bare literals a rule can read: casts, address operands, 15-17 hex digits, past 64 bits', () => {
  const text = [
    'static void *probe = (void *)0xffff7fffffff0000UL;           /* cast: non-canonical */',
    'static int in_hole(unsigned long vaddr) { return vaddr >= 0xffff808000000000UL; } /* operand: in the hypervisor hole */',
    'static const u64 table[] = { 0xffffffff8000000, 0x0000000012345678 }; /* 15 digits: a typo with a kernel prefix */',
    'static const u64 big = 184467440737095516160;              /* past 64 bits */',
    'static const u64 seeds[] = { 0x9e3779b97f4a7c15, 140344440319999, 0x7fffffff0000 }; /* data: no finding */',
    '',
  ].join('\n');
  const key = (f: Finding[]) => f.map((x) => `${x.code}@${x.range.line}:${x.range.character}`);
  const slow = check(text, L27, 'x.c');
  const fast = check(text, L27, 'x.c', { fast: true });
  assert.deepEqual(key(fast), key(slow));
  assert.deepEqual([...new Set(slow.map((x) => `${x.code}@${x.range.line}`))].sort(), ['PL001@0', 'PL002@2', 'PL005@1', 'PL008@3']);
  // The inert bare literals are collected by neither line source; the ones a rule reads are, by both.
  const lits = (fastMode: boolean) => collectText(text, 'x.c', { family: 'c', fast: fastMode }).values.filter((v) => !v.name).map((v) => v.literal!.text);
  assert.ok(!lits(false).includes('140344440319999') && !lits(true).includes('140344440319999'));
  for (const t of ['0xffff7fffffff0000UL', '0xffff808000000000UL', '0xffffffff8000000', '184467440737095516160']) assert.ok(lits(true).includes(t) && lits(false).includes(t), t);
});

test('the whole-tree line source makes the same definitions, in the same order, as the document lexer', () => {
  const text = [
    '#ifdef CONFIG_X86_5LEVEL',
    '#define VMALLOC_BASE_ADDR 0xffa0000000000000UL',
    '#else',
    '#define VMALLOC_BASE_ADDR 0xffffc90000000000UL',
    '#endif',
    '#define WINDOW_BASE(n) (VMALLOC_BASE_ADDR + (n))',
    '/* a comment that runs over',
    '   lines */ #define AFTER_COMMENT_ADDR 1',
    '#define \\',
    '  SPLIT_START 0xffff888000000000UL',
    '',
  ].join('\n');
  const texts = [text, read('rules.h'), ...['mistakes.h', 'include/asm/page_64_types.h'].map((f) => fs.readFileSync(path.resolve(__dirname, '../../../examples', f), 'utf8'))];
  let compared = 0;
  for (const t of texts) {
    const full = analyzeText(t, { file: 'x.h', family: 'c' });
    const fast = analyzeSparse(t, { file: 'x.h', family: 'c' });
    assert.deepEqual(fast.pre.definitions.map((r) => [r.name, r.line, r.activity]), full.pre.definitions.map((r) => [r.name, r.line, r.activity]));
    for (const name of new Set(fast.pre.definitions.map((r) => r.name))) {
      assert.deepEqual(fast.pre.lookup(name)!.map((d) => d.sig), full.pre.lookup(name)?.map((d) => d.sig), name);
      compared++;
    }
  }
  assert.ok(compared > 20, `names compared: ${compared}`);
  const fast = analyzeSparse(text, { file: 'x.h', family: 'c' }).pre.lookup;
  // Without a mode the default one (4-level) decides CONFIG_X86_5LEVEL: one candidate, the #else one.
  assert.deepEqual(fast('VMALLOC_BASE_ADDR')!.map((d) => d.bodyText), ['0xffffc90000000000UL']);
  const unknown = analyzeSparse(text, { file: 'x.h', family: 'c', mode: getMode('arm64-4k-48')! }).pre.lookup;
  assert.equal(unknown('VMALLOC_BASE_ADDR')!.length, 2, 'a CONFIG_ the mode does not know leaves both branches');
  // A comment is one blank: `/* …\n … */ #define X` defines X, as gcc reads it (gcc -E agrees).
  assert.ok(fast('SPLIT_START') && fast('AFTER_COMMENT_ADDR'));
});

// ---------------------------------------------------------------------------------------------
// Principles that hold on trees the rules were not tuned on (docs/rules.md, "Address-likeness" and
// "Evidence per rule"); each case is a false-alarm class of a newer Linux, EDK II or Xen, written anew.

test('principle (mask shape): register clear masks named ..._BASE_ADDR_IN_CLRMSK are not misaligned starts (PL004)', () => {
  const regs = [
    '/* Register CONFIG1 of a remap unit */',
    '#define GPU_CR_REMAP1_CONFIG1 0x0818U',
    '#define GPU_CR_REMAP1_CONFIG1_MASKFULL 0x00000000FFFFF001ULL',
    '#define GPU_CR_REMAP1_CONFIG1_BASE_ADDR_IN_SHIFT 12U',
    '#define GPU_CR_REMAP1_CONFIG1_BASE_ADDR_IN_CLRMSK 0xFFFFFFFF00000FFFULL',
    '#define GPU_CR_REMAP2_CONFIG2_ADDR_OUT_CLRMSK 0xFFFFFFFF00000FFFULL',
    '',
  ].join('\n');
  assert.deepEqual(check(regs, L4, '/k/drivers/gpu/drm/acme/acme_cr_defs.h'), []);
  // The same shape under a plain start name, in a CPU header: a clear mask, not a start.
  assert.deepEqual(check('#define REMAP_WINDOW_BASE 0xfffff000000003ffUL\n', L4, '/k/include/linux/remap.h'), []);
  // A misaligned start with an address shape is still reported.
  assert.deepEqual(check('#define PERCPU_AREA_START _AC(0xffffe20000000800, UL)\n', L4, '/k/include/linux/percpu.h').map((x) => x.code), ['PL004']);
});

test('principle (top of a width): LLONG_MAX-shaped limits and PHYSMEM_END are not non-canonical addresses (PL001)', () => {
  const t = '#define QUOTA_MAX_SPC_LIMIT 0x7fffffffffffffffLL /* 2^63-1 */\n#define QUOTA_MAX_INO_LIMIT 0x7fffffffffffffffLL\n' +
    '#ifndef PHYSMEM_END\n# define PHYSMEM_END (((phys_addr_t)-1)&~(1ULL<<63))\n#endif\n';
  assert.deepEqual(check(t, L4, '/k/include/linux/quota_fs.h'), []);
  // A limit at the layout's own width is read as one: 2^48 + 1 page past it is not canonical.
  assert.deepEqual(check('#define USER_AREA_END 0x0001000000001000UL\n', L4, '/k/include/linux/ua.h').map((x) => x.code), ['PL001']);
});

test('principle (offsets): an mmap offset in a uapi header is not a user-space limit (PL009)', () => {
  const t = '#define DRM_ACME_USER_MMIO_OFFSET_32BIT (1ull << 43)\n#define DRM_ACME_USER_MMIO_OFFSET_64BIT (1ull << 56)\n' +
    '#define DRM_ACME_USER_MMIO_OFFSET (sizeof(unsigned long) < 8 ? DRM_ACME_USER_MMIO_OFFSET_32BIT : DRM_ACME_USER_MMIO_OFFSET_64BIT)\n' +
    '#define DRM_ACME_USER_MMIO_OFFSET_X DRM_ACME_USER_MMIO_OFFSET_64BIT\n';
  assert.deepEqual(check(t, L4, '/k/include/uapi/drm/acme_drm.h'), []);
  assert.deepEqual(check(t, L4, '/k/include/linux/acme.h'), [], 'an OFFSET is a distance wherever it is');
  // A user-space limit in the kernel half is still reported.
  assert.deepEqual(check('#define USER_STACK_TOP _AC(0xffff900000000000, UL)\n', L4, '/k/include/linux/u.h').map((x) => x.code), ['PL009']);
});

test('principle (uapi context): the user-space ABI is not the kernel address space (layout rules need a kernel idiom there)', () => {
  assert.deepEqual(check('#define ACME_DEV_VA_BASE 0x0001000000200000ULL\n', L4, '/k/include/uapi/linux/acme.h'), []);
  assert.deepEqual(check('#define ACME_DEV_VA_BASE 0x0001000000200000ULL\n', L4, '/k/include/linux/acme.h').map((x) => x.code), ['PL001']);
});

test('principle (stored data): a literal stored into an element or through a pointer is data, not an address (PL001)', () => {
  const t = [
    'static void load_descriptors(void)',
    '{',
    '\tgdt.base[1] = 0x00af9a000000ffff;',
    '\t*desc_addr = 0x00cf92000000ffffULL;',
    '}',
    '',
  ].join('\n');
  assert.deepEqual(check(t, L4, '/k/boot/loader.c'), []);
  // Assigned to an address-named variable, the same value is an address and is reported.
  assert.deepEqual(check('static void f(void)\n{\n\tkernel_base = 0x00cf9a000000f000;\n}\n', L4, '/k/boot/loader.c').map((x) => x.code), ['PL001']);
});

test('principle (test inputs): a test suite\'s values are chosen to be wrong or foreign; only kernel idioms are read there', () => {
  // An assembler's overflow test, a linker test script for another target, an impossible limit.
  assert.deepEqual(check('\tlui\t$2, 0x10000000000000000\n', L4, '/src/gas/testsuite/gas/acme/lui-error.s'), []);
  assert.deepEqual(check('SECTIONS\n{\n  . = 0x1234000000000;\n}\n', L4, '/src/ld/testsuite/ld-acme/dyn.ld', { family: 'ld' }), []);
  assert.deepEqual(check('static void f(void)\n{\n\tunsigned long long impossible_limit = 0xffffff4fffffffULL;\n\tbrk_to((void *)0x00ffffff4fffffffULL);\n}\n', L4, '/src/memcheck/tests/brk.c'), []);
  // The same lines outside a test suite are reported.
  assert.deepEqual(check('\tlui\t$2, 0x10000000000000000\n', L4, '/src/gas/config/lui.s').map((x) => x.code), ['PL008']);
  assert.deepEqual(check('static void f(void)\n{\n\tbrk_to((void *)0x00ffffff4fffffffULL);\n}\n', L4, '/src/memcheck/brk.c').map((x) => x.code), ['PL001']);
  // A kernel layout idiom in a test is still read.
  assert.deepEqual(check('#define __PAGE_OFFSET_BASE _AC(0xffff888000000001, UL)\n', L4, '/k/lib/tests/layout.h').map((x) => x.code), ['PL004']);
});

test('principle (architecture in a name): a word of a hyphenated file or directory name can name another architecture', () => {
  const gate = '#define GATE_AREA_START 0xa000000000000100LL\n';
  assert.deepEqual(check(gate, L4, '/src/gdb/ia64-linux-tdep.c'), []);
  assert.deepEqual(check(gate, L4, '/src/gdb/sparc64-netbsd-tdep.c'), []);
  assert.deepEqual(check('SECTIONS\n{\n  . = 0x1234000000000;\n}\n', L4, '/src/ld/scripts/ld-mips-elf/x.ld', { family: 'ld' }), []);
  // The layout's own architecture, or no architecture word, and the check applies.
  assert.deepEqual(check(gate, L4, '/src/gdb/amd64-linux-tdep.c').map((x) => x.code), ['PL001']);
  assert.deepEqual(check(gate, L4, '/src/gdb/linux-tdep.c').map((x) => x.code), ['PL001']);
  // Ambiguous words (arm, alpha, sh, arc, um) are not read as architectures.
  assert.deepEqual(check(gate, L4, '/src/gdb/alpha-blend.c').map((x) => x.code), ['PL001']);
});

test('principle (a product is a quantity): numbers multiplied are not an address', () => {
  assert.deepEqual(check('#define BASE_62_POWER (62LL * 62 * 62 * 62 * 62 * 62 * 62 * 62 * 62 * 62)\n', L4, '/src/lib/tempname.c'), []);
  // A base plus a product is address arithmetic and still checked.
  assert.deepEqual(check('#define WINDOW_BASE (0x00f0000000000000ULL + 4 * 0x1000)\n', L4, '/src/lib/w.h').map((x) => x.code), ['PL001']);
});

test('a NASM float is not an integer past 64 bits (PL008)', () => {
  assert.deepEqual(check('\tdq\t69658634627134074624.e0200\n\tdq\t0x6d93bbb4bf05f087\n', L4, '/src/nasm/floats.asm', { family: 'nasm' }), []);
  assert.deepEqual(check('\tdq\t69658634627134074624\n', L4, '/src/nasm/ints.asm', { family: 'nasm' }).map((x) => x.code), ['PL008']);
});

test('principle (a tree\'s own release): region boundaries an architecture\'s headers define inside a preset\'s unused gap are its layout (PL005)', () => {
  const A48 = getPreset('linux-arm64-4k-48bit')!;
  // A later release's arm64 memory.h puts vmemmap's end, PCI I/O and the fixmap where the 6.1 preset has its top guard region.
  const t = '#define VMEMMAP_END\t(-UL(SZ_1G))\n#define PCI_IO_START\t_AC(0xffffffffc0800000, UL)\n#define FIXADDR_TOP\t_AC(0xffffffffff800000, UL)\n#define SZ_1G 0x40000000\n#define UL(x) x##UL\n';
  assert.deepEqual(check(t, A48, '/k/arch/arm64/include/asm/memory.h'), []);
  // Elsewhere the same values are still inside the guard region, and the hypervisor hole stays an ABI in arch headers too.
  assert.deepEqual(check('#define PCI_IO_START\t_AC(0xffffffffc0800000, UL)\n', A48, '/k/drivers/acme/early.h').length, 0, 'driver directories read only kernel idioms');
  assert.deepEqual(check('#define FIXADDR_TOP\t_AC(0xffffffffff800000, UL)\n', A48, '/k/include/linux/acme.h').map((x) => x.code), ['PL005']);
  assert.deepEqual(check('#define __PAGE_OFFSET _AC(0xffff810000000000, UL)\n', L27, '/k/arch/x86/include/asm/page_64_types.h').map((x) => x.code), ['PL005']);
});

test('principle (range pairs): MIN/MAX names are bounds, not the parts of a range (PL003)', () => {
  const t = [
    '#define FW_GLOBAL_MEM_START (2ull * SZ_1G)',
    '#define FW_GLOBAL_MEM_END (3ull * SZ_1G)',
    '#define FW_SHARED_MEM_SIZE SZ_256M',
    '#define FW_RUNTIME_MAX_SIZE SZ_512M',
    '#define FW_RUNTIME_MIN_ADDR (FW_GLOBAL_MEM_START)',
    '#define FW_RUNTIME_MAX_ADDR (FW_GLOBAL_MEM_END - FW_SHARED_MEM_SIZE)',
    '',
  ].join('\n');
  const sizes = collectText('#define SZ_256M 0x10000000\n#define SZ_512M 0x20000000\n#define SZ_1G 0x40000000\n', '/k/include/linux/sizes.h', { family: 'c' });
  assert.deepEqual(checkText(t, '/k/drivers/accel/acme/acme_fw.c', { layout: L4, family: 'c', included: [sizes] }), []);
  // Two real ranges of the same file that overlap are still reported.
  assert.deepEqual(check('#define RING_A_START 0x80000000\n#define RING_A_END 0xc0000000\n#define RING_B_START 0xb0000000\n#define RING_B_END 0xd0000000\n', L4, '/k/drivers/acme/ring.h').map((x) => x.code), ['PL003']);
});

test('principle (stated size): EDK II-style BASE_128TB is a size, not a non-canonical address (PL001)', () => {
  assert.deepEqual(check('#define BASE_64TB 0x0000400000000000ULL\n#define BASE_128TB 0x0000800000000000ULL\n#define BASE_256TB 0x0001000000000000ULL\n', L4, '/fw/MdePkg/Include/Base.h'), []);
});

test('principle (certain addresses): a pointer cast is the CPU\'s address even in a driver directory', () => {
  assert.deepEqual(check('static void __iomem *probe = (void __iomem *)0xffff7fffffff0000UL;\n', L4, '/k/drivers/acme/probe.c').map((x) => x.code), ['PL001']);
  // A named device address there is not the CPU's.
  assert.deepEqual(check('#define ACME_VA_HOST_BASE 0xffff7fffffff0000UL\n', L4, '/k/drivers/acme/probe.c'), []);
});

test('tree kind: a hypervisor tree read with its own layout has none of the hole findings a Linux layout gives it', () => {
  const text = fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/trees/xen/xen/arch/x86/include/asm/config.h'), 'utf8');
  const file = '/src/xen/xen/arch/x86/include/asm/config.h';
  assert.deepEqual([...new Set(check(text, L4, file).map((x) => x.code))], ['PL005']);
  assert.deepEqual(check(text, getPreset('xen-x86_64')!, file), []);
});

test('principle (envelopes): a range that names a hole or a reservation is not overlapped by its owner\'s areas (PL003)', () => {
  const t = [
    '#define HYPERVISOR_VIRT_START 0xffff800000000000UL',
    '#define HYPERVISOR_VIRT_END 0xffff880000000000UL',
    '#define DIRECTMAP_VIRT_START 0xffff830000000000UL',
    '#define DIRECTMAP_VIRT_END 0xffffff8000000000UL /* the idle view continues the 1:1 map past slot 271 */',
    '',
  ].join('\n');
  assert.deepEqual(check(t, getPreset('xen-x86_64')!, '/src/xen/arch/x86/include/asm/config.h'), []);
  // Two ordinary areas that overlap partly are still reported.
  assert.deepEqual(check(t.replace(/HYPERVISOR_VIRT/g, 'PERDOMAIN_VIRT'), getPreset('xen-x86_64')!, '/src/xen/arch/x86/include/asm/config.h').map((x) => x.code), ['PL003']);
});

// Round 2 (docs/precision.md): classes of QEMU's bundled boot-loader tree, removed by principle.

test('principle (relative ends): an END below the START\'s alignment is relative to it, not an end below the start (PL007)', () => {
  const t = '#define BOARD_INIT_RAM_ADDR 0xf0000000\n#define BOARD_INIT_RAM_END 0x4000 /* end of the used area, from its start */\n' +
    '#define BOARD_INIT_RAM1_ADDR 0xf2001000\n#define BOARD_INIT_RAM1_END 0x1000 /* a size equal to the start\'s alignment */\n';
  assert.deepEqual(check(t, L4, '/fw/include/configs/board.h'), []);
  // A memory-test window written backwards (a digit slip) is a real mistake.
  assert.deepEqual(check('#define BOARD_MEMTEST_START 0x70000000\n#define BOARD_MEMTEST_END 0x23e00000\n', L4, '/fw/include/configs/board.h').map((x) => x.code), ['PL007']);
  // A reversed pair of absolute values is still reported (the fixture's SWAP_AREA pair, a reversed 32-bit pair).
  assert.deepEqual(check('#define C_START 0x90000000\n#define C_END 0x80000000\n', L4, '/fw/include/configs/board.h').map((x) => x.code), ['PL007']);
});

test('principle (address spaces): a bus\'s I/O space (PCI_IO_BASE/SIZE) is a port space; its CPU window is memory (PL003)', () => {
  const t = '#define BOARD_PCI1_IO_BASE 0x00000000\n#define BOARD_PCI1_IO_SIZE 0x00100000\n#define BOARD_LOW_RAM_START 0x00080000\n#define BOARD_LOW_RAM_END 0x00400000\n';
  assert.deepEqual(check(t, L4, '/fw/include/configs/board.h'), []);
  const phys = '#define BOARD_PCI1_IO_PHYS_BASE 0x00000000\n#define BOARD_PCI1_IO_PHYS_SIZE 0x00100000\n#define BOARD_LOW_RAM_PHYS_START 0x00080000\n#define BOARD_LOW_RAM_PHYS_END 0x00400000\n';
  assert.deepEqual(check(phys, L4, '/fw/include/configs/board.h').map((x) => x.code), ['PL003']);
});

test('principle (range pairs): a memory-test window spans the memory it tests, not a region (PL003)', () => {
  const t = '#define BOARD_BANK0_START 0x00000000\n#define BOARD_BANK0_END 0x04000000\n#define BOARD_BANK1_START 0x04000000\n#define BOARD_BANK1_END 0x08000000\n' +
    '#define BOARD_MEMTEST_START 0x00400000\n#define BOARD_MEMTEST_END 0x07c00000\n';
  assert.deepEqual(check(t, L4, '/fw/include/configs/board.h'), []);
});

test('principle (file context): an architecture named with its width or toolchain name (loongarch64/, aarch64/, ppc64le/) is another architecture', () => {
  for (const p of ['/q/tests/tcg/loongarch64/system/kernel.ld', '/q/tests/tcg/aarch64/system/kernel.ld', '/q/pc-bios/s390x/start.S', '/q/tests/ppc64le/x.S', '/q/roms/mips64el/x.ld']) {
    assert.equal(layoutAppliesToPath(p, L4), false, p);
  }
  assert.equal(layoutAppliesToPath('/q/tests/tcg/aarch64/system/kernel.ld', getPreset('linux-arm64-4k-48bit')!), true);
  assert.equal(layoutAppliesToPath('/q/tests/tcg/x86_64/system/kernel.ld', L4), true);
  assert.equal(layoutAppliesToPath('/q/tests/tcg/x86_64/system/kernel.ld', getPreset('linux-x86_32')!), false);
  assert.equal(layoutAppliesToPath('/q/tests/tcg/i386/system/kernel.ld', L4), false);
  assert.deepEqual(checkText('SECTIONS { . = 0x9000000000200000; }\n', '/q/tests/tcg/loongarch64/system/kernel.ld', { layout: L4, family: 'ld' }), []);
});

test('PL001 one edit from a canonical address: a GNU as immediate one digit from the direct-map base, with the candidate as the fix', () => {
  const text = [
    '\t.text',
    '\tmovabsq $0xfff8880000000000, %rdx', // one digit from 0xffff880000000000
    '\tmovabsq $0xffff880000000000, %rdx', // canonical: silent
    '\tmovabsq $0x00ff000000000000, %rax', // a contiguous mask
    '\tmovabsq $0x0123456789abcdef, %rax', // no zeros of a base: data
    '\tmovabsq $0x8000000000000000, %rax', // a lone bit
    '\tmovabsq $0x5555000000000000, %rax', // non-canonical, no canonical address one digit away inside a region
    '',
  ].join('\n');
  const f = checkText(text, 'arch/x86/kernel/head_64.S', { layout: L27, family: 'gas' });
  assert.deepEqual(f.map((x) => [x.code, x.range.line]), [['PL001', 1]], f.map((x) => `${x.code} ${x.message}`).join('\n'));
  assert.match(f[0].message, /one digit from 0xffff_?8800_?0000_?0000 \(direct map/i);
  assert.equal(f[0].fixes[0].edits[0].newText, '0xffff880000000000');
  // the same immediate in a driver (no CPU-address context): silent
  assert.deepEqual(checkText(text, 'drivers/net/x.S', { layout: L27, family: 'gas' }).map((x) => x.code), []);
});

test('oneEditCandidates: changed digits and swapped neighbours that land in a mapped region, region starts first', () => {
  const mode = getMode('x86_64-4level')!;
  // swapped neighbours: 0xffff880000000000 spelled 0xfff8f80000000000
  assert.deepEqual(oneEditCandidates('fff8f80000000000', mode, L27), [0xffff880000000000n]);
  // inside the user half or a hole only: none
  assert.deepEqual(oneEditCandidates('0000900000000000', mode, L27), []);
  assert.deepEqual(oneEditCandidates('fff', mode, L27), []);
});

test('a definition OR-ed from flag bits is a set of flags, not an address (a machine-check status mask named ..._ADDR)', () => {
  const head = '#define ST_ADDRV (1ULL << 58)\n#define ST_MISCV (1ULL << 59)\n';
  // the same two bits added: an address-like value the rule still reads (so the rule can fire here)
  assert.deepEqual(check(head + '#define ST_ADDR (ST_ADDRV + ST_MISCV)\n', L4).map((f) => f.code), ['PL001']);
  assert.deepEqual(check(head + '#define ST_ADDR (ST_ADDRV | ST_MISCV)\n', L4).map((f) => `${f.code} ${f.message}`), []);
});

test('under 64 KiB pages: another architecture\'s region start needs only 4 KiB alignment; a byte pattern is not one edit from an address', () => {
  const L64K = getPreset('linux-arm64-64k-52bit')!;
  const start = '#define SCRATCH_BASE\t(-32768l)\t/* 0xffffffffffff8000: 4 KiB aligned, not 64 KiB */\n';
  assert.deepEqual(checkText(start, 'arch/arm64/include/asm/x.h', { layout: L64K, family: 'c' }).map((f) => f.code), ['PL004']);
  assert.deepEqual(checkText(start, 'arch/mips/include/asm/octeon/x.h', { layout: L64K, family: 'c' }).map((f) => f.code), []);
  const imm = (v: string) => checkText(`static const unsigned long long v = ${v}ULL;\n`, 'lib/x.c', { layout: L64K, family: 'c' }).map((f) => f.code);
  assert.deepEqual(imm('0xff00ff0000000000'), []);
  assert.deepEqual(imm('0xff00fe0000000000'), ['PL001']);
});
