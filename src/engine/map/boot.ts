// This boot's values and layout. A running kernel differs from its static layout where the boot
// decided: with KASLR on x86-64 page_offset_base, vmalloc_base and vmemmap_base are randomised (in
// order, PUD-aligned) inside [the direct map's static base, CPU_ENTRY_AREA_BASE) and the kernel text is
// slid; the paging depth (x86-64 5-level, arm64 52-bit VA) is chosen at boot; arm64 records where the
// image and the linear map landed in kimage_voffset and memstart_addr.
//
// deriveBootValues() collects these from imports (kallsyms with System.map or with the static text
// base, crash help -m/-k, a page-table dump); thisBootLayout() applies them to a static layout: regions
// moved to the boot's bases (each says by how much) and a values table hovers can use.
import { getMode } from '../paging/modes';
import { formatHex, formatSize } from '../paging/numbers';
import { Layout, LayoutSymbol, Region, RegionKind } from '../paging/types';
import type { BootFact, BootValueName, ImportResult } from './imports/common';
import { SymbolTable, symbolAddress, symbolName, SYM_MODULE, SYM_ABSOLUTE, SYM_PERCPU, SYM_ZERO } from './symbols';

export interface BootValue {
  name: BootValueName;
  value: bigint;
  /** Where it comes from, for people: "crash help -m page_offset (help-m.txt line 74)". */
  source: string;
}

export interface BootValues {
  /** The boot's name in hovers ("in boot <name>"). */
  name: string;
  values: Partial<Record<BootValueName, BootValue>>;
  /** The kernel text slide: runtime _text minus the link-time one. */
  slide?: BootValue & { checked?: { symbols: number; mismatches: number } };
  /** Inconsistencies and things that could not be derived, one sentence each. */
  problems: string[];
}

/** The link-time text start of x86-64 when no System.map is given: __START_KERNEL_map + CONFIG_PHYSICAL_START (16 MiB default). */
export const X86_64_DEFAULT_PHYSICAL_START = 0x1000000n;

function hex(v: bigint): string {
  return formatHex(v, { digits: 16 });
}

export function signedHex(v: bigint): string {
  return v < 0n ? `-0x${(-v).toString(16)}` : `+0x${v.toString(16)}`;
}

const TEXT_NAMES = ['_text', '_stext', 'startup_64', 'stext'] as const;

function textIndex(t: SymbolTable): number {
  for (const n of TEXT_NAMES) { const i = t.keys[n]; if (i >= 0 && !(t.flags[i] & SYM_ZERO)) return i; }
  return -1;
}

const nameIndexCache = new WeakMap<SymbolTable, Map<string, number>>();
function nameIndex(t: SymbolTable): Map<string, number> {
  let m = nameIndexCache.get(t);
  if (!m) {
    m = new Map();
    for (let i = 0; i < t.count; i++) if (!(t.flags[i] & SYM_MODULE)) { const n = symbolName(t, i); if (!m.has(n)) m.set(n, i); }
    nameIndexCache.set(t, m);
  }
  return m;
}

/**
 * The text slide between a running kernel's symbols and its build's System.map, checked on up to
 * `samples` text symbols that both tables have once: every one must differ by the same amount.
 */
