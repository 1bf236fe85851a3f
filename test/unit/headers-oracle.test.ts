// The header oracle: every value listed in ../shared/reference/layouts/linux-x86_64-headers.txt (the
// defining lines of Linux x86 and Xen headers with their evaluated values) must come out right from
// our fixture headers (test/fixtures/headers), which reproduce those defining lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText, DocumentAnalysis } from '../../src/engine/source/analysis';
import { condText } from '../../src/engine/source/evaluate';
import { getMode } from '../../src/engine/paging/modes';
import { DefineSettings } from '../../src/engine/source';

const REPO = path.resolve(__dirname, '../../..');
const FIX = path.join(REPO, 'test/fixtures/headers');
const ORACLE = path.resolve(REPO, '../shared/reference/layouts/linux-x86_64-headers.txt');
const readFile = (p: string) => { try { return fs.readFileSync(p, 'utf8'); } catch { return undefined; } };

function open(rel: string, mode: string, defines: DefineSettings = {}, includeDirs: string[] = []): DocumentAnalysis {
  const file = path.join(FIX, rel);
  return analyzeText(fs.readFileSync(file, 'utf8'), { file, readFile, mode: getMode(mode)!, defines, includeDirs: includeDirs.map((d) => path.join(FIX, d)) });
}

const MODERN_DIRS = ['modern/include/uapi', 'modern/arch/x86/include'];
const modern = (mode: string, defines: DefineSettings = {}) => open('modern/arch/x86/include/asm/layout.h', mode, defines, MODERN_DIRS);

/** The single value of a name (all alternatives must agree). */
function single(a: DocumentAnalysis, name: string): bigint | undefined {
  const alts = a.deriveName(name).alternatives;
  const vals = new Set(alts.map((x) => x.u64));
  assert.equal(vals.size, 1, `${name}: ${alts.map((x) => `${x.u64?.toString(16)} if ${x.conditions.map(condText).join(' && ')}`).join(' | ')}`);
  return alts[0].u64;
}

/** The "evaluated" lines of the oracle: label -> value. */
function oracleValues(): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const line of fs.readFileSync(ORACLE, 'utf8').split('\n')) {
    const m = /^\s{3}([A-Z_][A-Z0-9_]*(?: L[45])?(?: \([^)]*\))?)\s+= (0x[0-9a-f]+)\s*$/.exec(line);
    if (m) out.set(m[1].trim(), BigInt(m[2]));
  }
  const ldt = /LDT_BASE_ADDR L4 \(-3<<39\) = (0x[0-9a-f]+) ; L5 \(-112<<48\) = (0x[0-9a-f]+)/.exec(fs.readFileSync(ORACLE, 'utf8'));
  if (ldt) { out.set('older LDT_BASE_ADDR L4', BigInt(ldt[1])); out.set('older LDT_BASE_ADDR L5', BigInt(ldt[2])); }
  return out;
}

test('the oracle lists the evaluated values we check', () => {
  const o = oracleValues();
  assert.equal(o.size, 20);
  assert.equal(o.get('MODULES_VADDR (KASLR, KERNEL_IMAGE_SIZE 1G)'), 0xffffffffc0000000n);
});

