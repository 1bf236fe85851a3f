// The workspace-derived layout and the map markers of a file: regions from a tree's own
// START/END/SIZE definitions and linker-script MEMORY regions.
// Bundled for the browser too (see model.ts): paging modules, not the paging index.
import { addressMask, getMode } from '../paging/modes';
import { formatHex, formatSize, U64_MAX as U64 } from '../paging/numbers';
import { Layout, LayoutSymbol, Region, RegionKind } from '../paging/types';

// ---- #defines of a workspace ---------------------------------------------------------------------

export interface Define {
  name: string;
  /** The replacement text with comments removed and continuations joined. */
  body: string;
  /** 0-based line and column of the name. */
  line: number;
  column: number;
  file: string;
}

/**
 * The object-like macros of a C/assembly file, `NAME = value;` assignments of a linker script and
 * `NAME equ value` of NASM, honouring simple `#ifdef`/`#ifndef`/`#if`/`#else`/`#endif` nesting
 * (an undefined CONFIG_ macro is false). Bounded to 20,000 lines of up to 2,000 characters.
 */
export function scanDefines(text: string, file: string): Define[] {
  const out: Define[] = [];
  const lines = (typeof text === 'string' ? text : '').split('\n', 20_000);
  const defined = new Set<string>();
  const values = new Map<string, string>();
  // Each frame: is this branch active, was any branch of this #if taken, was the parent active.
  const stack: { active: boolean; taken: boolean; parent: boolean }[] = [];
  const active = () => (stack.length ? stack[stack.length - 1].active : true);
  let inComment = false;
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i].length > 2000 ? '' : lines[i];
    const startLine = i;
    while (raw.endsWith('\\') && i + 1 < lines.length) raw = raw.slice(0, -1) + ' ' + lines[++i];
    // Strip comments, tracking /* */ across lines.
    let line = '';
    for (let j = 0; j < raw.length; j++) {
      if (inComment) { if (raw.startsWith('*/', j)) { inComment = false; j++; } continue; }
      if (raw.startsWith('/*', j)) { inComment = true; j++; continue; }
      if (raw.startsWith('//', j)) break;
      line += raw[j];
    }
    const d = /^\s*#\s*(\w+)\s*(.*)$/.exec(line);
    if (d) {
      const [, dir, rest] = d;
      if (dir === 'ifdef' || dir === 'ifndef') {
        const has = defined.has(rest.trim().split(/\s/)[0]);
        const cond = dir === 'ifdef' ? has : !has;
        stack.push({ active: active() && cond, taken: cond, parent: active() });
      } else if (dir === 'if') {
        const cond = evalCondition(rest, defined, values);
        stack.push({ active: active() && cond, taken: cond, parent: active() });
      } else if (dir === 'elif') {
        const top = stack[stack.length - 1];
        if (top) { const cond = !top.taken && evalCondition(rest, defined, values); top.active = top.parent && cond; top.taken ||= cond; }
      } else if (dir === 'else') {
        const top = stack[stack.length - 1];
        if (top) { top.active = top.parent && !top.taken; top.taken = true; }
      } else if (dir === 'endif') stack.pop();
      else if (dir === 'define' && active()) {
        const m = /^([A-Za-z_]\w*)(\(?)(.*)$/.exec(rest);
        if (m && !m[2]) {
          const col = lines[startLine].indexOf(m[1]);
          out.push({ name: m[1], body: m[3].trim().replace(/\s+/g, ' '), line: startLine, column: Math.max(0, col), file });
          defined.add(m[1]);
          values.set(m[1], m[3].trim());
        } else if (m) defined.add(m[1]);
      } else if (dir === 'undef' && active()) defined.delete(rest.trim());
      continue;
    }
    if (!active()) continue;
    const ld = /^\s*([A-Za-z_.$][\w.$]*)\s*=\s*([^;=][^;]*);/.exec(line);
    const nasm = /^\s*([A-Za-z_.$?][\w.$?#@~]*)\s*:?\s+equ\s+(.+?)\s*$/i.exec(line);
    const pct = /^\s*%\s*(?:x|i)?define\s+([A-Za-z_]\w*)\s+(.+?)\s*$/.exec(line);
    const asmSet = /^\s*\.(?:set|equ)\s+([A-Za-z_.$][\w.$]*)\s*,\s*(.+?)\s*$/.exec(line);
    const hit = ld ?? nasm ?? pct ?? asmSet;
    if (hit && hit[1] !== '.') {
      out.push({ name: hit[1], body: hit[2].trim(), line: startLine, column: Math.max(0, lines[startLine].indexOf(hit[1])), file });
      defined.add(hit[1]);
      values.set(hit[1], hit[2].trim());
    }
  }
  return out;
}

function evalCondition(expr: string, defined: Set<string>, values: Map<string, string>): boolean {
  const replaced = expr.replace(/defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?/g, (_, n) => (defined.has(n) ? '1' : '0'));
  const v = evaluateExpr(replaced, (n) => values.get(n), 0);
  return v !== undefined && v !== 0n;
}

/** Linux/C idioms that are functions of their argument(s). */
const FUNCTIONS: Record<string, (args: bigint[]) => bigint | undefined> = {
  _AC: (a) => a[0], _AT: (a) => a[1], UL: (a) => a[0], ULL: (a) => a[0], _UL: (a) => a[0], _ULL: (a) => a[0], U64_C: (a) => a[0],
  BIT: (a) => (a[0] < 64n ? 1n << a[0] : undefined), BIT_ULL: (a) => (a[0] < 64n ? 1n << a[0] : undefined),
  GENMASK: (a) => (a[0] < 64n && a[1] <= a[0] ? ((1n << (a[0] - a[1] + 1n)) - 1n) << a[1] : undefined),
  GENMASK_ULL: (a) => (a[0] < 64n && a[1] <= a[0] ? ((1n << (a[0] - a[1] + 1n)) - 1n) << a[1] : undefined),
  ALIGN: (a) => (a[1] ? ((a[0] + a[1] - 1n) / a[1]) * a[1] : undefined),
};

const SZ = /^SZ_(\d+)([KMGT]?)$/;

/**
 * Evaluate a constant expression over 64-bit unsigned integers: literals with C/ld suffixes, names
 * (looked up, to depth 16), _AC()/UL()/BIT()/GENMASK(), casts to integer types, + - * / % << >> & | ^ ~ ( ).
 * Undefined for anything it cannot evaluate exactly.
 */
export function evaluateExpr(text: string, lookup: (name: string) => string | undefined, depth = 0): bigint | undefined {
  if (depth > 16 || text.length > 1000) return undefined;
  const toks = text.match(/0[xX][0-9a-fA-F_']+[uUlL]*|\d[\d_']*[uUlLkKmM]*|[A-Za-z_]\w*|<<|>>|&&|\|\||[-+*/%&|^~()!,<>]|\S/g) ?? [];
  let pos = 0;
  const mask = U64;
  const peek = () => toks[pos];
  const next = () => toks[pos++];
  const fail = (): never => { throw new Error('x'); };
  const literal = (t: string): bigint => {
    let m = /^0[xX]([0-9a-fA-F_']+?)([uUlL]*)$/.exec(t);
    // A literal wider than 64 bits is not a value (C: "integer constant is too large").
    if (m) { const h = BigInt('0x' + m[1].replace(/[_']/g, '')); return h > mask ? fail() : h; }
    m = /^(\d[\d_']*?)([uUlL]*|[kKmM])$/.exec(t);
    if (!m) return fail();
    let v = BigInt(m[1].replace(/[_']/g, ''));
    if (/^[kK]$/.test(m[2])) v *= 1024n;
    if (/^[mM]$/.test(m[2])) v *= 1024n * 1024n;
    return v > mask ? fail() : v;
  };
  const primaryExpr = (): bigint => {
    const t = next();
    if (t === undefined) return fail();
    if (t === '(') {
      // A cast: (unsigned long), (u64), (phys_addr_t)... is skipped.
      const save = pos;
      const words: string[] = [];
      while (peek() && /^[A-Za-z_]\w*$/.test(peek())) words.push(next());
      if (words.length && peek() === ')' && words.every((w) => /^(unsigned|signed|long|int|u64|u32|uint64_t|uintptr_t|phys_addr_t|size_t|__u64|pgdval_t|pteval_t|pmdval_t|pudval_t)$/.test(w))) {
        next();
        return unary();
      }
      pos = save;
      const v = expr(0);
      if (next() !== ')') fail();
      return v;
    }
    if (/^\d/.test(t)) return literal(t);
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === '(' && FUNCTIONS[t]) {
        next();
        const args: bigint[] = [];
        // _AC(X, UL): the second argument is a suffix, not an expression.
        if (t === '_AC') { args.push(expr(0)); if (next() !== ',') fail(); next(); if (next() !== ')') fail(); return args[0]; }
        if (peek() !== ')') { args.push(expr(0)); while (peek() === ',') { next(); args.push(expr(0)); } }
        if (next() !== ')') fail();
        return FUNCTIONS[t](args) ?? fail();
      }
      const sz = SZ.exec(t);
      if (sz && lookup(t) === undefined) return BigInt(sz[1]) * ({ '': 1n, K: 1024n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n } as Record<string, bigint>)[sz[2]];
      const body = lookup(t);
      if (body === undefined) return fail();
      const v = evaluateExpr(body, lookup, depth + 1);
      return v ?? fail();
    }
    return fail();
  };
  const unary = (): bigint => {
    const t = peek();
    if (t === '-') { next(); return (-unary()) & mask; }
    if (t === '+') { next(); return unary(); }
    if (t === '~') { next(); return ~unary() & mask; }
    if (t === '!') { next(); return unary() === 0n ? 1n : 0n; }
    return primaryExpr();
  };
  const PREC: Record<string, number> = { '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '<': 7, '>': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10 };
  const expr = (minPrec: number): bigint => {
    let left = unary();
    for (;;) {
      const op = peek();
      const p = op !== undefined ? PREC[op] : undefined;
      if (p === undefined || p < minPrec) return left;
      next();
      const right = expr(p + 1);
      switch (op) {
        case '+': left = (left + right) & mask; break;
        case '-': left = (left - right) & mask; break;
        case '*': left = (left * right) & mask; break;
        case '/': if (!right) fail(); left = left / right; break;
        case '%': if (!right) fail(); left = left % right; break;
        case '<<': left = right >= 64n ? 0n : (left << right) & mask; break;
        case '>>': left = right >= 64n ? 0n : left >> right; break;
        case '&': left &= right; break;
        case '|': left |= right; break;
        case '^': left ^= right; break;
        case '&&': left = left && right ? 1n : 0n; break;
        case '||': left = left || right ? 1n : 0n; break;
        case '<': left = left < right ? 1n : 0n; break;
        case '>': left = left > right ? 1n : 0n; break;
      }
    }
  };
  try {
    const v = expr(0);
    return pos === toks.length ? v : undefined;
  } catch {
    return undefined;
  }
}

export interface EvaluatedDefine extends Define {
  value: bigint;
}

/** Values of the defines that evaluate to a constant, names resolved across the given defines. */
export function evaluateDefines(defs: readonly Define[], extra: readonly Define[] = []): EvaluatedDefine[] {
  const bodies = new Map<string, string>();
  for (const d of [...extra, ...defs]) if (!bodies.has(d.name) || defs.includes(d)) bodies.set(d.name, d.body);
  const out: EvaluatedDefine[] = [];
  for (const d of defs) {
    const v = evaluateExpr(d.body, (n) => bodies.get(n));
    if (v !== undefined) out.push({ ...d, value: v });
  }
  return out;
}

/** Names that hold sizes, shifts or masks rather than addresses. */
const NOT_ADDRESS = /(?:_SIZE|_LEN|_SHIFT|_BITS|_MASK|_ORDER|_NR|_TB|_GB|_MB|_KB|_PAGES|_COUNT|_ALIGN|_MAX|_MIN)(?:_L\d)?$|^(?:SZ_|PAGE_|PMD_|PUD_|PGDIR_|P4D_|PTRS_)/;

/** The address-like constants of one file: markers for the map. */
export function fileMarkers(text: string, file: string, minValue = 0x10000n): EvaluatedDefine[] {
  const defs = scanDefines(text, file);
  const vals = evaluateDefines(defs).filter((d) => d.value >= minValue && !NOT_ADDRESS.test(d.name));
  const seen = new Set(vals.map((d) => `${d.line}:${d.column}`));
  // Plain address literals outside definitions, e.g. `. = 0xffffffff81000000;` or `mov $0x..., %rax`.
  const lines = (typeof text === 'string' ? text : '').split('\n', 20_000);
  const defLines = new Set(defs.map((d) => d.line));
  let n = 0;
  let inComment = false;
  for (let i = 0; i < lines.length && n < 2000; i++) {
    if (lines[i].length > 2000) continue;
    // Blank out comments (keeping columns), tracking /* */ across lines.
    let code = '';
    const l = lines[i];
    for (let j = 0; j < l.length; j++) {
      if (inComment) { if (l.startsWith('*/', j)) { inComment = false; code += '  '; j++; } else code += ' '; continue; }
      if (l.startsWith('/*', j)) { inComment = true; code += '  '; j++; continue; }
      if (l.startsWith('//', j)) break;
      code += l[j];
    }
    if (defLines.has(i) || /^\s*[#%]/.test(code)) continue;
    for (const m of code.matchAll(/\b0[xX][0-9a-fA-F]{5,16}(?:[uU]?[lL]{0,2})\b/g)) {
      const v = BigInt(m[0].replace(/[uUlL]+$/, ''));
      if (v < minValue || seen.has(`${i}:${m.index}`)) continue;
      vals.push({ name: m[0], body: m[0], line: i, column: m.index!, file, value: v });
      n++;
    }
  }
  return vals.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

export interface WorkspaceRegion extends Region {
  file: string;
  line: number;
  column: number;
}

export interface WorkspaceLayoutResult {
  layout: Layout;
  /** Region name → where it is defined (the START/BASE name). */
  locations: Map<string, { file: string; line: number; column: number }>;
  /** Overlaps and conflicting definitions, as ranges for the map. */
  problems: { code: string; message: string; start: bigint; end: bigint; file: string; line: number; column: number }[];
}

export const WORKSPACE_LAYOUT_ID = 'workspace-defines';

/**
 * A layout from the workspace's own definitions: FOO_START (or FOO_BASE, FOO_VADDR, FOO_BASE_ADDR)
 * with FOO_END (inclusive when it ends in ...fff, exclusive otherwise) or FOO_SIZE / FOO_LEN, plus
 * linker-script MEMORY regions. Regions that overlap an earlier one are clipped and reported.
 */
export function deriveWorkspaceLayout(files: readonly { file: string; text: string }[], modeId = 'x86_64-4level'): WorkspaceLayoutResult {
  const mode = getMode(modeId) ?? getMode('x86_64-4level')!;
  const limit = addressMask(mode);
  const candidates: WorkspaceRegion[] = [];
  const symbols: LayoutSymbol[] = [];
  const problems: WorkspaceLayoutResult['problems'] = [];
  const sorted = [...files].sort((a, b) => (a.file < b.file ? -1 : 1)).slice(0, 5000);
  for (const f of sorted) {
    const defs = scanDefines(f.text, f.file);
    const vals = evaluateDefines(defs);
    const byName = new Map(vals.map((d) => [d.name, d]));
    for (const d of vals) {
      const m = /^(.*?)_(START|BASE|VADDR|BASE_ADDR|BEGIN)$/.exec(d.name);
      if (!m || !m[1]) continue;
      const end = byName.get(`${m[1]}_END`);
      const size = byName.get(`${m[1]}_SIZE`) ?? byName.get(`${m[1]}_LEN`);
      let last: bigint | undefined;
      let how = '';
      if (end) {
        const inclusive = ((end.value + 1n) & (PAGE_MASK)) === 0n && end.value > d.value;
        last = inclusive ? end.value : end.value - 1n;
        how = `${d.name} to ${end.name}${inclusive ? ' (inclusive)' : ' (exclusive)'}`;
      } else if (size && size.value > 0n) {
        last = d.value + size.value - 1n;
        how = `${d.name} + ${size.name}`;
      }
      if (last === undefined || last < d.value || last > limit) continue;
      candidates.push({ name: m[1], start: d.value, end: last, kind: kindFromName(m[1]), description: `From ${how}.`, source: `${f.file}:${d.line + 1}`, file: f.file, line: d.line, column: d.column });
    }
    // GNU ld MEMORY { name (attr) : ORIGIN = x, LENGTH = y }
    const lines = f.text.split('\n', 20_000);
    lines.forEach((l, i) => {
      const mm = /^\s*([A-Za-z_]\w*)\s*(?:\([^)]*\))?\s*:\s*(?:ORIGIN|org|o)\s*=\s*([^,]+),\s*(?:LENGTH|len|l)\s*=\s*([^\s/]+)/.exec(l);
      if (!mm) return;
      const lookup = (n: string) => byName.get(n)?.body;
      const o = evaluateExpr(mm[2], lookup), len = evaluateExpr(mm[3], lookup);
      if (o === undefined || !len || o + len - 1n > limit) return;
      candidates.push({ name: mm[1], start: o, end: o + len - 1n, kind: kindFromName(mm[1]), description: `Linker-script MEMORY region (ORIGIN ${formatHex(o)}, LENGTH ${formatSize(len)}).`, source: `${f.file}:${i + 1}`, file: f.file, line: i, column: l.indexOf(mm[1]) });
    });
    for (const d of vals) if (d.value >= 0x10000n && !NOT_ADDRESS.test(d.name) && d.value <= limit) symbols.push({ name: d.name, value: d.value, description: `${f.file}:${d.line + 1}` });
  }
  // The first definition of a region name wins (files in path order); later different ones are reported.
  const byRegion = new Map<string, WorkspaceRegion>();
  for (const c of candidates) {
    const prev = byRegion.get(c.name);
    if (!prev) { byRegion.set(c.name, c); continue; }
    if (prev.start !== c.start || prev.end !== c.end) {
      problems.push({ code: 'PL-MAP-CONFLICT', message: `${c.name} is ${formatHex(c.start)}–${formatHex(c.end)} in ${c.source} but ${formatHex(prev.start)}–${formatHex(prev.end)} in ${prev.source}; the map shows the first`, start: c.start, end: c.end, file: c.file, line: c.line, column: c.column });
    }
  }
  const list = [...byRegion.values()].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? 1 : -1));
  const regions: WorkspaceRegion[] = [];
  for (const r of list) {
    const prev = regions[regions.length - 1];
    if (prev && r.start <= prev.end) {
      const ovEnd = r.end < prev.end ? r.end : prev.end;
      problems.push({ code: 'PL-MAP-OVERLAP', message: `${r.name} (${r.source}) overlaps ${prev.name} (${prev.source}) from ${formatHex(r.start)} to ${formatHex(ovEnd)}`, start: r.start, end: ovEnd, file: r.file, line: r.line, column: r.column });
      if (r.end <= prev.end) continue;
      regions.push({ ...r, name: `${r.name} (after ${prev.name})`, start: prev.end + 1n });
      continue;
    }
    regions.push(r);
  }
  const locations = new Map(regions.map((r) => [r.name, { file: r.file, line: r.line, column: r.column }]));
  const layout: Layout = {
    id: WORKSPACE_LAYOUT_ID, title: 'Workspace #defines', mode: mode.id,
    description: `Regions from the workspace's START/END/SIZE definitions and linker-script MEMORY regions (${regions.length}).`,
    source: sorted.map((f) => f.file).slice(0, 20), notes: [],
    regions: regions.map(({ file: _f, line: _l, column: _c, ...r }) => r),
    symbols: symbols.slice(0, 5000), origin: 'workspace',
  };
  return { layout, locations, problems };
}

const PAGE_MASK = 0xfffn;

function kindFromName(name: string): RegionKind {
  const n = name.toUpperCase();
  if (/VMALLOC|VMAP|IOREMAP/.test(n)) return 'vmalloc';
  if (/VMEMMAP/.test(n)) return 'vmemmap';
  if (/MODULE/.test(n)) return 'modules';
  if (/HYPERVISOR|XEN/.test(n)) return 'hypervisor';
  if (/KASAN/.test(n)) return 'kasan';
  if (/FIXADDR|FIXMAP/.test(n)) return 'fixmap';
  if (/ESPFIX/.test(n)) return 'espfix';
  if (/CPU_ENTRY/.test(n)) return 'cpu-entry-area';
  if (/EFI/.test(n)) return 'efi';
  if (/PAGE_OFFSET|DIRECT|PHYSMAP|LINEAR/.test(n)) return 'direct-map';
  if (/KERNEL|TEXT|IMAGE/.test(n)) return 'kernel-text';
  if (/USER|TASK/.test(n)) return 'user';
  return 'other';
}