export function textSlide(runtime: SymbolTable, linkTime: SymbolTable, samples = 256): { slide?: bigint; symbol?: string; checked: number; mismatches: number; problem?: string } {
  if (runtime.allZero) return { checked: 0, mismatches: 0, problem: `${runtime.source} shows no addresses (kptr_restrict); no text slide` };
  const ri = textIndex(runtime), si = textIndex(linkTime);
  if (ri < 0 || si < 0 || symbolName(runtime, ri) !== symbolName(linkTime, si)) {
    return { checked: 0, mismatches: 0, problem: `no kernel text symbol (${TEXT_NAMES.join(', ')}) in both ${runtime.source} and ${linkTime.source}; no text slide` };
  }
  const slide = symbolAddress(runtime, ri) - symbolAddress(linkTime, si);
  const idx = nameIndex(linkTime);
  // Sample core text symbols of the running kernel spread over the table.
  const core: number[] = [];
  for (let k = 0; k < runtime.order.length; k++) {
    const i = runtime.order[k];
    if (runtime.flags[i] & (SYM_MODULE | SYM_ABSOLUTE | SYM_PERCPU)) continue;
    if ((runtime.type[i] | 0x20) !== 116 /* t */) continue;
    core.push(i);
  }
  const step = Math.max(1, Math.floor(core.length / samples));
  let checked = 0, mismatches = 0;
  for (let k = 0; k < core.length && checked < samples; k += step) {
    const i = core[k];
    const j = idx.get(symbolName(runtime, i));
    if (j === undefined) continue;
    checked++;
    if (symbolAddress(runtime, i) - symbolAddress(linkTime, j) !== slide) mismatches++;
  }
  const problem = mismatches
    ? `${mismatches} of ${checked} text symbols are not moved by the ${symbolName(runtime, ri)} slide ${signedHex(slide)}: ${runtime.source} and ${linkTime.source} are not from the same build`
    : undefined;
  return { slide: mismatches ? undefined : slide, symbol: symbolName(runtime, ri), checked, mismatches, problem };
}

export interface DeriveOptions {
  /** The boot's name (default: the first input's source). */
  name?: string;
  /** The build's System.map (link-time addresses) for the text slide. */
  linkTime?: ImportResult;
  /** The static layout: its __START_KERNEL_map gives the link-time text start when no System.map is given (x86-64). */
  layout?: Layout;
}

/** Collect this boot's values from imports of the running kernel (kallsyms, crash help, page-table dumps). */
export function deriveBootValues(inputs: readonly ImportResult[], opts: DeriveOptions = {}): BootValues {
  const problems: string[] = [];
  const values: BootValues['values'] = {};
  const sourceOf = (r: ImportResult) => r.name ?? r.layout?.source[0] ?? r.symbols?.source ?? r.format;
  const put = (f: BootFact, from: string) => {
    const prev = values[f.name];
    const source = `${f.how} (${from}${f.line ? ` line ${f.line}` : ''})`;
    if (prev && prev.value !== f.value) { problems.push(`${f.name}: ${hex(f.value)} from ${source} differs from ${hex(prev.value)} from ${prev.source}; the first is used`); return; }
    if (!prev) values[f.name] = { name: f.name, value: f.value, source };
  };
  for (const r of inputs) for (const f of r.facts) put(f, sourceOf(r));
  // Paging depth from the direct-map base: below the 4-level kernel half only 5-level paging can place it.
  const po = values.page_offset_base;
  if (po && !values.pgtable_l5_enabled && po.value >= 0xff00000000000000n && po.value < 0xffff800000000000n) {
    values.pgtable_l5_enabled = { name: 'pgtable_l5_enabled', value: 1n, source: `page_offset_base ${hex(po.value)} is below the 4-level kernel half` };
  }
  const l5 = values.pgtable_l5_enabled;
  if (l5 && !values.vabits_actual && (!opts.layout || opts.layout.mode.startsWith('x86_64'))) {
    values.vabits_actual = { name: 'vabits_actual', value: l5.value ? 57n : 48n, source: `pgtable_l5_enabled = ${l5.value}` };
  }
  let slide: BootValues['slide'];
  const stated = values.kaslr_offset;
  const runtime = inputs.find((r) => r.symbols && r.format === 'kallsyms')?.symbols;
  const linkTable = opts.linkTime?.symbols;
  if (runtime && linkTable) {
    const s = textSlide(runtime, linkTable);
    if (s.problem) problems.push(s.problem);
    if (s.slide !== undefined) slide = { name: 'kaslr_offset', value: s.slide, source: `${runtime.source} ${s.symbol} minus ${linkTable.source} ${s.symbol}, the same for ${s.checked} text symbols`, checked: { symbols: s.checked, mismatches: s.mismatches } };
  }
  if (!slide && stated) slide = { ...stated };
  const text = values.text_start;
  if (!slide && text && !linkTable) {
    const map = opts.layout?.symbols.find((s) => s.name === '__START_KERNEL_map')?.value;
    const start = opts.layout?.symbols.find((s) => s.name === '__START_KERNEL')?.value ?? (map !== undefined ? map + X86_64_DEFAULT_PHYSICAL_START : undefined);
    if (start !== undefined && opts.layout?.mode.startsWith('x86_64')) {
      slide = { name: 'kaslr_offset', value: text.value - start, source: `${text.source} minus the static __START_KERNEL ${hex(start)} (__START_KERNEL_map + CONFIG_PHYSICAL_START 16 MiB, the default; give the build's System.map when it differs)` };
    } else if (text) problems.push(`no link-time text address to compare ${text.source} with: give the build's System.map`);
  }
  if (slide && stated && stated.value !== slide.value) problems.push(`the text slide ${signedHex(slide.value)} (${slide.source}) differs from the KASLR offset ${signedHex(stated.value)} crash reports`);
  const name = opts.name ?? (inputs[0] ? sourceOf(inputs[0]) : 'this boot');
  return { name, values, slide, problems };
}

