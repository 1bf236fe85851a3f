// The memory-map importers, one format at a time: samples written from each format's documented shape
// (test/fixtures/dumps), malformed lines with their line numbers, hidden (hashed or zeroed) addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import {
  detectFormat, importMemoryMap, ImportResult, parseCrashHelp, parseCrashKmemV, parseCrashVtop, parseLdMap, parsePageTableDump,
  parseQemuInfoMem, parseQemuInfoMemRiscv, parseQemuInfoTlb, parseReadelf, parseVmallocinfo,
} from '../../src/engine/map';

const REPO = path.resolve(__dirname, '../../..');
const fixture = (name: string) => fs.readFileSync(path.join(REPO, 'test/fixtures/dumps', name), 'utf8');

function sortedDisjoint(r: ImportResult): void {
  const regions = r.layout!.regions;
  for (let i = 1; i < regions.length; i++) assert.ok(regions[i].start > regions[i - 1].end, `${regions[i].name} after ${regions[i - 1].name}`);
}
const region = (r: ImportResult, start: bigint) => r.layout!.regions.find((x) => x.start === start);
const fact = (r: ImportResult, name: string) => r.facts.find((f) => f.name === name);

test('x86 ptdump of a KASLR boot: the direct-map, vmalloc and vmemmap markers give the randomised bases', () => {
  const r = parsePageTableDump(fixture('ptdump-kaslr.txt'), { name: 'kernel' });
  assert.deepEqual(r.problems, []);
  assert.equal(r.format, 'ptdump');
  assert.equal(r.layout!.mode, 'x86_64-4level');
  assert.equal(fact(r, 'page_offset_base')!.value, 0xffff9d8b00000000n);
  assert.equal(fact(r, 'page_offset_base')!.line, 8, 'the marker line');
  assert.equal(fact(r, 'vmalloc_base')!.value, 0xffffb3c4c0000000n);
  assert.equal(fact(r, 'vmemmap_base')!.value, 0xffffd6a740000000n);
  const text = region(r, 0xffffffff9a200000n)!;
  assert.equal(text.kind, 'kernel-text');
  assert.equal(text.name, 'High Kernel Mapping: ro PSE GLB x');
  assert.equal(text.end, 0xffffffff9a200000n + (14n << 20n) - 1n);
  // The last range ends at 2^64, printed as 0; it is not present, so no region, and no problem.
  assert.ok(r.entries.some((e) => e.type === 'marker' && e.name === 'Fixmap Area' && e.start === 0xffffffffff600000n));
  sortedDisjoint(r);
});

test('x86 ptdump: a base marker followed by a top-level range is not taken as the base', () => {
  const dump = ['---[ Kernel Space ]---', '0xffff800000000000-0xffff888000000000           8T                               pgd',
    '---[ Low Kernel Mapping ]---', '0xffff888000000000-0xffff890000000000         512G                               pgd',
    '0xffff890000000000-0xffff890000200000           2M     RW         PSE     GLB NX pmd'].join('\n');
  const r = parsePageTableDump(dump);
  assert.equal(fact(r, 'page_offset_base'), undefined);
  assert.ok(r.problems.some((p) => p.line === 3 && /page_offset_base is only known to be at or below 0xffff888000000000/.test(p.message)), JSON.stringify(r.problems));
});

