// /proc/kallsyms and System.map: `ADDRESS TYPE NAME`, and in kallsyms `ADDRESS TYPE NAME\t[MODULE]` for
// module symbols. Both are nm's shape; kallsyms has the running kernel's addresses, System.map the
// link-time ones. One pass over the text with no per-line strings or regular expressions (200,000 lines
// in well under a second), into the typed arrays of ../symbols.ts.
//  - absolute symbols (type A/a) are values, not places: kept, never used to name an address;
//  - per-CPU symbols of a zero-based per-CPU area (x86-64: __per_cpu_start = 0) are offsets: likewise;
//  - every address 0 means the kernel hid them (kernel.kptr_restrict); that is said, not drawn.
import { formatHex } from '../../paging/numbers';
import { Region } from '../../paging/types';
import {
  KEY_SYMBOLS, KeySymbol, SYM_ABSOLUTE, SYM_MODULE, SYM_PERCPU, SYM_ZERO, SymbolTable, symbolAddress, symbolName,
} from '../symbols';
import { BootFact, byStart, emptyResult, guessX86Mode, ImportOptions, ImportResult, layoutOf, limitsOf, Problems } from './common';

const KEY_SET = new Map<string, KeySymbol>(KEY_SYMBOLS.map((k) => [k, k]));
/** Length, first and last character of each key name: a name that matches none needs no string. */
const KEY_SHAPES = new Set(KEY_SYMBOLS.map((k) => k.length * 65536 + k.charCodeAt(0) * 256 + k.charCodeAt(k.length - 1)));

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** nm's type letters, and `?` for unknown. */
function isTypeChar(c: number): boolean {
  const l = c | 0x20;
  return (l >= 97 && l <= 122) || c === 63;
}

function grow<T extends Uint32Array | Uint16Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as { new (n: number): T })(size);
  b.set(a);
  return b;
}

export interface SymbolFileOptions extends ImportOptions {
  /** Which of the two the text is; by default kallsyms when it has module symbols or its name says so. */
  kind?: 'kallsyms' | 'system-map';
}