test('every evaluated value of the oracle comes out right', () => {
  const o = oracleValues();
  const L4 = 'x86_64-4level', L5 = 'x86_64-5level';
  const noDyn = { CONFIG_DYNAMIC_MEMORY_LAYOUT: false, CONFIG_KMSAN: false };
  const checks: [string, () => bigint | undefined][] = [
    ['GUARD_HOLE_BASE_ADDR L4', () => single(modern(L4), 'GUARD_HOLE_BASE_ADDR')],
    ['GUARD_HOLE_END_ADDR L4', () => single(modern(L4), 'GUARD_HOLE_END_ADDR')],
    ['GUARD_HOLE_BASE_ADDR L5', () => single(modern(L5), 'GUARD_HOLE_BASE_ADDR')],
    ['GUARD_HOLE_END_ADDR L5', () => single(modern(L5), 'GUARD_HOLE_END_ADDR')],
    ['LDT_BASE_ADDR L4', () => single(modern(L4), 'LDT_BASE_ADDR')],
    ['LDT_END_ADDR L4', () => single(modern(L4), 'LDT_END_ADDR')],
    ['LDT_BASE_ADDR L5', () => single(modern(L5), 'LDT_BASE_ADDR')],
    ['LDT_END_ADDR L5', () => single(modern(L5), 'LDT_END_ADDR')],
    ['VMALLOC_END L4 (non-KMSAN)', () => single(modern(L4, noDyn), 'VMALLOC_END')],
    // 5-level: the dynamic layout with vmalloc_base at its 5-level default
    ['VMALLOC_END L5 (non-KMSAN)', () => single(modern(L5, { CONFIG_DYNAMIC_MEMORY_LAYOUT: true, CONFIG_KMSAN: false, vmalloc_base: '__VMALLOC_BASE_L5' }), 'VMALLOC_END')],
    ['ESPFIX_BASE_ADDR', () => single(modern(L4), 'ESPFIX_BASE_ADDR')],
    ['CPU_ENTRY_AREA_BASE', () => single(modern(L4), 'CPU_ENTRY_AREA_BASE')],
    ['EFI_VA_START', () => single(modern(L4), 'EFI_VA_START')],
    ['EFI_VA_END', () => single(modern(L4), 'EFI_VA_END')],
    ['MODULES_VADDR (KASLR, KERNEL_IMAGE_SIZE 1G)', () => single(modern(L4, { CONFIG_RANDOMIZE_BASE: true }), 'MODULES_VADDR')],
    ['MODULES_VADDR (no KASLR, 512M)', () => single(modern(L4, { CONFIG_RANDOMIZE_BASE: false }), 'MODULES_VADDR')],
    ['TASK_SIZE_MAX L4 (older formula)', () => single(open('modern/arch/x86/include/asm/page_64_types_old.h', L4), 'TASK_SIZE_MAX')],
    ['TASK_SIZE_MAX L5 (older formula)', () => single(open('modern/arch/x86/include/asm/page_64_types_old.h', L5), 'TASK_SIZE_MAX')],
    ['older LDT_BASE_ADDR L4', () => single(open('older/arch/x86/include/asm/pgtable_64_types.h', L4), 'LDT_BASE_ADDR')],
    ['older LDT_BASE_ADDR L5', () => single(open('older/arch/x86/include/asm/pgtable_64_types.h', L5), 'LDT_BASE_ADDR')],
  ];
  assert.equal(checks.length, o.size);
  for (const [label, got] of checks) {
    assert.ok(o.has(label), label);
    assert.equal(got(), o.get(label), label);
  }
});

test('every literal-valued #define line of the oracle is reproduced by a fixture and evaluates to its literal', () => {
  // Collect fixture definitions by name.
  const files: string[] = [];
  const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name)); };
  walk(FIX);
  const byName = new Map<string, { a: DocumentAnalysis; body: string; value?: bigint }[]>();
  for (const f of files) {
    const a = analyzeText(fs.readFileSync(f, 'utf8'), { file: f, mode: getMode('x86_64-4level')!, defines: {} });
    for (const d of a.definitions) {
      const list = byName.get(d.name) ?? [];
      list.push({ a, body: d.bodyText.replace(/\s+/g, ''), value: a.deriveDefinition(d).alternatives[0].u64 });
      byName.set(d.name, list);
    }
  }
  let checked = 0;
  for (const line of fs.readFileSync(ORACLE, 'utf8').split('\n')) {
    const m = /^#\s*define\s+([A-Za-z_]\w*)\s+(.*?)\s*(\/\*.*)?$/.exec(line);
    if (!m) continue;
    const [, name, body] = m;
    const lit = /^(?:_AC\(\s*(0x[0-9a-fA-F]+|\d+)\s*,\s*UL\s*\)|(0x[0-9a-fA-F]+|\d+)U?L?)$/.exec(body);
    if (!lit) continue;
    const expected = BigInt(lit[1] ?? lit[2]);
    const defs = byName.get(name) ?? [];
    const same = defs.filter((d) => d.body === body.replace(/\s+/g, ''));
    assert.ok(same.length > 0, `fixture reproduces #define ${name} ${body}`);
    assert.ok(same.some((d) => d.value === expected), `${name} = ${body} -> 0x${expected.toString(16)}`);
    checked++;
  }
  assert.ok(checked >= 60, `checked ${checked} literal definitions`);
});