/** How a boot value moves a region of a static layout. */
export interface RegionMove {
  region: string;
  kind: RegionKind;
  value: BootValueName;
  from: bigint;
  to: bigint;
  delta: bigint;
  /** "vmalloc: +0x2c4c0000000 from the static base". */
  text: string;
}

/** One row of the values table a hover reads: a runtime macro and the variable behind it. */
export interface BootValueRow {
  /** The macro hovers show it for (VMALLOC_START), or the variable itself when no macro stands for it. */
  macro: string;
  variable: string;
  value: bigint;
  staticValue?: bigint;
  source: string;
  /** "VMALLOC_START = vmalloc_base = 0xffffb3c4c0000000 in boot <name>; static default 0xffffc90000000000". */
  text: string;
}

export interface BootLayout {
  layout: Layout;
  moves: RegionMove[];
  table: BootValueRow[];
  problems: string[];
}

/** Randomised regions: the kind, the boot value giving its base, the macro and the preset symbol of its static base. */
const RANDOMISED: { kind: RegionKind; value: BootValueName; macro: string }[] = [
  { kind: 'direct-map', value: 'page_offset_base', macro: 'PAGE_OFFSET' },
  { kind: 'vmalloc', value: 'vmalloc_base', macro: 'VMALLOC_START' },
  { kind: 'vmemmap', value: 'vmemmap_base', macro: 'VMEMMAP_START' },
];

/** Other values in the table: variable, macro and the preset symbol with its static default. */
const TABLE_ONLY: { value: BootValueName; macro: string; variable: string; staticSymbol?: string; arch?: string }[] = [
  { value: 'vmalloc_end', macro: 'VMALLOC_END', variable: 'vmalloc_end', staticSymbol: 'VMALLOC_END' },
  { value: 'modules_vaddr', macro: 'MODULES_VADDR', variable: 'modules_vaddr', staticSymbol: 'MODULES_VADDR' },
  { value: 'modules_end', macro: 'MODULES_END', variable: 'modules_end', staticSymbol: 'MODULES_END' },
  { value: 'pgtable_l5_enabled', macro: 'pgtable_l5_enabled()', variable: 'pgtable_l5_enabled', arch: 'x86_64' },
  { value: 'vabits_actual', macro: 'vabits_actual', variable: 'vabits_actual' },
  { value: 'kimage_voffset', macro: 'kimage_voffset', variable: 'kimage_voffset', arch: 'arm64' },
  { value: 'memstart_addr', macro: 'PHYS_OFFSET', variable: 'memstart_addr', arch: 'arm64' },
  { value: 'phys_base', macro: 'phys_base', variable: 'phys_base', arch: 'x86_64' },
  { value: 'text_start', macro: '_text', variable: '_text' },
];