test('arm64 ptdump: level after the size, start/end markers, 4 KiB granule from the PTE ranges, symbols from the markers', () => {
  const text = fixture('ptdump-arm64.txt');
  assert.equal(detectFormat(text), 'ptdump-arm64');
  const r = parsePageTableDump(text, { name: 'kernel_page_tables' });
  assert.deepEqual(r.problems, []);
  assert.equal(r.format, 'ptdump-arm64');
  assert.equal(r.layout!.mode, 'arm64-4k-48');
  const first = r.layout!.regions[0];
  assert.equal(first.name, 'Linear Mapping: RW NX SHD AF BLK UXN MEM/NORMAL-TAGGED');
  assert.equal(first.start, 0xffff000000000000n);
  assert.equal(first.end, 0xffff0000001fffffn);
  assert.equal(first.kind, 'direct-map');
  assert.match(first.description, /at the PMD level/);
  const dev = r.layout!.regions.find((x) => x.name.includes('DEVICE/nGnRE'))!;
  assert.equal(dev.kind, 'vmalloc');
  assert.equal(dev.start, 0xffff800080010000n);
  const sym = (n: string) => r.layout!.symbols.find((s) => s.name === n)?.value;
  assert.equal(sym('PAGE_OFFSET'), 0xffff000000000000n);
  assert.equal(sym('VMALLOC_START'), 0xffff800080000000n);
  assert.equal(sym('VMEMMAP_START'), 0xfffffc0000000000n);
  assert.equal(r.facts.length, 0, 'arm64 bases are static: no boot values from the markers');
  // Ranges after "Linear Mapping end" belong to no area of the dump.
  assert.ok(!r.layout!.regions.some((x) => x.name.startsWith('Linear Mapping:') && x.start >= 0xffff800000000000n));
  sortedDisjoint(r);
});

test('arm64 ptdump with only 64 KiB-multiple ranges: the page size is not evident, and that is said', () => {
  const dump = ['---[ Linear Mapping start ]---',
    '0xffff000000000000-0xffff000020000000         512M PMD       RW NX SHD AF            BLK UXN    MEM/NORMAL'].join('\n');
  const r = parsePageTableDump(dump);
  assert.equal(r.layout!.mode, 'arm64-64k-48', 'a 512 MiB block at PMD level is a 64 KiB granule');
  const r2 = parsePageTableDump(['---[ Linear Mapping start ]---', '0xffff000000000000-0xffff000040000000           1G PUD       RW NX SHD AF            BLK UXN    MEM/NORMAL'].join('\n'));
  assert.ok(r2.problems.some((p) => /does not show the page size/.test(p.message)), JSON.stringify(r2.problems));
});

test('/proc/vmallocinfo: areas with callers, pages, phys and flags; modules by their allocator', () => {
  const r = parseVmallocinfo(fixture('vmallocinfo.txt'), { name: 'vmallocinfo' });
  assert.deepEqual(r.problems, []);
  assert.equal(r.entries.length, 8);
  const io = r.entries[0];
  assert.equal(io.start, 0xffffb3c4c0000000n);
  assert.equal(io.end, 0xffffb3c4c0001fffn);
  assert.deepEqual(io.attrs, { size: '8192', phys: '0x00000000fed00000', caller: 'acpi_os_map_iomem+0x1bc/0x1e0', flags: 'ioremap' });
  const mod = r.entries.find((e) => e.attrs?.caller === 'demo_nic_probe+0x88/0x200 [demo_nic]')!;
  assert.equal(mod.attrs!.phys, '0x00000000febd0000');
  assert.equal(region(r, 0xffffffffc0a01000n)!.kind, 'modules');
  assert.equal(r.entries.find((e) => e.attrs?.area === 'unpurged vm_area')!.start, 0xffffb3c4c0100000n);
  assert.equal(region(r, 0xffffb3c4c0009000n)!.name, 'vm_map_ram');
  assert.equal(r.hidden, undefined);
  sortedDisjoint(r);
});

test('/proc/vmallocinfo with hashed pointers: recognised, counted, explained, never drawn', () => {
  const r = parseVmallocinfo(fixture('vmallocinfo-hashed.txt'));
  assert.equal(r.layout, undefined);
  assert.equal(r.entries.length, 0);
  assert.deepEqual(r.hidden, { count: 4, firstLine: 1, reason: 'hashed' });
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0].message, /4 of 4 areas show hashed pointers.*kptr_restrict = 0/);
  const zero = parseVmallocinfo('0x0000000000000000-0x0000000000000000    8192 demo+0x1/0x2 vmalloc\n');
  assert.equal(zero.layout, undefined);
  assert.equal(zero.hidden!.reason, 'zeroed');
  assert.match(zero.problems[0].message, /show 0 as their addresses/);
});

