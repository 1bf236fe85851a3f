// This boot in the editor, as pure functions: the boots the imported memory maps make (a kallsyms with
// the System.map of its build, crash `help -m`, a page-table dump, the files read from this machine),
// the layout each is applied to, what hovers say about runtime macros (evaluated with the boot's
// values, marked as such) and about addresses in the kernel image (the nearest symbol, relocated by
// the text slide), and the overlays the map draws for each import. No `vscode` import.
import { DEFAULT_LAYOUT_ID, formatHex, Layout } from '../engine/paging';
import {
  BootLayout, BootValueRow, BootValues, bootValueFor, deriveBootValues, FORMAT_TITLES, ImportResult, nearestSymbol, signedHex,
  SymbolTable, textSlide, thisBootLayout,
} from '../engine/map';
import { DEFAULT_MODE_ID, deriveName, DefinitionInfo, Derivation, DocumentAnalysis, MacroDef, MacroLookup, parseDefine, plainDef, scanText } from '../engine/source';
import { hexOf, WireBoot, WireOverlay, WireOverlayEntry } from '../shared/protocol';
import { escapeMarkdown } from './markdown';

/** One imported memory map as the editor keeps it. */
export interface ImportedMap {
  /** Unique among the imports; also the id of its own layout on the map. */
  id: string;
  /** The file name people know it by. */
  name: string;
  result: ImportResult;
  /** Where it was read from (a file URI, or a path of this machine). */
  source?: string;
  /** 'live': read from this machine; the live files make one boot together. */
  group?: 'live';
  /** The layout that was active when it was imported: a boot is applied to it when its paging mode fits. */
  preferredStatic?: string;
}

/** Where hovers look up symbols, and how an address is relocated for the table. */
export interface SymbolSource {
  table: SymbolTable;
  /** Added to the table's kernel addresses (the text slide, for a System.map of a KASLR boot). */
  slide: bigint;
  /** runtime: kallsyms of the boot; relocated: a System.map moved by the boot's slide; link-time: a System.map as linked. */
  kind: 'runtime' | 'relocated' | 'link-time';
  boot?: string;
}

/** A boot: its values, the static layout they are applied to, and the result. */
export interface Boot {
  /** The id of this boot's layout. */
  id: string;
  name: string;
  /** Ids of the imports it is derived from (the System.map of its build included). */
  imports: string[];
  values: BootValues;
  applied: BootLayout;
  staticLayout: Layout;
  symbols: SymbolSource[];
  /** Why an import was not paired with it, and the like. */
  notes: string[];
}

export const LIVE_BOOT_NAME = 'this machine';

/** The FORMAT_TITLES name without the path in parentheses: "x86 kernel page-table dump". */
export function formatName(format: ImportResult['format']): string {
  return FORMAT_TITLES[format].replace(/ \(.*\)$/, '');
}

function usableSymbols(r: ImportResult): SymbolTable | undefined {
  return r.symbols && !r.symbols.allZero && r.symbols.count > 0 ? r.symbols : undefined;
}

/** Whether an import states anything about the boot it was taken from. */
export function bearsBoot(m: ImportedMap): boolean {
  const r = m.result;
  return r.facts.length > 0 || (r.format === 'kallsyms' && usableSymbols(r) !== undefined);
}

/** Whether a layout is one of the this-boot layouts. */
export function isBootLayout(l: Layout): boolean {
  return l.origin.startsWith('boot:');
}

/** The preset of a paging mode: linux-<mode>, arm64's with its VA width spelled "48bit". */
function presetIdFor(mode: string): string {
  if (mode === DEFAULT_MODE_ID) return DEFAULT_LAYOUT_ID;
  return `linux-${mode.replace(/^arm64-(\d+k)-(\d+)$/, 'arm64-$1-$2bit')}`;
}

/**
 * The static layout a boot is applied to: the one active when it was imported if its paging mode is
 * the boot's, else the preset of the boot's paging mode (x86-64 5-level when the boot has
 * pgtable_l5_enabled = 1 or its addresses need it).
 */