/** Where randomised regions may go on each architecture: up to the start of a region of this kind. */
const RANDOMISATION_END: Record<string, RegionKind> = { x86_64: 'cpu-entry-area' };

/** A macro that is its variable (`pgtable_l5_enabled()` for pgtable_l5_enabled) is shown once. */
function sameName(macro: string, variable: string): boolean {
  return macro === variable || macro === `${variable}()`;
}

function carve(r: Region, a: bigint, z: bigint, by: string): Region[] {
  const out: Region[] = [];
  if (r.start < a) out.push({ ...r, end: a - 1n });
  if (r.end > z) out.push({ ...r, start: z + 1n, name: out.length ? `${r.name} (after ${by})` : r.name });
  return out;
}

/**
 * The static layout as this boot has it: the direct map, vmalloc and vmemmap regions moved to the boot's
 * bases (each ends at its static size or at the next randomised base, whichever comes first), the static
 * holes inside the randomisation range replaced by what the moves leave, the kernel image's slide as a
 * symbol, and the values table for hovers.
 */
export function thisBootLayout(staticLayout: Layout, boot: BootValues): BootLayout {
  const problems: string[] = [];
  const arch = staticLayout.mode.split('-')[0];
  const sym = (name: string) => staticLayout.symbols.find((s) => s.name === name)?.value;
  const moves: RegionMove[] = [];
  const table: BootValueRow[] = [];
  const row = (macro: string, variable: string, v: BootValue, staticValue?: bigint) => {
    const isNumber = v.name === 'pgtable_l5_enabled' || v.name === 'vabits_actual';
    const val = isNumber ? v.value.toString() : hex(v.value);
    const stat = staticValue === undefined ? '' : `; static default ${isNumber ? staticValue.toString() : hex(staticValue)}`;
    table.push({ macro, variable, value: v.value, staticValue, source: v.source, text: `${sameName(macro, variable) ? macro : `${macro} = ${variable}`} = ${val} in boot ${boot.name}${stat}` });
  };

  // Moves of the randomised regions.
  const moved: { r: Region; to: bigint; spec: (typeof RANDOMISED)[number] }[] = [];
  for (const spec of RANDOMISED) {
    const v = boot.values[spec.value];
    const candidates = staticLayout.regions.filter((r) => r.kind === spec.kind);
    const staticBase = sym(spec.macro) ?? candidates[0]?.start;
    // x86-64 keeps these bases in variables; elsewhere the macro is the value.
    if (v) row(spec.macro, arch === 'x86_64' ? spec.value : spec.macro, v, staticBase);
    if (!v) continue;
    if (candidates.length !== 1) { problems.push(`${spec.value}: the layout ${staticLayout.id} has ${candidates.length} ${spec.kind} regions, not one; nothing moved`); continue; }
    const r = candidates[0];
    moved.push({ r, to: v.value, spec });
    const delta = v.value - r.start;
    moves.push({ region: r.name, kind: r.kind, value: spec.value, from: r.start, to: v.value, delta, text: `${r.name}: ${delta ? `${signedHex(delta)} from the static base` : 'at the static base'} (${hex(r.start)} → ${hex(v.value)})` });
  }
  for (const t of TABLE_ONLY) {
    const v = boot.values[t.value];
    if (!v || (t.arch && !staticLayout.mode.startsWith(t.arch))) continue;
    if (t.value === 'text_start' && boot.slide) continue; // shown with the slide below
    const depth = t.value === 'pgtable_l5_enabled' ? (staticLayout.mode === 'x86_64-5level' ? 1n : 0n) : t.value === 'vabits_actual' ? BigInt(getMode(staticLayout.mode)?.vaBits ?? 0) || undefined : undefined;
    row(t.macro, t.variable, v, t.staticSymbol ? sym(t.staticSymbol) : depth);
    if (depth !== undefined && depth !== v.value) problems.push(`${t.variable} = ${v.value} in this boot, ${depth} in ${staticLayout.id}: compare with the layout for that paging mode`);
  }

  let regions: Region[] = staticLayout.regions.map((r) => ({ ...r }));
  const notes = [...staticLayout.notes];
  const symbols: LayoutSymbol[] = staticLayout.symbols.map((s) => ({ ...s }));
  const effective = moved.filter((m) => m.to !== m.r.start);
  if (effective.length) {
    const order = [...moved].sort((a, b) => (a.to < b.to ? -1 : 1));
    const staticOrder = [...moved].sort((a, b) => (a.r.start < b.r.start ? -1 : 1));
    if (order.some((m, i) => m !== staticOrder[i])) problems.push('the boot\'s bases are not in the static order of their regions; the kernel keeps that order, so the inputs may not be from one boot');
    const endKind = RANDOMISATION_END[arch];
    const spanStart = staticOrder[0].r.start < order[0].to ? staticOrder[0].r.start : order[0].to;
    const limit = endKind ? regions.find((r) => r.kind === endKind && r.start > spanStart) : undefined;
    const spanEnd = limit ? limit.start - 1n : staticOrder[staticOrder.length - 1].r.end;
    const placedRegions: Region[] = [];
    const placedNames = new Set<string>();
    const movedNames = new Set(moved.map((m) => m.r.name));
    const inSpan = (r: Region) => r.start >= spanStart && r.end <= spanEnd;
    // Randomised regions whose base this boot does not give stay where the static layout has them.
    const unknown = endKind ? regions.filter((r) => inSpan(r) && !movedNames.has(r.name) && RANDOMISED.some((x) => x.kind === r.kind)) : [];
    for (const u of unknown) notes.push(`${u.name}: its base in boot ${boot.name} is not known; shown at the static base.`);
    order.forEach((m, i) => {
      const size = m.r.end - m.r.start + 1n;
      let end = m.to + size - 1n;
      const nextMoved = order[i + 1]?.to;
      const nextKept = unknown.filter((u) => u.start > m.to).map((u) => u.start).sort((a, b) => (a < b ? -1 : 1))[0];
      const next = nextMoved === undefined ? nextKept : nextKept === undefined || nextMoved < nextKept ? nextMoved : nextKept;
      let cut = '';
      if (next !== undefined && end >= next) { end = next - 1n; cut = `; cut at the next ${next === nextMoved ? 'randomised base' : 'region'} ${hex(next)}`; }
      if (end > spanEnd) { end = spanEnd; cut = `; cut at the end of the randomisation range ${hex(spanEnd + 1n)}`; }
      if (end < m.to || m.to < spanStart) { problems.push(`${m.spec.value} ${hex(m.to)} lies outside the randomisation range; ${m.r.name} not moved`); return; }
      const delta = m.to - m.r.start;
      placedNames.add(m.r.name);
      placedRegions.push({
        ...m.r, start: m.to, end,
        description: `${m.r.description} This boot (${boot.name}): ${m.spec.value} = ${hex(m.to)}, ${delta ? `${signedHex(delta)} from the static base ${hex(m.r.start)}` : 'the static base'}; drawn with its static size ${formatSize(size)} at most${cut} (the kernel sizes it at boot).`,
        source: boot.values[m.spec.value]!.source,
      });
    });
    const replaced = (r: Region) => placedNames.has(r.name) || (endKind !== undefined && placedNames.size > 0 && inSpan(r) && !unknown.includes(r));
    for (const d of regions) {
      if (!replaced(d) || placedNames.has(d.name) || d.kind === 'unused') continue;
      notes.push(`${d.name} (${hex(d.start)}-${hex(d.end)}) lies inside the range the boot randomises; not shown in this boot${d.kind === 'kasan' ? ' (the kernel randomises memory only without KASAN)' : ''}.`);
    }
    regions = regions.filter((r) => !replaced(r));
    // Moved regions carve what they overlap outside the range.
    for (const p of placedRegions) regions = regions.flatMap((r) => (r.end < p.start || r.start > p.end ? [r] : carve(r, p.start, p.end, p.name)));
    regions.push(...placedRegions);
    regions.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    if (endKind && placedRegions.length) {
      // The rest of the randomisation range is unused in this boot.
      const filler: Region[] = [];
      let cur = spanStart;
      for (const r of regions) {
        if (r.end < spanStart || r.start > spanEnd) continue;
        if (r.start > cur) filler.push({ name: 'unused (this boot)', start: cur, end: r.start - 1n, kind: 'unused', description: `Part of the randomisation range no randomised region uses in boot ${boot.name}.` });
        cur = r.end + 1n;
      }
      if (cur <= spanEnd) filler.push({ name: 'unused (this boot)', start: cur, end: spanEnd, kind: 'unused', description: `Part of the randomisation range no randomised region uses in boot ${boot.name}.` });
      regions.push(...filler);
      regions.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    }
    for (const s of symbols) {
      const m = moved.find((x) => x.spec.macro === s.name);
      if (m) { s.value = m.to; s.description = `${s.description ?? ''} This boot: ${m.spec.value}.`.trim(); }
    }
  }
  // The kernel text slide: the image moves inside the kernel-text region, which stays.
  if (boot.slide) {
    const text = boot.values.text_start;
    const map = sym('__START_KERNEL_map');
    const staticText = text ? text.value - boot.slide.value : map !== undefined && arch === 'x86_64' ? map + X86_64_DEFAULT_PHYSICAL_START : undefined;
    const runtimeText = staticText !== undefined ? staticText + boot.slide.value : undefined;
    table.push({
      macro: 'kaslr_offset()', variable: 'kaslr_offset', value: boot.slide.value, staticValue: 0n, source: boot.slide.source,
      text: `kaslr_offset() = ${signedHex(boot.slide.value)} in boot ${boot.name} (the kernel text slide); static 0`,
    });
    if (runtimeText !== undefined && staticText !== undefined) {
      const region = regions.find((r) => r.kind === 'kernel-text' && runtimeText >= r.start && runtimeText <= r.end);
      row('_text', '_text', { name: 'text_start', value: runtimeText, source: boot.slide.source }, staticText);
      symbols.push({ name: '_text', value: runtimeText, description: `Kernel text start in boot ${boot.name}: ${signedHex(boot.slide.value)} from the link-time ${hex(staticText)}.` });
      moves.push({ region: region?.name ?? 'kernel image', kind: 'kernel-text', value: 'kaslr_offset', from: staticText, to: runtimeText, delta: boot.slide.value, text: boot.slide.value ? `kernel image: ${signedHex(boot.slide.value)} from the link-time _text (${hex(staticText)} → ${hex(runtimeText)})${region ? `, inside ${region.name}` : ''}` : `kernel image: at the link-time _text ${hex(staticText)} (no text slide)` });
      if (!region && regions.some((r) => r.kind === 'kernel-text')) problems.push(`the slid _text ${hex(runtimeText)} is outside the layout's kernel-text region`);
    }
  }
  for (let i = 1; i < regions.length; i++) {
    if (regions[i].start <= regions[i - 1].end) { problems.push(`internal: ${regions[i].name} overlaps ${regions[i - 1].name}`); break; }
  }
  const layout: Layout = {
    ...staticLayout,
    id: `${staticLayout.id}@boot-${boot.name.replace(/.*[\\/]/, '').replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40) || 'boot'}`,
    title: `${staticLayout.title}, this boot (${boot.name})`,
    description: `${staticLayout.description} Moved to the bases of boot ${boot.name}: ${moves.length ? moves.map((m) => m.text).join('; ') : 'no region moves'}.`,
    notes,
    regions,
    symbols,
    origin: `boot:${boot.name}`,
    extends: staticLayout.id,
  };
  return { layout, moves, table, problems: [...boot.problems, ...problems] };
}