test('/proc/vmallocinfo: malformed lines are named by line and skipped', () => {
  const r = parseVmallocinfo([
    '0xffffc90000000000-0xffffc90000002000    8192 ok_caller+0x1/0x10 vmalloc',
    'garbage here',
    '0xffffc90000004000-0xffffc90000002000    8192 backwards+0x1/0x10 vmalloc',
    '0xffffc90000010000-0xffffc90000012000    8192 ok+0x1/0x2 %%%',
  ].join('\n'));
  assert.equal(r.layout!.regions.length, 1);
  assert.deepEqual(r.problems.map((p) => p.line), [2, 3, 4]);
  assert.match(r.problems[0].message, /not a \/proc\/vmallocinfo line: 'garbage here'/);
  assert.match(r.problems[1].message, /is not above start/);
  assert.match(r.problems[2].message, /unexpected word '%%%'/);
});

test('crash help -m (x86-64): bases, paging depth, KASLR offset from help -k; regions from the ranges', () => {
  const r = parseCrashHelp(fixture('crash-help-m.txt'), { name: 'help-m' });
  assert.deepEqual(r.problems, []);
  assert.equal(fact(r, 'page_offset_base')!.value, 0xffff9d8b00000000n);
  assert.equal(fact(r, 'vmalloc_base')!.value, 0xffffb3c4c0000000n);
  assert.equal(fact(r, 'vmemmap_base')!.value, 0xffffd6a740000000n);
  assert.equal(fact(r, 'phys_base')!.value, 0x28c00000n);
  assert.equal(fact(r, 'kaslr_offset')!.value, 0x19200000n);
  assert.equal(fact(r, 'kaslr_offset')!.line, 42);
  assert.equal(fact(r, 'pgtable_l5_enabled')!.value, 0n);
  assert.equal(fact(r, 'vabits_actual')!.value, 48n);
  const vm = r.layout!.regions.find((x) => x.kind === 'vmalloc')!;
  assert.equal(vm.start, 0xffffb3c4c0000000n);
  assert.equal(vm.end, 0xffffd3c4bfffffffn, 'crash prints the inclusive end');
  const mods = r.layout!.regions.find((x) => x.kind === 'modules')!;
  assert.equal(mods.end, 0xfffffffffeffffffn, 'a page-aligned end is exclusive');
  const dm = r.layout!.regions.find((x) => x.kind === 'direct-map')!;
  assert.equal(dm.start, 0xffff9d8b00000000n);
  assert.equal(dm.end, 0xffffb3c4bfffffffn, 'up to the next range crash states');
  sortedDisjoint(r);
});

test('crash help -m (arm64): VA_BITS_ACTUAL, kimage_voffset, phys_offset as memstart_addr; the image nests in vmalloc', () => {
  const r = parseCrashHelp(fixture('crash-help-m-arm64.txt'));
  assert.deepEqual(r.problems, []);
  assert.equal(fact(r, 'vabits_actual')!.value, 48n);
  assert.equal(fact(r, 'kimage_voffset')!.value, 0xffffc1d467400000n);
  assert.equal(fact(r, 'memstart_addr')!.value, 0x40000000n);
  assert.equal(fact(r, 'text_start')!.value, 0xffffc1d4a7600000n);
  assert.equal(fact(r, 'pgtable_l5_enabled'), undefined, 'no x86 paging depth for arm64');
  assert.equal(r.layout!.mode, 'arm64-4k-48');
  const img = r.layout!.regions.find((x) => x.name === 'kernel image')!;
  assert.equal(img.end, 0xffffc1d4a8ffffffn);
  assert.ok(r.layout!.regions.some((x) => x.name === 'vmalloc (after kernel image)' && x.start === 0xffffc1d4a9000000n));
  sortedDisjoint(r);
});