/** Which of kallsyms and System.map a symbol file is, from its text and name. */
export function symbolFileKind(text: string, name?: string): 'kallsyms' | 'system-map' {
  if (name && /system\.map|\.map$/i.test(name.replace(/.*[\\/]/, ''))) return 'system-map';
  if (name && /kallsyms/i.test(name)) return 'kallsyms';
  const t = typeof text === 'string' ? text : '';
  // A module symbol's line ends in \t[module].
  for (let at = t.indexOf('\t['); at >= 0 && at < 4 << 20; at = t.indexOf('\t[', at + 2)) {
    const close = t.indexOf(']', at);
    const eol = t.indexOf('\n', at);
    if (close > at + 2 && (eol < 0 ? t.length : eol) - close <= 2 && !/[\s[]/.test(t.slice(at + 2, close))) return 'kallsyms';
  }
  return 'system-map';
}

/** Parse /proc/kallsyms or a System.map into a symbol table (result.symbols) and the kernel image's parts. */
export function parseSymbolFile(text: string, opts: SymbolFileOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const src = typeof text === 'string' ? text : '';
  const name = opts.name ?? 'symbols';
  const kind = opts.kind ?? symbolFileKind(src, opts.name);
  const format = kind;
  // Capacity from the number of lines (one indexOf loop), bounded by the line limit.
  let cap = 1;
  for (let p = src.indexOf('\n'); p >= 0 && cap < limits.maxLines; p = src.indexOf('\n', p + 1)) cap++;
  let hi = new Uint32Array(cap), lo = new Uint32Array(cap), type = new Uint8Array(cap), flags = new Uint8Array(cap);
  let nameStart = new Uint32Array(cap), nameLength = new Uint16Array(cap), module = new Uint16Array(cap), lineOf = new Uint32Array(cap);
  const modules: string[] = [];
  const moduleIndex = new Map<string, number>();
  const keys = Object.fromEntries(KEY_SYMBOLS.map((k) => [k, -1])) as Record<KeySymbol, number>;
  let count = 0, line = 0, digits = 0, nonZero = 0, relevant = 0;
  const len = src.length;
  let pos = 0, truncated = false, start = 0, end = 0;
  const bad = (why: string) => problems.add(line, `${why}: '${src.slice(start, Math.min(end, start + 60)).trim()}'`);
  while (pos < len) {
    if (line >= limits.maxLines) { truncated = true; break; }
    line++;
    let eol = src.indexOf('\n', pos);
    if (eol < 0) eol = len;
    end = eol;
    if (end > pos && src.charCodeAt(end - 1) === 13) end--;
    start = pos;
    pos = eol + 1;
    if (end === start) continue;
    if (end - start > limits.maxLineLength) { problems.add(line, `line is longer than ${limits.maxLineLength} characters; skipped`); continue; }
    // ADDRESS
    let p = start, h = 0, l = 0, nd = 0, d: number;
    while (p < end && (d = hexDigit(src.charCodeAt(p))) >= 0) { h = ((h << 4) | (l >>> 28)) >>> 0; l = ((l << 4) | d) >>> 0; p++; nd++; }
    // nm prints undefined and weak-undefined symbols with spaces for the address: no place, nothing to keep.
    if (nd === 0 && /^\s+[Uwv] \S+\s*$/.test(src.slice(start, end))) continue;
    if (nd === 0 || nd > 16 || p >= end || (src.charCodeAt(p) !== 32 && src.charCodeAt(p) !== 9)) { bad(nd > 16 ? 'the address has more than 16 hex digits' : 'not a symbol line (ADDRESS TYPE NAME)'); continue; }
    while (p < end && (src.charCodeAt(p) === 32 || src.charCodeAt(p) === 9)) p++;
    // TYPE
    const ty = src.charCodeAt(p);
    if (p >= end || !isTypeChar(ty) || p + 1 >= end || (src.charCodeAt(p + 1) !== 32 && src.charCodeAt(p + 1) !== 9)) { bad('expected a one-letter symbol type after the address'); continue; }
    p += 1;
    while (p < end && (src.charCodeAt(p) === 32 || src.charCodeAt(p) === 9)) p++;
    // NAME
    const ns = p;
    while (p < end) { const c = src.charCodeAt(p); if (c === 32 || c === 9) break; p++; }
    const ne = p;
    if (ne === ns) { bad('the symbol has no name'); continue; }
    if (ne - ns > 0xffff) { bad('the symbol name is too long'); continue; }
    // [MODULE]
    let mod = 0;
    while (p < end && (src.charCodeAt(p) === 32 || src.charCodeAt(p) === 9)) p++;
    if (p < end) {
      if (src.charCodeAt(p) !== 91 /* [ */ || src.charCodeAt(end - 1) !== 93 /* ] */ || end - p < 3) { bad('unexpected text after the symbol name (a module is written \\t[name])'); continue; }
      const m = src.slice(p + 1, end - 1);
      if (/[\s[\]]/.test(m)) { bad('unexpected text after the symbol name (a module is written \\t[name])'); continue; }
      let k = moduleIndex.get(m);
      if (k === undefined) {
        if (modules.length >= 0xfffe) { bad('more than 65,534 modules'); continue; }
        modules.push(m);
        k = modules.length;
        moduleIndex.set(m, k);
      }
      mod = k;
    }
    if (count >= cap) {
      cap *= 2;
      hi = grow(hi, cap); lo = grow(lo, cap); type = grow(type, cap); flags = grow(flags, cap);
      nameStart = grow(nameStart, cap); nameLength = grow(nameLength, cap); module = grow(module, cap); lineOf = grow(lineOf, cap);
    }
    const i = count++;
    hi[i] = h; lo[i] = l; type[i] = ty; nameStart[i] = ns; nameLength[i] = ne - ns; module[i] = mod; lineOf[i] = line;
    let f = (ty | 0x20) === 97 /* a */ ? SYM_ABSOLUTE : 0;
    if (mod) f |= SYM_MODULE;
    if (h === 0 && l === 0) f |= SYM_ZERO;
    flags[i] = f;
    if (!(f & SYM_ABSOLUTE)) { relevant++; if (!(f & SYM_ZERO)) nonZero++; }
    if (nd > digits) digits = nd;
    if (!mod && KEY_SHAPES.has((ne - ns) * 65536 + src.charCodeAt(ns) * 256 + src.charCodeAt(ne - 1))) {
      const key = KEY_SET.get(src.slice(ns, ne));
      if (key && keys[key] < 0) keys[key] = i;
    }
  }
  const allZero = relevant > 0 && nonZero === 0;
  const table: SymbolTable = {
    source: name, kind, count, text: src, hi, lo, type, flags, nameStart, nameLength, module, modules, line: lineOf,
    order: new Uint32Array(0), moduleOrder: new Uint32Array(0), keys, allZero, digits: digits > 8 ? 16 : 8,
  };
  // Per-CPU symbols: offsets into the per-CPU area when that area is zero-based (x86-64 SMP).
  const pcs = keys.__per_cpu_start, pce = keys.__per_cpu_end;
  if (pcs >= 0 && pce >= 0 && !allZero) {
    const sh = hi[pcs], sl = lo[pcs], eh = hi[pce], el = lo[pce];
    const zeroBased = sh === 0 && sl === 0;
    if (sh < eh || (sh === eh && sl < el)) {
      for (let i = 0; i < count; i++) {
        if (flags[i] & SYM_MODULE) continue;
        const h = hi[i], l = lo[i];
        const above = h > sh || (h === sh && l >= sl), below = h < eh || (h === eh && l <= el);
        if (above && below && (zeroBased || !(flags[i] & SYM_ABSOLUTE))) flags[i] |= SYM_PERCPU;
      }
    }
  }
  const zeroBasedPercpu = pcs >= 0 && hi[pcs] === 0 && lo[pcs] === 0 && !allZero;
  // The locatable symbols, the kernel's and the modules', each sorted by address (input order among equals).
  const pick = (modules: boolean): Uint32Array => {
    let n = 0;
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const f = flags[i];
      if (((f & SYM_MODULE) !== 0) !== modules || (f & (SYM_ABSOLUTE | SYM_ZERO))) continue;
      if ((f & SYM_PERCPU) && zeroBasedPercpu) continue;
      if ((type[i] | 0x20) === 117 /* u: undefined */) continue;
      order[n++] = i;
    }
    let sorted = true;
    for (let k = 1; k < n && sorted; k++) {
      const a = order[k - 1], b = order[k];
      if (hi[a] > hi[b] || (hi[a] === hi[b] && lo[a] > lo[b])) sorted = false;
    }
    const o = order.slice(0, n);
    if (!sorted) o.sort((a, b) => (hi[a] !== hi[b] ? hi[a] - hi[b] : lo[a] !== lo[b] ? lo[a] - lo[b] : a - b));
    return o;
  };
  table.order = pick(false);
  table.moduleOrder = pick(true);

  const facts: BootFact[] = [];
  if (!count) {
    problems.add(0, `no symbol lines found (expected lines like 'ffffffff81000000 T _text' or, for a module, 'ffffffffc0a01000 t foo_init\\t[foo]')`);
    return emptyResult(format, problems, line, truncated, { symbols: table });
  }
  if (allZero) {
    problems.add(1, `every address is 0: the kernel hides symbol addresses from this reader (kernel.kptr_restrict = 1 without CAP_SYSLOG, or 2; with 0 it shows them only when perf_event_paranoid <= 1). Read ${kind === 'kallsyms' ? '/proc/kallsyms' : 'the file'} as root with kptr_restrict <= 1; the ${count} names are kept, no address is drawn`);
  }
  // The running kernel's text start, from kallsyms.
  const textIdx = [keys._text, keys._stext, keys.startup_64, keys.stext].find((k) => k >= 0);
  if (kind === 'kallsyms' && !allZero && textIdx !== undefined) {
    facts.push({ name: 'text_start', value: symbolAddress(table, textIdx), line: lineOf[textIdx], how: `kallsyms ${symbolName(table, textIdx)}` });
  }
  const layout = allZero ? undefined : imageLayout(table, name, format);
  if (truncated) problems.add(line, `the input has more than ${limits.maxLines} lines; the rest was not read`);
  const hidden = allZero ? { count: relevant, firstLine: 1, reason: 'zeroed' as const } : undefined;
  return { format, layout, problems: problems.done(), lines: line, truncated, entries: [], symbols: table, facts, hidden };
}