test('Linux 2.6.26 and 2.6.27: the Xen hole moved __PAGE_OFFSET; derived values', () => {
  const a26 = open('v2.6.26/include/asm-x86/pgtable_64.h', 'x86_64-4level');
  const a27 = open('v2.6.27/include/asm-x86/pgtable_64.h', 'x86_64-4level', { CONFIG_PHYSICAL_START: '0x1000000' });
  assert.equal(single(a26, '__PAGE_OFFSET'), 0xffff810000000000n);
  assert.equal(single(a27, '__PAGE_OFFSET'), 0xffff880000000000n);
  assert.equal(a26.evaluate('pgd_index(__PAGE_OFFSET)').alternatives[0].u64, 258n);
  assert.equal(a27.evaluate('pgd_index(__PAGE_OFFSET)').alternatives[0].u64, 272n);
  assert.equal(single(a26, 'MODULES_LEN'), 0x5ff00000n);
  assert.equal(single(a27, 'MODULES_LEN'), 0x5f000000n);
  assert.equal(single(a26, 'VSYSCALL_START'), 0xffffffffff600000n);
  assert.equal(single(a26, 'VSYSCALL_END'), 0xffffffffffe00000n);
  assert.equal(single(a26, 'FIXADDR_TOP'), 0xffffffffffdff000n);
  assert.equal(single(a26, 'TASK_SIZE64'), 0x7ffffffff000n);
  assert.equal(single(a26, 'KERNEL_IMAGE_SIZE'), 0x20000000n);
  assert.equal(single(a26, 'MAXMEM'), 0x3fffffffffffn);
  const fix = a26.deriveName('FIXADDR_START').alternatives[0];
  assert.equal(fix.u64, undefined);
  assert.deepEqual(fix.unresolved, ['__end_of_fixed_addresses']);
  assert.deepEqual(a26.deriveName('__START_KERNEL').alternatives[0].unresolved, ['CONFIG_PHYSICAL_START']);
  assert.equal(single(a27, '__START_KERNEL'), 0xffffffff81000000n);
  assert.equal(single(a27, 'MAX_PHYSMEM_BITS'), 44n);
  assert.equal(single(a27, 'SECTION_SIZE_BITS'), 27n);
  const pae = open('v2.6.27/include/asm-x86/pgtable_64.h', 'x86_32-pae');
  assert.equal(single(pae, 'MAX_PHYSMEM_BITS'), 36n);
  const np = open('v2.6.27/include/asm-x86/pgtable_64.h', 'x86_32');
  assert.equal(single(np, 'MAX_PHYSMEM_BITS'), 32n);
});

test('modern headers: runtime variables, KASLR alternatives, other derived values', () => {
  const a = modern('x86_64-4level');
  const po = a.deriveName('__PAGE_OFFSET').alternatives[0];
  assert.equal(po.u64, undefined);
  assert.equal(po.error, 'cannot evaluate: runtime variable page_offset_base');
  assert.deepEqual(a.deriveName('MODULES_VADDR').alternatives.map((x) => [x.u64, x.conditions.map(condText).join()]), [
    [0xffffffffc0000000n, 'CONFIG_RANDOMIZE_BASE'], [0xffffffffa0000000n, '!CONFIG_RANDOMIZE_BASE'],
  ]);
  assert.equal(single(a, 'PGD_KERNEL_START'), 256n);
  assert.equal(single(a, 'DEFAULT_MAP_WINDOW'), 0x7ffffffff000n);
  assert.equal(single(a, '__PAGE_OFFSET_BASE_L4'), 0xffff888000000000n);
  assert.equal(a.evaluate('pgd_index(__PAGE_OFFSET_BASE_L4)').alternatives[0].u64, 273n);
  assert.equal(single(a, 'GUARD_HOLE_SIZE'), 16n << 39n);
  assert.equal(single(a, '__VIRTUAL_MASK_SHIFT'), 47n);
  assert.equal(single(modern('x86_64-5level'), '__VIRTUAL_MASK_SHIFT'), 56n);
  assert.equal(single(a, 'MAXMEM'), 1n << 46n);
  assert.equal(single(modern('x86_64-5level'), 'MAXMEM'), 1n << 52n);
  assert.equal(single(a, 'PMD_SIZE'), 2n << 20n);
  assert.deepEqual(a.deriveName('IA32_PAGE_OFFSET').alternatives[0].runtime, ['current']);
  assert.deepEqual(a.deriveName('TASK_SIZE_MAX').alternatives[0].runtime, ['task_size_max()']);
  // the missing <asm/kaslr.h> is reported, not fatal
  assert.ok(a.includes.length === 2);
  const dyn = modern('x86_64-4level', { CONFIG_DYNAMIC_MEMORY_LAYOUT: true });
  assert.equal(dyn.deriveName('VMALLOC_START').alternatives[0].error, 'cannot evaluate: runtime variable vmalloc_base');
  assert.equal(dyn.deriveName('VMEMMAP_START').alternatives[0].error, 'cannot evaluate: runtime variable vmemmap_base');
  const kmsan = modern('x86_64-4level', { CONFIG_DYNAMIC_MEMORY_LAYOUT: false, CONFIG_KMSAN: true });
  assert.equal(single(kmsan, 'VMALLOC_END'), 0xffffc90000000000n + (32n << 38n) - 1n);
});