test('crash help: malformed lines and values are reported by line', () => {
  const r = parseCrashHelp('       page_offset: ffff888000000000\nthis is not crash output\n  vmalloc_start_addr: zzzz\n');
  assert.equal(fact(r, 'page_offset_base')!.value, 0xffff888000000000n);
  assert.deepEqual(r.problems.map((p) => p.line), [2, 3]);
  assert.match(r.problems[1].message, /vmalloc_start_addr: 'zzzz' is not a hex value/);
});

test('crash kmem -v: vmap areas with their vm_struct, end exclusive', () => {
  const r = parseCrashKmemV(fixture('crash-kmem-v.txt'));
  assert.deepEqual(r.problems, []);
  assert.equal(r.entries.length, 5);
  assert.deepEqual(r.entries[0].attrs, { vmap_area: 'ffff9d8b01a4e780', vm_struct: 'ffff9d8b01a4e7c0', size: '8192' });
  assert.equal(r.entries[0].end, 0xffffb3c4c0001fffn);
  const bad = parseCrashKmemV('VM_STRUCT                 ADDRESS RANGE               SIZE\nffff88800a1b2c00  ffffc90000000000 - ffffc90000002000    4096\nnonsense\n');
  assert.equal(bad.entries.length, 1, 'the old three-column shape');
  assert.ok(bad.problems.some((p) => p.line === 2 && /size 4096 differs from end - start \(8192\)/.test(p.message)));
  assert.ok(bad.problems.some((p) => p.line === 3 && /not a kmem -v line/.test(p.message)));
});

test('crash vtop: translations, page sizes from the walk, not-mapped addresses as entries only', () => {
  const r = parseCrashVtop(fixture('crash-vtop.txt'));
  assert.deepEqual(r.problems, []);
  assert.equal(r.entries.length, 3);
  const [big, small, none] = r.entries;
  assert.equal(big.start, 0xffffffff9a200040n);
  assert.equal(big.attrs!.physical, '0x000000002a000040');
  assert.equal(big.attrs!.pageSize, '2 MiB');
  assert.equal(big.attrs!.flags, 'PRESENT|ACCESSED|DIRTY|PSE|GLOBAL');
  assert.equal(small.attrs!.pageSize, '4 KiB');
  assert.equal(none.attrs!.status, 'not mapped');
  const page = region(r, 0xffffffff9a200000n)!;
  assert.equal(page.end, 0xffffffff9a3fffffn);
  assert.match(page.description, /physical 0x000000002a000000/);
  assert.equal(r.layout!.regions.length, 2);
  const bad = parseCrashVtop('   PUD: 1 => 2\n');
  assert.match(bad.problems[0].message, /before any VIRTUAL\/PHYSICAL result/);
});

test('QEMU info mem (x86): ranges with u/w, the lower half end printed sign-extended, the top end printed unextended', () => {
  const r = parseQemuInfoMem(fixture('qemu-info-mem.txt'));
  assert.deepEqual(r.problems, []);
  assert.equal(r.entries.length, 9);
  assert.equal(region(r, 0x7ffffffff000n)!.end, 0x7fffffffffffn);
  assert.equal(region(r, 0xfffffffffffff000n)!.end, 0xffffffffffffffffn);
  const ro = region(r, 0xffffffff9a200000n)!;
  assert.equal(ro.name, 'kernel read-only');
  assert.equal(ro.end, 0xffffffff9b5fffffn);
  assert.equal(region(r, 0x400000n)!.kind, 'user');
  const bad = parseQemuInfoMem('0000000000400000-0000000000402000 0000000000001000 ur-\nPG disabled\n');
  assert.match(bad.problems[0].message, /end 0x0000000000402000 is not start \+ size/);
  assert.equal(bad.problems[0].line, 1);
  assert.ok(bad.problems.some((p) => p.line === 2 && /runs without paging/.test(p.message)));
});