export function staticLayoutFor(values: BootValues, importedMode: string | undefined, statics: readonly Layout[], preferredId?: string): Layout {
  const l5 = values.values.pgtable_l5_enabled?.value === 1n || importedMode === 'x86_64-5level';
  const arch = (importedMode ?? DEFAULT_MODE_ID).split('-')[0];
  const mode = arch === 'x86_64' ? (l5 ? 'x86_64-5level' : DEFAULT_MODE_ID) : importedMode ?? DEFAULT_MODE_ID;
  const preferred = preferredId ? statics.find((l) => l.id === preferredId && !isBootLayout(l)) : undefined;
  if (preferred && preferred.mode === mode) return preferred;
  const id = presetIdFor(mode);
  return statics.find((l) => l.id === id) ?? statics.find((l) => l.mode === mode && l.origin === 'builtin')
    ?? statics.find((l) => l.id === DEFAULT_LAYOUT_ID) ?? statics[0];
}

/**
 * The boots of a list of imports (in import order): one per import that states boot values (kallsyms,
 * crash help -m, a page-table dump with its bases), one for the files read from this machine. A
 * kallsyms is paired with the latest imported System.map whose text symbols it moves by one slide;
 * a System.map that is not from its build is named in the notes, not used.
 */
export function assembleBoots(imports: readonly ImportedMap[], statics: readonly Layout[]): Boot[] {
  const maps = imports.filter((m) => m.result.format === 'system-map' && usableSymbols(m.result)).reverse();
  const groups: { name: string; inputs: ImportedMap[]; preferred?: string }[] = [];
  for (const m of imports) if (m.group !== 'live' && bearsBoot(m)) groups.push({ name: m.name, inputs: [m], preferred: m.preferredStatic });
  const live = imports.filter((m) => m.group === 'live');
  if (live.some(bearsBoot)) groups.push({ name: LIVE_BOOT_NAME, inputs: live, preferred: live[0].preferredStatic });
  const boots: Boot[] = [];
  const names = new Set<string>();
  for (const g of groups) {
    let name = g.name;
    for (let k = 2; names.has(name); k++) name = `${g.name} (${k})`;
    names.add(name);
    const notes: string[] = [];
    const runtime = g.inputs.find((m) => m.result.format === 'kallsyms' && usableSymbols(m.result));
    let linkTime: ImportedMap | undefined;
    if (runtime) {
      for (const m of maps) {
        const s = textSlide(runtime.result.symbols!, m.result.symbols!, 64);
        if (s.slide !== undefined) { linkTime = m; break; }
        if (s.checked) notes.push(`${m.name} is not the System.map of ${runtime.name}'s build: ${s.mismatches} of ${s.checked} text symbols differ by another amount`);
      }
    }
    const results = g.inputs.map((m) => m.result);
    const importedMode = results.find((r) => r.layout)?.layout?.mode;
    const pre = deriveBootValues(results, { name, linkTime: linkTime?.result });
    const staticLayout = staticLayoutFor(pre, importedMode, statics, g.preferred);
    if (!staticLayout) continue;
    const values = deriveBootValues(results, { name, linkTime: linkTime?.result, layout: staticLayout });
    if (!Object.keys(values.values).length && !values.slide) continue;
    const applied = thisBootLayout(staticLayout, values);
    const symbols: SymbolSource[] = [];
    if (runtime) symbols.push({ table: runtime.result.symbols!, slide: 0n, kind: 'runtime', boot: name });
    for (const m of maps) {
      if (!runtime && values.slide) symbols.push({ table: m.result.symbols!, slide: values.slide.value, kind: 'relocated', boot: name });
      symbols.push({ table: m.result.symbols!, slide: 0n, kind: 'link-time' });
    }
    boots.push({
      id: applied.layout.id, name, imports: [...g.inputs.map((m) => m.id), ...(linkTime ? [linkTime.id] : [])],
      values, applied, staticLayout, symbols, notes,
    });
  }
  return boots;
}

/** An import's own layout on the map, under the import's id. */
export function importLayoutOf(m: ImportedMap): Layout | undefined {
  const l = m.result.layout;
  return l && l.regions.length ? { ...l, id: m.id } : undefined;
}

// ---- hovers ---------------------------------------------------------------------------------------

/** What hovers know about the boot in use: its values as definitions, its layout, its symbols. */
export interface BootView {
  boot?: {
    name: string;
    table: readonly BootValueRow[];
    layout: Layout;
    /** The runtime variables and functions (page_offset_base, pgtable_l5_enabled()) defined with this boot's values, and with their static defaults. */
    defs: Map<string, MacroDef[]>;
    staticDefs: Map<string, MacroDef[]>;
  };
  symbols: SymbolSource[];
}