/** The table row for a macro or variable name (VMALLOC_START, vmalloc_base, PHYS_OFFSET, ...). */
export function bootValueFor(table: readonly BootValueRow[], name: string): BootValueRow | undefined {
  return table.find((r) => r.macro === name || r.variable === name || r.macro === `${name}()`);
}

/** The boot as JSON (exact addresses as 0x + 16 hex digits). */
export function bootJson(boot: BootValues, applied?: BootLayout) {
  return {
    name: boot.name,
    values: Object.values(boot.values).map((v) => ({ name: v!.name, value: v!.name === 'pgtable_l5_enabled' || v!.name === 'vabits_actual' ? v!.value.toString() : hex(v!.value), source: v!.source })),
    slide: boot.slide ? { value: signedHex(boot.slide.value), source: boot.slide.source, checkedSymbols: boot.slide.checked?.symbols ?? null } : null,
    moves: applied?.moves.map((m) => ({ region: m.region, kind: m.kind, value: m.value, from: hex(m.from), to: hex(m.to), delta: signedHex(m.delta), text: m.text })) ?? [],
    table: applied?.table.map((r) => ({ macro: r.macro, variable: r.variable, value: r.variable === 'pgtable_l5_enabled' || r.variable === 'vabits_actual' ? r.value.toString() : r.variable === 'kaslr_offset' ? signedHex(r.value) : hex(r.value), static: r.staticValue === undefined ? null : r.variable === 'kaslr_offset' ? '0' : r.variable === 'pgtable_l5_enabled' || r.variable === 'vabits_actual' ? r.staticValue.toString() : hex(r.staticValue), text: r.text })) ?? [],
    layout: applied?.layout.id ?? null,
    problems: applied?.problems ?? boot.problems,
  };
}