test('QEMU info tlb (x86): one page a line; large pages at their least size, 1 GiB possibility said', () => {
  const r = parseQemuInfoTlb(fixture('qemu-info-tlb.txt'));
  assert.deepEqual(r.problems, []);
  assert.equal(region(r, 0x400000n)!.end, 0x400fffn);
  assert.match(region(r, 0x401000n)!.description, /NX, writable, user/);
  assert.match(region(r, 0xffff9d8b00200000n)!.description, /^2 MiB page/);
  assert.match(region(r, 0xffff9d8b40000000n)!.description, /2 MiB or 1 GiB/);
  assert.match(region(r, 0xffffffff9a200000n)!.description, /executable, read-only, supervisor, global/);
  const bad = parseQemuInfoTlb('ffffffff9a200000: 000000002a000000 -GPDA---\n');
  assert.match(bad.problems[0].message, /not a line of x86 'info tlb' output/);
});

test('QEMU info mem (RISC-V): header, delimiter, rows with rwxugad; the smallest fitting mode', () => {
  const text = fixture('qemu-info-mem-riscv.txt');
  assert.equal(detectFormat(text), 'qemu-info-mem-riscv');
  const r = parseQemuInfoMemRiscv(text);
  assert.deepEqual(r.problems, []);
  assert.equal(r.layout!.mode, 'riscv64-sv48');
  const k = region(r, 0xffffffff80000000n)!;
  assert.equal(k.end, 0xffffffff80bfffffn);
  assert.equal(r.entries[3].attrs!.attr, 'rwx-ga-');
  assert.equal(r.entries[3].attrs!.physical, '0x0000000080200000');
  assert.equal(region(r, 0x10000n)!.kind, 'user');
  const sv39 = parseQemuInfoMemRiscv('ffffffc000000000 0000000080000000 0000000000200000 rw--gad\n');
  assert.equal(sv39.layout!.mode, 'riscv64-sv39');
  const bad = parseQemuInfoMemRiscv('ffffffc000000000 0000000080000000 0000000000200000 rw--ga\n');
  assert.match(bad.problems[0].message, /not a line of RISC-V 'info mem' output/);
});

test('GNU ld -Map (firmware): memory regions, output sections with load addresses, discarded sections skipped, free space', () => {
  const r = parseLdMap(fixture('ld-firmware.map'), { name: 'fw.map' });
  assert.deepEqual(r.problems, []);
  const mem = r.entries.filter((e) => e.type === 'memory');
  assert.deepEqual(mem.map((m) => [m.name, m.start, m.end]), [['FLASH', 0x08000000n, 0x0807ffffn], ['RAM', 0x20000000n, 0x2001ffffn]]);
  const data = r.entries.find((e) => e.type === 'section' && e.name === '.data')!;
  assert.equal(data.start, 0x20000000n);
  assert.equal(data.end, 0x20000003n);
  assert.equal(data.attrs!.loadAddress, '0x0000000008000032');
  assert.ok(!r.entries.some((e) => e.name === '.rodata.banner' || e.name === '.comment' || e.name === '/DISCARD/'), 'discarded sections are not read');
  assert.ok(r.entries.some((e) => e.type === 'marker' && e.name === '__bss_end' && e.start === 0x20000120n));
  const names = r.layout!.regions.map((x) => x.name);
  assert.deepEqual(names, ['.isr_vector', '.text', 'FLASH (free)', '.data', 'RAM (free)', '.bss', 'RAM (free)']);
  assert.equal(r.layout!.mode, 'x86_32', 'a 32-bit space');
  sortedDisjoint(r);
});