function literalFor(v: bigint): string {
  if (v < 0n) return `(-0x${(-v).toString(16)}L)`;
  return v < 1024n ? v.toString() : `0x${v.toString(16)}UL`;
}

function defineOf(name: string, value: bigint, note: string): MacroDef | undefined {
  const toks = scanText(`#define ${name} ${literalFor(value)}`, 'c')[0]?.tokens ?? [];
  return toks.length > 3 ? parseDefine(toks[2], toks.slice(3), [], { note }) : undefined;
}

/** Definitions for the table's runtime names: a lower-case variable, or a function (`kaslr_offset()`) with no arguments. */
export function bootDefinitions(table: readonly BootValueRow[], which: 'boot' | 'static', bootName: string): Map<string, MacroDef[]> {
  const out = new Map<string, MacroDef[]>();
  for (const r of table) {
    const value = which === 'boot' ? r.value : r.staticValue;
    if (value === undefined) continue;
    const note = which === 'boot' ? `boot ${bootName}` : 'static default';
    const fn = /^([a-z_][a-z0-9_]*)\(\)$/.exec(r.macro);
    const name = fn ? fn[1] : /^[a-z_][a-z0-9_]*$/.test(r.variable) ? r.variable : undefined;
    if (!name || out.has(name)) continue;
    const def = defineOf(fn ? `${name}()` : name, value, note);
    if (def) out.set(name, [def]);
  }
  return out;
}

/** The view hovers read for a boot (undefined: none) and the symbol tables to look addresses up in. */
export function bootViewOf(boot: Boot | undefined, symbols?: SymbolSource[]): BootView {
  if (!boot) return { symbols: symbols ?? [] };
  const table = boot.applied.table;
  return {
    boot: {
      name: boot.name, table, layout: boot.applied.layout,
      defs: bootDefinitions(table, 'boot', boot.name), staticDefs: bootDefinitions(table, 'static', boot.name),
    },
    symbols: symbols ?? boot.symbols,
  };
}

/** What a hover says about a macro in this boot: the line, and the value it has in this boot. */
export interface BootMacroValue {
  text: string;
  value?: bigint;
}

const SMALL = 1024n;

function valueText(v: bigint): string {
  if (v < 0n) return signedHex(v);
  return v < SMALL ? v.toString() : formatHex(v, { digits: v > 0xffffffffn ? 16 : 8 });
}

function stripCall(n: string): string {
  return n.endsWith('()') ? n.slice(0, -2) : n;
}

/** The derivation chain without its final value: `VMALLOC_START = vmalloc_base`. */
function chainText(chain: readonly string[]): string {
  const parts = [...chain];
  if (parts.length > 1 && /^-?(?:0x[0-9a-f]+|\d+)$/i.test(parts[parts.length - 1])) parts.pop();
  return parts.join(' = ');
}

/**
 * A macro in the boot: when its value depends on runtime variables the boot knows, it is evaluated
 * again with the boot's values ("VMALLOC_START = vmalloc_base = 0xffffb3c4c0000000 in boot <name>;
 * static default 0xffffc90000000000"); a macro the boot's table names (PAGE_OFFSET, VMALLOC_START,
 * MODULES_VADDR) gets the table's line. Undefined when the boot says nothing about it.
 */
export function bootMacro(a: DocumentAnalysis, name: string, d: Derivation, view: BootView, info?: DefinitionInfo): BootMacroValue | undefined {
  const b = view.boot;
  if (!b) return undefined;
  const runtime = [...new Set(d.alternatives.flatMap((x) => x.runtime).map(stripCall))];
  if (runtime.some((r) => b.defs.has(r))) {
    const own = info?.def;
    const base: MacroLookup = own
      ? (n) => (n === own.name ? [{ ...plainDef(own), conditions: [] }] : a.options.lookup?.(n))
      : (n) => a.options.lookup?.(n);
    const withDefs = (defs: Map<string, MacroDef[]>): MacroLookup => (n) => defs.get(n) ?? base(n);
    const alt = deriveName(name, { ...a.options, lookup: withDefs(b.defs) }, 0).alternatives.find((x) => x.u64 !== undefined && !x.runtime.length);
    if (alt) {
      const st = deriveName(name, { ...a.options, lookup: withDefs(b.staticDefs) }, 0).alternatives.find((x) => x.u64 !== undefined && !x.runtime.length);
      const stat = st && st.u64 !== alt.u64 ? `; static default ${valueText(st.u64!)}` : st ? '; the same as the static default' : '';
      return { text: `${chainText(alt.chain)} = ${valueText(alt.u64!)} in boot ${b.name}${stat}`, value: alt.u64 };
    }
  }
  const row = bootValueFor(b.table, name);
  if (row && (row.macro === name || row.variable === name || row.macro === `${name}()`)) return { text: row.text, value: row.value };
  return undefined;
}