/** The kernel image's parts (from the section symbols) and each module's span of symbols, as a layout. */
function imageLayout(t: SymbolTable, name: string, format: 'kallsyms' | 'system-map'): ImportResult['layout'] {
  const regions: Region[] = [];
  const k = t.keys;
  const part = (from: number[], to: number, label: string, what: string) => {
    const s = from.find((x) => x >= 0);
    if (s === undefined || to < 0) return;
    const a = symbolAddress(t, s), b = symbolAddress(t, to);
    if (b <= a) return;
    regions.push({
      name: label, start: a, end: b - 1n, kind: 'kernel-text',
      description: `${what}: ${symbolName(t, s)} .. ${symbolName(t, to)} (${formatHex(a, { digits: t.digits })} .. ${formatHex(b, { digits: t.digits })}, end exclusive)`,
      source: `${name}:${t.line[s]}`,
    });
  };
  part([k._text, k._stext], k._etext, 'kernel text', 'Kernel code');
  part([k.__start_rodata], k.__end_rodata, 'kernel rodata', 'Read-only data');
  part([k._sdata], k._edata, 'kernel data', 'Initialised data');
  part([k.__init_begin], k.__init_end, 'kernel init', 'Init code and data, freed after boot');
  part([k.__bss_start], k.__bss_stop, 'kernel bss', 'Zero-initialised data');
  if (t.modules.length) {
    const lo = new Array<bigint | undefined>(t.modules.length), hi = new Array<bigint | undefined>(t.modules.length), first = new Array<number>(t.modules.length).fill(0);
    for (let j = 0; j < t.moduleOrder.length; j++) {
      const i = t.moduleOrder[j];
      const m = t.module[i];
      const a = symbolAddress(t, i);
      if (lo[m - 1] === undefined || a < lo[m - 1]!) { lo[m - 1] = a; first[m - 1] = t.line[i]; }
      if (hi[m - 1] === undefined || a > hi[m - 1]!) hi[m - 1] = a;
    }
    t.modules.forEach((mod, j) => {
      if (lo[j] === undefined) return;
      regions.push({
        name: `[${mod}]`, start: lo[j]!, end: hi[j]!, kind: 'modules',
        description: `Symbols of module ${mod}, from its lowest to its highest symbol address; the module's memory extends past its last symbol`,
        source: `${name}:${first[j]}`,
      });
    });
  }
  if (!regions.length) return undefined;
  regions.sort(byStart);
  // Derived ranges may nest (init text inside the text on some builds): keep the first of overlapping ones.
  const kept: Region[] = [];
  for (const r of regions) if (!kept.length || r.start > kept[kept.length - 1].end) kept.push(r);
  const symbols = KEY_SYMBOLS.filter((s) => k[s] >= 0 && !(t.flags[k[s]] & (SYM_ZERO | SYM_PERCPU))).map((s) => ({ name: s, value: symbolAddress(t, k[s]), description: `${format === 'kallsyms' ? 'kallsyms' : 'System.map'} line ${t.line[k[s]]}` }));
  return layoutOf(name, `Symbols: ${name}`, `Kernel image parts and module spans from ${t.count} symbols (${format === 'kallsyms' ? 'running kernel' : 'link-time addresses'}).`,
    guessX86Mode(kept.flatMap((r) => [r.start, r.end])), kept, symbols, format);
}

/** Detection score: symbol lines (ADDRESS TYPE NAME). */
export function sniffSymbols(sample: readonly string[]): number {
  let s = 0;
  for (const l of sample) if (/^(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{16}) [A-Za-z?] [^\s[\]]+(?:\t\[[^\s\]]+\])?\s*$/.test(l)) s++;
  return s;
}