test('GNU ld -Map (a kernel-like image): sections at 0xffffffff81000000, assignments as markers, no "." symbol', () => {
  const r = parseLdMap(fixture('ld-vmlinux.map'));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.layout!.regions.map((x) => [x.name, x.start]), [
    ['.text', 0xffffffff81000000n], ['.rodata', 0xffffffff81200000n], ['.data', 0xffffffff81400000n], ['.init.text', 0xffffffff81401000n], ['.bss', 0xffffffff81401020n]]);
  assert.ok(r.entries.some((e) => e.type === 'marker' && e.name === '_text' && e.start === 0xffffffff81000000n));
  assert.ok(!r.entries.some((e) => e.name === '.'));
  const bad = parseLdMap('Memory Configuration\n\nName Origin Length\nROM 0x0 nope\n\nLinker script and memory map\n\n!!!\n');
  assert.deepEqual(bad.problems.map((p) => p.line), [4, 8, 0]);
  assert.match(bad.problems[2].message, /places no output section and names no memory region/);
});

test('readelf -lSW: allocated sections drawn, segments as entries with physical addresses and their sections', () => {
  const r = parseReadelf(fixture('readelf-vmlinux.txt'), { name: 'vmlinux' });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.layout!.regions.map((x) => x.name), ['.text', '.rodata', '.data', '.init.text', '.bss']);
  const bss = region(r, 0xffffffff81401020n)!;
  assert.equal(bss.end, 0xffffffff8140201fn);
  assert.match(bss.description, /NOBITS section, 4 KiB, flags WA; in LOAD segment 1 \(physical 0x0000000001401020\)/);
  const seg = r.entries.filter((e) => e.type === 'segment');
  assert.equal(seg.length, 4);
  assert.deepEqual(seg[0].attrs, { type: 'LOAD', physical: '0x0000000001000000', memsz: '0x0000000000200009', flags: 'RE', sections: '.text .rodata' });
  assert.equal(r.entries.find((e) => e.name === 'entry point')!.start, 0xffffffff81000015n);
  assert.ok(r.entries.some((e) => e.name === '.symtab' && e.attrs!.alloc === 'no'));
  const bad = parseReadelf('Section Headers:\n  [Nr] Name Type Address Off Size ES Flg Lk Inf Al\n  [ 1] .text PROGBITS zz 0 0 0 AX 0 0 1\n');
  assert.equal(bad.problems[0].line, 3);
});

test('symbol files through importMemoryMap: kallsyms and System.map told apart', () => {
  assert.equal(detectFormat(fixture('kallsyms-kaslr.txt')), 'kallsyms', 'module lines');
  assert.equal(detectFormat(fixture('System.map-6.1.0-demo'), 'System.map-6.1.0-demo'), 'system-map');
  const r = importMemoryMap(fixture('System.map-6.1.0-demo'), { name: 'System.map-6.1.0-demo' });
  assert.equal(r.format, 'system-map');
  assert.equal(r.symbols!.kind, 'system-map');
  assert.equal(r.facts.length, 0, 'link-time addresses are no boot values');
});

test('every format is detected from its own sample', () => {
  const cases: [string, string][] = [
    ['ptdump-kaslr.txt', 'ptdump'], ['ptdump-kernel.txt', 'ptdump'], ['ptdump-arm64.txt', 'ptdump-arm64'], ['maps-cat.txt', 'maps'], ['iomem.txt', 'iomem'],
    ['vmallocinfo.txt', 'vmallocinfo'], ['vmallocinfo-hashed.txt', 'vmallocinfo'], ['kallsyms-kaslr.txt', 'kallsyms'], ['kallsyms-restricted.txt', 'kallsyms'],
    ['crash-help-m.txt', 'crash-help'], ['crash-help-m-arm64.txt', 'crash-help'], ['crash-kmem-v.txt', 'crash-kmem-v'], ['crash-vtop.txt', 'crash-vtop'],
    ['qemu-info-mem.txt', 'qemu-info-mem'], ['qemu-info-tlb.txt', 'qemu-info-tlb'], ['qemu-info-mem-riscv.txt', 'qemu-info-mem-riscv'],
    ['ld-firmware.map', 'ld-map'], ['ld-vmlinux.map', 'ld-map'], ['readelf-vmlinux.txt', 'readelf'],
  ];
  for (const [file, format] of cases) assert.equal(detectFormat(fixture(file), file), format, file);
  for (const [file, format] of cases) assert.equal(importMemoryMap(fixture(file), { name: file }).format, format, file);
});