/** The hover line of a macro in this boot. */
export function bootMacroMarkdown(v: BootMacroValue): string {
  return `**This boot:** \`${v.text.replace(/`/g, "'")}\``;
}

/** One symbol an address is in, for people. */
export interface SymbolHit {
  /** `startup_64+0x1f0`, `demo_nic_xmit+0x4 [demo_nic]`. */
  text: string;
  kind: SymbolSource['kind'];
  /** The table and line it comes from, how it was relocated, where the symbol is. */
  detail: string;
}

/** The symbols an address is in, nearest first, one per table way of looking (kallsyms, relocated System.map, link time). */
export function symbolsAt(value: bigint, sources: readonly SymbolSource[]): SymbolHit[] {
  const out: SymbolHit[] = [];
  for (const s of sources) {
    const m = nearestSymbol(s.table, value, { slide: s.slide });
    if (!m || out.some((h) => h.text === m.text)) continue;
    const where = `${s.table.kind === 'kallsyms' ? 'kallsyms' : 'System.map'} ${s.table.source} line ${m.line}`;
    const how = s.kind === 'runtime' ? `the running kernel${s.boot ? ` of boot ${s.boot}` : ''}`
      : s.kind === 'relocated' ? `link-time address relocated by the text slide ${signedHex(s.slide)}${s.boot ? ` of boot ${s.boot}` : ''}`
        : 'link-time address';
    out.push({ text: m.text, kind: s.kind, detail: `${m.type}, ${where}; ${how}; symbol at ${formatHex(m.address, { digits: s.table.digits })}` });
  }
  return out;
}

/** The hover lines of the symbols an address is in; empty when it is in none. */
export function symbolMarkdown(value: bigint, sources: readonly SymbolSource[]): string {
  return symbolsAt(value, sources).slice(0, 3).map((h) => `**Symbol:** \`${h.text.replace(/`/g, "'")}\` — ${escapeMarkdown(h.detail)}`).join('\n\n');
}

// ---- the map ----------------------------------------------------------------------------------

/** Most entries of one import sent to the map. */
export const MAX_OVERLAY_ENTRIES = 5000;

function entryDetail(attrs: Record<string, string> | undefined): string | undefined {
  const parts = Object.entries(attrs ?? {}).map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(', ').slice(0, 400) : undefined;
}

/** Whether an import's addresses are physical (drawn only on a physical map). */
export function isPhysical(r: ImportResult): boolean {
  return r.format === 'iomem';
}

function archOf(mode: string): string {
  return mode.split('-')[0];
}

/** What hides an import's addresses, for people. */
export function hiddenText(r: ImportResult): string | undefined {
  const h = r.hidden;
  if (!h) return undefined;
  return h.reason === 'hashed'
    ? `${h.count} record${h.count === 1 ? '' : 's'} with hashed pointers (%p, from line ${h.firstLine}): the kernel hid their addresses; counted, not drawn`
    : `${h.count} record${h.count === 1 ? '' : 's'} with addresses printed as zeros (from line ${h.firstLine}): the kernel hid them from this reader (kptr_restrict, not root); not drawn`;
}

/**
 * An import as an overlay of a layout: its entries with exact addresses (a symbol file: the kernel
 * image's parts), sorted by address, and whether it can be drawn on `on` (same architecture;
 * physical addresses only on a physical map; never on its own layout).
 */