test('x86-32 headers under the x86-32 modes', () => {
  const np = open('x86_32/arch/x86/include/asm/page_32_types.h', 'x86_32', { CONFIG_PAGE_OFFSET: '0xC0000000' });
  const pae = open('x86_32/arch/x86/include/asm/page_32_types.h', 'x86_32-pae', { CONFIG_PAGE_OFFSET: '0xC0000000' });
  assert.equal(single(np, '__PAGE_OFFSET'), 0xc0000000n);
  assert.equal(single(np, '__START_KERNEL_map'), 0xc0000000n);
  assert.equal(single(np, 'PGD_KERNEL_START'), 0x300n);
  assert.equal(single(pae, 'PGD_KERNEL_START'), 3n);
  assert.equal(single(np, 'LAST_PKMAP'), 1024n);
  assert.equal(single(pae, 'LAST_PKMAP'), 512n);
  assert.equal(single(pae, '__PHYSICAL_MASK_SHIFT'), 52n);
  assert.equal(single(np, 'VMALLOC_OFFSET'), 0x800000n);
  assert.deepEqual(np.deriveName('VMALLOC_START').alternatives[0].runtime, ['high_memory']);
  assert.deepEqual(np.deriveName('MAXMEM').alternatives[0].runtime, ['__VMALLOC_RESERVE']);
  const pinned = open('x86_32/arch/x86/include/asm/page_32_types.h', 'x86_32', { CONFIG_PAGE_OFFSET: '0xC0000000', __VMALLOC_RESERVE: '(128 << 20)' });
  assert.equal(single(pinned, 'MAXMEM'), 0x38000000n); // 32-bit unsigned long wraps
  const unset = open('x86_32/arch/x86/include/asm/page_32_types.h', 'x86_32');
  assert.deepEqual(unset.deriveName('__PAGE_OFFSET').alternatives[0].unresolved, ['CONFIG_PAGE_OFFSET']);
});

test('Xen: PML4_ADDR slots and the hypervisor range', () => {
  const x = open('xen/asm/config.h', 'x86_64-4level');
  const pub = open('xen/public/xen-x86_64.h', 'x86_64-4level');
  assert.equal(single(x, 'HYPERVISOR_VIRT_START'), single(pub, '__HYPERVISOR_VIRT_START'));
  assert.equal(single(x, 'HYPERVISOR_VIRT_END'), single(pub, '__HYPERVISOR_VIRT_END'));
  assert.equal(single(x, 'HYPERVISOR_VIRT_START'), 0xffff800000000000n);
  assert.equal(single(x, 'HYPERVISOR_VIRT_END'), 0xffff880000000000n);
  assert.equal(single(x, 'DIRECTMAP_VIRT_START'), 0xffff830000000000n);
  assert.equal(single(x, 'DIRECTMAP_SIZE'), 249n << 39n);
  assert.equal(x.evaluate('PML4_ADDR(511)').alternatives[0].u64, 0xffffff8000000000n);
  assert.equal(x.evaluate('PML4_ADDR(0)').alternatives[0].u64, 0n);
  assert.equal(x.evaluate('PML4_ADDR(ROOT_PAGETABLE_LAST_XEN_SLOT + 1)').alternatives[0].u64, 0xffff880000000000n);
  assert.equal(single(x, '__HYPERVISOR_COMPAT_VIRT_START'), 0xf5800000n);
  assert.equal(single(pub, '__MACH2PHYS_VIRT_END'), 0xffff804000000000n);
});