test('hostile input: no importer throws, every problem is one line with a line number, limits hold', () => {
  const junk = ['', '\0\0\0', 'x'.repeat(100_000), '0x'.repeat(50_000), '---[ ]---\n'.repeat(1000), 'Memory Configuration\n' + 'a b c\n'.repeat(20_000),
    'Section Headers:\n' + '  [ 1] \n'.repeat(5000), 'ffffffff81000000 T \n'.repeat(1000), undefined as unknown as string];
  for (const t of junk) {
    for (const f of ['ptdump', 'ptdump-arm64', 'maps', 'iomem', 'vmallocinfo', 'kallsyms', 'system-map', 'crash-help', 'crash-kmem-v', 'crash-vtop', 'qemu-info-mem', 'qemu-info-tlb', 'qemu-info-mem-riscv', 'ld-map', 'readelf'] as const) {
      const r = importMemoryMap(t, { format: f, limits: { maxLines: 2000, maxProblems: 5 } });
      assert.ok(r.problems.length <= 6, `${f}: ${r.problems.length} problems`);
      for (const p of r.problems) assert.ok(Number.isInteger(p.line) && p.line >= 0 && !/\n/.test(p.message), `${f}: ${JSON.stringify(p)}`);
      if (r.layout) sortedDisjoint(r);
    }
  }
  const long = Array.from({ length: 3000 }, (_, i) => `0xffffc9000${(i * 2).toString(16).padStart(4, '0')}000-0xffffc9000${(i * 2 + 1).toString(16).padStart(4, '0')}000    4096 f+0x1/0x2 vmalloc`).join('\n');
  const capped = parseVmallocinfo(long, { limits: { maxRegions: 100 } });
  assert.equal(capped.layout!.regions.length, 100);
  assert.ok(capped.truncated);
  assert.ok(capped.problems.some((p) => /more than 100 areas/.test(p.message)));
  const lines = parseVmallocinfo(long, { limits: { maxLines: 10 } });
  assert.equal(lines.layout!.regions.length, 10);
  assert.ok(lines.problems.some((p) => /more than 10 lines/.test(p.message)));
});

test('linear cost: 200,000 lines of each line format parse in bounded time', () => {
  const n = 200_000;
  const make = (f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
  const inputs: [string, string][] = [
    ['vmallocinfo', make((i) => `0x${(0xffffc90000000000n + BigInt(i) * 0x2000n).toString(16)}-0x${(0xffffc90000000000n + BigInt(i) * 0x2000n + 0x2000n).toString(16)}    8192 f+0x1/0x2 vmalloc`)],
    ['qemu-info-tlb', make((i) => `${(0xffff888000000000n + BigInt(i) * 0x1000n).toString(16)}: ${(BigInt(i) * 0x1000n).toString(16).padStart(16, '0')} XG-DA---W`)],
    ['crash-kmem-v', make((i) => `ffff888001000000  ffff888001000040  ${(0xffffc90000000000n + BigInt(i) * 0x2000n).toString(16)} - ${(0xffffc90000000000n + BigInt(i) * 0x2000n + 0x2000n).toString(16)}     8192`)],
  ];
  for (const [format, text] of inputs) {
    const t0 = performance.now();
    const r = importMemoryMap(text, { format: format as never });
    const ms = performance.now() - t0;
    assert.equal(r.entries.length, 100_000, `${format}: the region limit stops at 100,000`);
    assert.ok(ms < 8000, `${format}: ${ms.toFixed(0)} ms`);
  }
});