export function overlayOf(m: ImportedMap, on: Layout): WireOverlay {
  const r = m.result;
  const raw: WireOverlayEntry[] = [];
  if (r.symbols) {
    for (const reg of r.layout?.regions ?? []) raw.push({ name: reg.name, start: hexOf(reg.start), end: hexOf(reg.end), line: 0, type: 'section', detail: reg.description.slice(0, 400) });
  } else {
    for (const e of r.entries) raw.push({ name: e.name, start: hexOf(e.start), ...(e.end !== undefined ? { end: hexOf(e.end) } : {}), line: e.line, type: e.type, ...(entryDetail(e.attrs) ? { detail: entryDetail(e.attrs) } : {}) });
  }
  const order = r.symbols ? (r.layout?.regions ?? []).map((x) => x.start) : r.entries.map((e) => e.start);
  const idx = raw.map((_, i) => i).sort((x, y) => (order[x] < order[y] ? -1 : order[x] > order[y] ? 1 : x - y));
  const entries = idx.slice(0, MAX_OVERLAY_ENTRIES).map((i) => raw[i]);
  let why: string | undefined;
  if (m.id === on.id) why = 'this is its own layout';
  else if (isPhysical(r) && on.origin !== 'import:iomem') why = 'physical addresses: shown on its own map, not on a virtual layout';
  else if (r.layout && archOf(r.layout.mode) !== archOf(on.mode)) why = `addresses of ${r.layout.mode}, not of ${on.mode}`;
  else if (!entries.length) why = r.hidden ? 'no address to draw' : 'no entries with addresses';
  const notes: string[] = [];
  if (raw.length > entries.length) notes.push(`the first ${entries.length} of ${raw.length} entries by address are drawn`);
  if (r.problems.length) notes.push(`${r.problems.length} line${r.problems.length === 1 ? '' : 's'} not read (${r.problems[0].line ? `line ${r.problems[0].line}: ` : ''}${r.problems[0].message.slice(0, 160)})`);
  if (r.symbols) notes.push(`${r.symbols.count} symbols${r.symbols.modules.length ? ` (${r.symbols.modules.length} modules)` : ''}: hovers name the symbol an address is in`);
  return {
    id: m.id, title: m.name, format: r.format, formatTitle: formatName(r.format), drawable: !why, ...(why ? { why } : {}),
    entries, total: raw.length, problems: r.problems.length, notes, canReveal: !!m.source && m.group !== 'live',
    ...(r.hidden ? { hidden: { count: r.hidden.count, reason: r.hidden.reason, firstLine: r.hidden.firstLine, text: hiddenText(r)! } } : {}),
    ...(m.group ? { live: true } : {}),
  };
}

/** A boot as the map's side pane lists it. */
export function wireBoot(b: Boot, current: boolean, active: boolean): WireBoot {
  return {
    id: b.id, name: b.name, staticId: b.staticLayout.id, current, active,
    lines: b.applied.moves.map((m) => m.text), problems: [...b.applied.problems, ...b.notes].slice(0, 20),
  };
}

/** The lines a comparison of a boot with its static layout starts with: each move of the boot ("vmalloc: +0x2c4c0000000 from the static base"). */
export function bootCompareLines(a: Layout, b: Layout, boots: readonly Boot[]): string[] {
  const boot = boots.find((x) => (x.id === b.id && x.staticLayout.id === a.id) || (x.id === a.id && x.staticLayout.id === b.id));
  if (!boot) return [];
  return [`This boot (${boot.name}) against ${boot.staticLayout.id}:`, ...boot.applied.moves.map((m) => m.text)];
}

/** The sentence after an import: format detected, what it holds, the boot it gave. */
export function importSummary(m: ImportedMap, boot: Boot | undefined): string {
  const r = m.result;
  const what = r.symbols ? `${r.symbols.count} symbols` : `${r.entries.length} entr${r.entries.length === 1 ? 'y' : 'ies'}`;
  const parts = [`${m.name}: detected ${FORMAT_TITLES[r.format]}; ${what}${r.layout ? `, ${r.layout.regions.length} regions` : ''}`];
  const hidden = hiddenText(r);
  if (hidden) parts.push(hidden);
  if (r.problems.length) parts.push(`${r.problems.length} line${r.problems.length === 1 ? '' : 's'} skipped (${r.problems.slice(0, 2).map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message)).join('; ')})`);
  if (boot) parts.push(`this boot: ${boot.id}${boot.applied.moves.length ? ` (${boot.applied.moves.map((x) => x.text).slice(0, 2).join('; ')})` : ''}`);
  return parts.join('; ');
}