/** The boot as Markdown: values, moves, problems. */
export function bootMarkdown(boot: BootValues, applied?: BootLayout): string {
  const out = [`## This boot: ${boot.name}`, ''];
  if (applied?.table.length) {
    out.push('| value | this boot | static | from |', '|---|---|---|---|');
    for (const r of applied.table) {
      const num = r.variable === 'pgtable_l5_enabled' || r.variable === 'vabits_actual';
      const v = num ? r.value.toString() : r.variable === 'kaslr_offset' ? signedHex(r.value) : hex(r.value);
      const s = r.staticValue === undefined ? '' : num ? r.staticValue.toString() : r.variable === 'kaslr_offset' ? '0' : hex(r.staticValue);
      out.push(`| \`${sameName(r.macro, r.variable) ? r.macro : `${r.macro} = ${r.variable}`}\` | \`${v}\` | ${s ? `\`${s}\`` : ''} | ${r.source.replace(/\|/g, '\\|')} |`);
    }
  } else {
    const vals = Object.values(boot.values);
    if (vals.length) {
      out.push('| value | this boot | from |', '|---|---|---|');
      for (const v of vals) out.push(`| \`${v!.name}\` | \`${v!.name === 'pgtable_l5_enabled' || v!.name === 'vabits_actual' ? v!.value : hex(v!.value)}\` | ${v!.source.replace(/\|/g, '\\|')} |`);
    }
    if (boot.slide) out.push('', `Text slide: \`${signedHex(boot.slide.value)}\` (${boot.slide.source})`);
  }
  if (applied?.moves.length) out.push('', ...applied.moves.map((m) => `- ${m.text}`));
  const problems = applied?.problems ?? boot.problems;
  if (problems.length) out.push('', ...problems.map((p) => `- note: ${p}`));
  if (out.length === 2) out.push('No boot values found in the input.');
  return out.join('\n') + '\n';
}
