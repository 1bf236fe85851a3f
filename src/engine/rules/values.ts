// The values the rules look at, read from a file's analysis (the one the hover reads too):
// definitions (C `#define`, GNU as `.set`/`.equ`/`=`, NASM `equ`/`%define`/`%assign`, ld `NAME = …;`)
// with their activity and conditions as the preprocessing walk judged them, their values (a single
// literal, or the body evaluated with the analysis' own lookup), and bare literals of the lines that
// hold one a rule can read, with the code around them.
import { Activity, CondAtom, FileAnalysis, Family, LazyDefine, LTok, MacroDef, Token, parseLiteral, isWordChar, DefinitionRecord, siteValue, ASSERTION_WORD, mayHaveAssertions } from '../source';
import { U64_MAX } from '../paging/numbers';
import { AddressContext, addressEvidence, readName } from './addressLike';
import { LiteralInfo, RuleValue, SrcRange } from './types';

/** Words of the names the rules look at (boundaries, bases, kernel and user limits, sizes), any case. */
const INTERESTING_WORDS = ['START', 'END', 'BASE', 'BEGIN', 'ADDR', 'LIMIT', 'TOP', 'OFFSET', 'PHYS', 'TASK', 'VADDR', 'KERNEL', 'MAP', 'SIZE', 'LEN', 'VIRT', 'MAX'];
/** `START` -> `[Ss][Tt][Aa][Rr][Tt]`: case-insensitive words inside an otherwise case-sensitive pattern. */
const anyCase = (w: string) => w.replace(/[A-Z]/g, (c) => `[${c}${c.toLowerCase()}]`);
/** At a name: not a register offset or field by naming convention. */
const NOT_REGISTER = '(?!(?:mm|ix|reg|cfg|smn)[A-Z0-9])(?!\\w*(?:_MASK|_SHIFT|_SMASK|_MSK)\\b)';
/**
 * A C definition whose name can matter to a rule: it contains one of the words above, and it is not a
 * register offset or field by naming convention (amdgpu `mm`/`ix`/`reg`/`cfg`/`smn` offsets, `*_MASK`,
 * `*__SHIFT`). A C definition is a value when its name can matter or its line holds a literal a rule can read.
 */
const RULE_NAME = new RegExp(`^${NOT_REGISTER}(?=\\w*(?:${INTERESTING_WORDS.map(anyCase).join('|')}))`);
/** Names the range rules can pair up (rules.ts: START_SUFFIX, END_SUFFIX, SIZE_SUFFIX), or a few more: a cheap first test. */
export const RANGE_PART = /.(?:_START|_BASE|_VADDR|_BEGIN|_ADDR|_END|_LIMIT|_TOP|_SIZE|_LEN)$/i;
/**
 * Every `#define` line, with its name (register-field windows). fieldDefineLines finds its `^[ \t]*#`
 * by hand (a search for `#`: twice as fast on Linux 6.1); the unit tests hold the two to the same lines.
 */
export const DEFINE_LINE_G = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)/gm;
/** DEFINE_LINE_G after its `#`. */
const DEFINE_AFTER_HASH_Y = /[ \t]*define[ \t]+([A-Za-z_]\w*)/y;

export interface CollectOptions {
  /** Evaluate definitions whose bodies are expressions (default true). */
  evaluate?: boolean;
  /**
   * Let each definition's lexed tokens go once it is read (made again if a lookup asks): for an analysis
   * read once and dropped, as the whole-tree check's of a file. A 400,000-define header holds 150 MB of
   * them otherwise.
   */
  release?: boolean;
}

export interface Collected {
  values: RuleValue[];
  /** The file's definitions by name (its preprocessing table), for the files that include it. */
  lookup: (name: string) => readonly MacroDef[] | undefined;
}

const NO_TOKENS: LTok[] = Object.freeze([]) as unknown as LTok[];
/** The context of a definition's value until one of its marks is set (most have none): one frozen object for all. */
const NO_CONTEXT: Partial<AddressContext> = Object.freeze({});
/** Set a mark of a value's context (a context of its own is made for the first one). */
function mark(v: RuleValue, key: 'pointerCast' | 'fromMaskMacro' | 'product' | 'orOfBits'): void {
  if (v.context === NO_CONTEXT) v.context = {};
  v.context[key] = true;
}
/** The `#if` group keys of a value read from an analysis: none (its conditions are `conds`); one frozen array for all. */
const NO_BRANCHES: string[] = Object.freeze([]) as unknown as string[];
/** A name of a load or staging address (`PLAT_ATF_LOAD_ADDR`): where an image is put before it runs. */
const LOAD_NAME = /(?:^|_)(?:LOAD|STAGING)(?:_|$)/i;
const MASK_MACRO = /^(?:GENMASK(?:_ULL)?|BIT(?:_ULL|_MASK)?|_BITUL|_BITULL|BIT_ULL_MASK)$/;
const BOUNDARY_NAME = /(?:^|_)(?:END|START|BASE|TOP|BEGIN|VADDR)(?:_|$)/i;
const GROWS_DOWN = /grow(?:s|ing)?\s+down|downwards?|top[- ]down/i;
const condString = (c: CondAtom) => (c.negated ? '!' + c.text : c.text);

/** Whether a C definition of this name can be a value for the rules whatever its line holds. */
export function ruleReadsName(name: string): boolean {
  return RULE_NAME.test(name);
}

/** ruleReadsName as a sticky pattern, tried at a name inside a text (the whole-tree line source). */
export const RULE_NAME_Y = new RegExp(RULE_NAME.source.slice(1) + '\\w', 'y');

/** The definitions that are values for the rules (function-like macros and linker locations are not). */
function valueRecord(r: DefinitionRecord, family: Family, literalLines: Set<number>): boolean {
  const k = r.kind;
  if (k === 'function-macro' || k === 'ld-dot' || k === 'ld-origin' || k === 'ld-length') return false;
  if (family !== 'c') return true;
  return literalLines.has(r.line) || RULE_NAME.test(r.name);
}

/**
 * Collect the values of one file from its analysis. Definitions carry the activity and conditions the
 * preprocessing walk gave them; bare literals come from the analysis' literal lines.
 */
export function collectValues(a: FileAnalysis, opts: CollectOptions = {}): Collected {
  const { family, text } = a;
  const file = a.file ?? '';
  const lines = a.literalLines();
  const literalLineSet = new Set<number>();
  /** A literal line's tokens after `# define NAME`: the body, without lexing the definition again. */
  const bodyAt = new Map<number, LTok[]>();
  for (const l of lines) {
    literalLineSet.add(l.line);
    const t = l.tokens;
    if (l.directive && t[0]?.text === '#' && t[1]?.text === 'define' && t[2]?.kind === 'ident') bodyAt.set(l.line, t.slice(3));
  }
  const values: RuleValue[] = [];
  const pending: { value: RuleValue; body: LTok[]; conditions: CondAtom[] }[] = [];
  /** Single literals of definitions, by line: their number tokens are the definition's, not bare literals. */
  const claimed = new Map<number, Set<number>>();
  const condsMemo = new Map<CondAtom[], string[]>();
  // A definition's line start: a LazyDefine of this text knows it (no table of line starts needed).
  const lineStartOf = (r: DefinitionRecord) => (r.directive instanceof LazyDefine && r.directive.src.text === text ? r.directive.offset : a.lineStart(r.line));
  const condsOf = (atoms: CondAtom[]) => {
    if (atoms.length === 0) return undefined;
    let c = condsMemo.get(atoms);
    if (!c) { c = atoms.map(condString); condsMemo.set(atoms, c); }
    return c;
  };

  for (const r of a.pre.definitions) {
    if (!valueRecord(r, family, literalLineSet)) continue;
    const own = r.kind === 'define' ? bodyAt.get(r.line) : undefined;
    const bodyTokens = (own ?? r.directive.body ?? NO_TOKENS) as LTok[];
    const nameRange = range(r.line, r.nameStart, r.nameEnd);
    const activity: Activity = r.activity;
    const v: RuleValue = {
      name: r.name, file, range: nameRange, nameRange,
      branches: NO_BRANCHES, conds: condsOf(r.conditions), inactive: activity === 'inactive' || undefined, context: NO_CONTEXT, local: true,
    };
    if (BOUNDARY_NAME.test(r.name) && GROWS_DOWN.test(linesAround(text, lineStartOf(r), 4, 2))) v.growsDown = true;
    markBody(v, bodyTokens);
    const single = singleLiteral(bodyTokens);
    if (single) {
      const lt = bodyTokens[single.index];
      const li = literalInfo(lt, lt.line, family);
      if (li) {
        v.literal = li;
        v.value = scaledValue(li);
        v.range = li.range;
        if (single.pointerCast) mark(v, 'pointerCast');
        const prev = bodyTokens[single.index - 1];
        if (prev?.text === '-' || prev?.text === '~') { v.value = undefined; v.literal = undefined; v.range = v.nameRange!; }
        // (only a literal line's tokens are read again as bare literals: a definition of another line claims nothing)
        if (own) {
          const c = claimed.get(lt.line);
          if (c) c.add(lt.start); else claimed.set(lt.line, new Set([lt.start]));
        }
      }
    } else if (bodyTokens.length > 0) {
      pending.push({ value: v, body: bodyTokens, conditions: r.conditions });
    }
    values.push(v);
    if (opts.release && r.directive instanceof LazyDefine) r.directive.forget();
  }
  // Definitions in line order, bare literals after the definition of their line (as they are read).
  const activityAt = lineActivity(a);
  const bare: RuleValue[] = [];
  for (const l of lines) {
    const t = l.tokens;
    if (t[0]?.text === '#' && (t[1]?.text === 'line' || /^\d/.test(t[1]?.text ?? ''))) continue;
    // The identifiers of each physical line, made once for the line (a generated table may hold 60,000 literals on one line).
    let identsByLine: Map<number, string[]> | undefined;
    const identsOn = (line: number): string[] => {
      if (!identsByLine) {
        identsByLine = new Map();
        for (const x of t) if (x.kind === 'ident') { const a = identsByLine.get(x.line); if (a) a.push(x.text); else identsByLine.set(x.line, [x.text]); }
      }
      return identsByLine.get(line) ?? [];
    };
    for (let i = 0; i < t.length; i++) {
      const tok = t[i];
      if (tok.kind !== 'number') continue;
      if (claimed.get(tok.line)?.has(tok.start)) continue;
      // Fewer than nine characters: below 2^32 (no scaling suffixes outside linker scripts).
      const pointerCast = pointerCastBefore(t, i);
      if (tok.text.length < 9 && family !== 'ld' && !pointerCast) continue;
      const li = literalInfo(tok, tok.line, family);
      if (!li) continue;
      const ldLocation = family === 'ld' && ((t[i - 1]?.text === '=' && t[i - 2]?.text === '.') || (i === 1 && t[0].text.startsWith('.') && t[2]?.text === ':'));
      const big = li.value >= 0x100000000n || (li.radix === 16 && li.digits.length >= 9);
      if (!big && !pointerCast && !ldLocation) continue;
      const prev = t[i - 1], next = t[i + 1];
      const context = {
        pointerCast, linkerLocation: ldLocation,
        before: prev?.kind === 'punct' ? prev.text : undefined,
        after: next?.kind === 'punct' && next.text !== ')' && next.text !== ',' && next.text !== ';' ? next.text : undefined,
        neighbours: identsOn(tok.line),
        assignedToElement: (prev?.text === '=' && storedThrough(t, i - 1)) || undefined,
      };
      const value = scaledValue(li);
      // Only the bare literals a rule can read: with address evidence around them, past 64 bits, or of
      // 15 to 17 hex digits (digit-count typos and the neighbours that show them).
      if (value <= U64_MAX && !(li.radix === 16 && li.digits.length >= 15 && li.digits.length <= 17) && !addressEvidence(context)) continue;
      const at = activityAt(tok.line);
      bare.push({ file, range: li.range, literal: li, value, branches: NO_BRANCHES, conds: condsOf(at.conditions), inactive: at.activity === 'inactive' || undefined, local: true, context });
    }
  }
  if (bare.length) values.push(...bare);

  // Register blocks: a definition within three lines of a *_SHIFT / *_MASK name of the same register (same
  // first two words) is a bit field, not a range boundary; radeon's C_xxxxxx_ names always are.
  const fields = new Map<string, number[]>();
  /** The heads of the `*_SHIFT`/`*_MASK` `#define`s of the text by line (made once, when a range part asks). */
  let fieldDefines: Map<number, string[]> | undefined;
  for (const v of values) {
    if (!v.name || !FIELD.test(v.name)) continue;
    const k = head(v.name);
    const a = fields.get(k);
    if (a) a.push(v.nameRange!.line); else fields.set(k, [v.nameRange!.line]);
  }
  for (const v of values) {
    // Only the range rules read registerField.
    if (!v.name || !v.nameRange || !RANGE_PART.test(v.name)) continue;
    if (/^[SGC]_[0-9A-F]{6}_/.test(v.name)) { v.registerField = true; continue; }
    const h = head(v.name);
    const near = fields.get(h);
    if (near && near.some((l) => Math.abs(l - v.nameRange!.line) <= 3)) { v.registerField = true; continue; }
    // C: the `#define`s around it, also those that are not values.
    if (family !== 'c') continue;
    fieldDefines ??= fieldDefineLines(text);
    for (let l = v.nameRange.line - 3; l <= v.nameRange.line + 3; l++) {
      if (fieldDefines.get(l)?.includes(h)) { v.registerField = true; break; }
    }
  }

  // Evaluate expression bodies of address-named definitions with the analysis' own definitions.
  if (opts.evaluate !== false && pending.length > 0) {
    for (const { value, body, conditions } of pending) {
      const role = readName(value.name!).role;
      if (role !== 'address' && role !== 'limit' && role !== 'size') continue;
      if (!body.some((x) => x.kind === 'number' || x.kind === 'ident')) continue;
      // A negative 32-bit int (`0x01 << 31`) sign-extends to 0xffffffff80000000: a 32-bit bit pattern, not a 64-bit address.
      const sv = siteValue(a, body, conditions);
      if (sv.value !== undefined && !sv.narrowNegative) value.value = sv.value;
      // Written for one paging depth (`__PAGE_OFFSET_BASE_L4`): not checked under the other.
      const tag = body.find((x) => x.kind === 'ident' && /_L[45]$/.test(x.text));
      if (tag) value.depth = Number(tag.text.slice(-1));
    }
  }
  return { values, lookup: a.pre.lookup };
}

/**
 * Activity and conditions of the code at a line, from the branches of the walk (the innermost branch
 * holding the line). Asked for lines in increasing order: one sweep over the branches sorted by start.
 */
function lineActivity(a: FileAnalysis): (line: number) => { activity: Activity; conditions: CondAtom[] } {
  const top = { activity: 'active' as Activity, conditions: [] as CondAtom[] };
  const branches = [...a.pre.branches].sort((x, y) => x.startLine - y.startLine || y.endLine - x.endLine);
  if (branches.length === 0) return () => top;
  const open: (typeof branches)[number][] = [];
  let next = 0;
  return (line) => {
    while (next < branches.length && branches[next].startLine < line) open.push(branches[next++]);
    // branches that ended before the line are closed; nested ones end first
    for (let k = open.length - 1; k >= 0; k--) if (open[k].endLine <= line) open.splice(k, 1);
    const b = open[open.length - 1];
    return b ? { activity: b.activity, conditions: b.conditions } : top;
  };
}

const WRAPPERS = new Set(['_AC', 'UL', 'ULL', '_UL', '_ULL', '_AT', 'ASM_CONST', 'U64_C', 'UINT64_C', 'INT64_C', 'U32_C', 'UINT32_C', 'INT32_C', '_BITUL']);
const TYPE_WORDS = new Set([
  'unsigned', 'signed', 'long', 'int', 'short', 'char', 'void', 'const', 'volatile', 'u8', 'u16', 'u32', 'u64', 's32', 's64',
  '__u32', '__u64', 'uint32_t', 'uint64_t', 'uintptr_t', 'size_t', 'phys_addr_t', 'resource_size_t', 'dma_addr_t', 'pgdval_t',
  'pteval_t', 'pmdval_t', 'pudval_t', 'p4dval_t', 'UL', 'ULL', 'struct', '__iomem', '__force', '__user', 'L', 'LL', 'U',
]);

function range(line: number, start: number, end: number): SrcRange {
  return { line, character: start, endLine: line, endCharacter: end };
}

/** Literal details of a number token, or undefined when it is not an integer of the dialect. */
export function literalInfo(tok: Token, line: number, family: Family): LiteralInfo | undefined {
  const dialect = family === 'gas' ? 'gas' : family;
  const p = parseLiteral(tok.text, dialect);
  if (!p) return undefined;
  const t = tok.text;
  let prefix = '';
  const c0 = t.charCodeAt(0), c1 = t.charCodeAt(1) | 0x20;
  if (c0 === 48 && (c1 === 120 || c1 === 98) && p.radix !== 10) prefix = t.slice(0, 2); // 0x 0b
  else if (c0 === 36) prefix = '$';
  else if (c0 === 48 && c1 === 104 && p.radix === 16) prefix = t.slice(0, 2); // 0h
  const suffix = p.suffix;
  let digits = t.slice(prefix.length, t.length - suffix.length);
  if (digits.includes('_') || digits.includes("'")) digits = digits.replace(/[_']/g, '');
  if (p.radix === 8 && digits.startsWith('0') && digits.length > 1) digits = digits.slice(1);
  const scaled = p.scale !== 1n && p.scale !== 0n;
  const info: LiteralInfo = { text: t, digits, radix: p.radix, prefix, suffix, value: scaled ? p.value / p.scale : p.value, range: range(line, tok.start, tok.end) };
  if (scaled) SCALED.set(info, p.value);
  return info;
}

/** Values of literals with a scale suffix (`4K` in a linker script) as scaled: kept aside, LiteralInfo holds the digits' value. */
const SCALED = new WeakMap<LiteralInfo, bigint>();

/** What a literal stands for: its value with any scale suffix applied. */
function scaledValue(li: LiteralInfo): bigint {
  return SCALED.get(li) ?? li.value;
}

/** Whether `tokens[i]` is the operand of a pointer cast `(type *)`. */
function pointerCastBefore(tokens: LTok[], i: number): boolean {
  let j = i - 1;
  if (tokens[j]?.text !== ')') return false;
  if (tokens[j - 1]?.text !== '*') return false;
  j -= 2;
  while (j >= 0 && tokens[j].text !== '(') {
    if (tokens[j].kind !== 'ident' && tokens[j].text !== '*') return false;
    j--;
  }
  return j >= 0;
}

/** The single literal a definition body consists of, ignoring `_AC(…, UL)`, `UL(…)`, casts and parentheses. */
function singleLiteral(body: LTok[]): { index: number; pointerCast: boolean } | undefined {
  let found = -1;
  let pointerCast = false;
  for (let i = 0; i < body.length; i++) {
    const t = body[i];
    if (t.kind === 'number') {
      if (found >= 0) return undefined;
      found = i;
      continue;
    }
    if (t.text === '(' || t.text === ')' || t.text === ',') continue;
    if (t.kind === 'ident' && (WRAPPERS.has(t.text) || TYPE_WORDS.has(t.text))) continue;
    if (t.text === '*') { pointerCast = true; continue; }
    return undefined;
  }
  return found >= 0 ? { index: found, pointerCast } : undefined;
}

/**
 * What a definition's body says of its value, in one pass over its tokens: built with a bit or mask
 * macro (`GENMASK_ULL(51, 12)`), from a load or staging address, a product of numbers only
 * (`(62LL * 62 * 62)`: numbers, `*` and parentheses, one `*` at least), or OR-ed from parts with
 * nothing added (`A | B`: flags).
 */
function markBody(v: RuleValue, body: readonly { text: string; kind: string }[]): void {
  let star = false, product = body.length > 0, or = false, added = false;
  for (const x of body) {
    if (x.kind === 'ident') {
      if (MASK_MACRO.test(x.text)) mark(v, 'fromMaskMacro');
      if (LOAD_NAME.test(x.text)) v.fromLoadAddress = true;
    }
    if (x.text === '*') star = true;
    else if (x.kind !== 'number' && x.text !== '(' && x.text !== ')') product = false;
    if (x.text === '|') or = true;
    else if (x.text === '+' || x.text === '-') added = true;
  }
  if (product && star) mark(v, 'product');
  if (or && !added) mark(v, 'orOfBits');
}

/**
 * Whether the assignment whose `=` is token `eq` stores into an element or through a dereference
 * (`gdt.base[2] = …`, `*p = …`): the token before `=` is `]`, or the statement starts with `*`.
 */
function storedThrough(t: readonly { text: string; kind: string }[], eq: number): boolean {
  if (t[eq - 1]?.text === ']') return true;
  let s = eq - 1;
  while (s > 0 && t[s - 1].text !== ';' && t[s - 1].text !== '{' && t[s - 1].text !== '}') s--;
  return t[s]?.text === '*' && s < eq - 1;
}

/** A register field's name (`…_SHIFT`, `…_MASK`, …). */
const FIELD = /_(?:SHIFT|MASK|SMASK|MSK|BITS?|LSB|MSB|WIDTH)$/;
/** A name's register: its first two words (leading underscores aside). */
function head(n: string): string {
  let i = 0;
  while (n.charCodeAt(i) === 95) i++;
  const a = n.indexOf('_', i);
  const b = a < 0 ? -1 : n.indexOf('_', a + 1);
  return b < 0 ? n.slice(i) : n.slice(i, b);
}

/**
 * The heads of the field names of every `#define` line of a text, by line number: one pass over the
 * text, counting line breaks between the definitions it finds.
 */
export function fieldDefineLines(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  let line = 0, at = 0;
  // Each `#` with only blanks before it on its line (DEFINE_LINE_G's `^[ \t]*#`, found with a search for
  // `#` rather than tried at every line start), then the rest of the pattern at it.
  for (let i = text.indexOf('#'); i >= 0; i = text.indexOf('#', i + 1)) {
    let j = i - 1;
    for (let c = text.charCodeAt(j); c === 32 || c === 9; c = text.charCodeAt(--j));
    if (j >= 0 && !isLineTerminator(text.charCodeAt(j))) continue;
    DEFINE_AFTER_HASH_Y.lastIndex = i + 1;
    const m = DEFINE_AFTER_HASH_Y.exec(text);
    if (!m || !FIELD.test(m[1])) continue;
    const ls = j + 1;
    for (let k = text.indexOf('\n', at); k >= 0 && k < ls; k = text.indexOf('\n', k + 1)) line++;
    at = ls;
    const h = head(m[1]);
    const l = out.get(line);
    if (l) l.push(h); else out.set(line, [h]);
  }
  return out;
}

/** What `^` of a multiline regular expression follows: \n, \r, U+2028, U+2029. */
const isLineTerminator = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/**
 * The lines around the line starting at `offset`: `before` lines before it, the line itself and
 * `after` lines after it (line breaks included).
 */
function linesAround(text: string, offset: number, before: number, after: number): string {
  let a = offset;
  for (let i = 0; i < before && a > 0; i++) a = text.lastIndexOf('\n', a - 2) + 1;
  let b = offset;
  for (let i = 0; i <= after && b >= 0; i++) { b = text.indexOf('\n', b); if (b >= 0) b++; }
  return text.slice(a, b < 0 ? text.length : b);
}

/** One pass: a literal of at least 2^32 or a definition whose name can matter to the rules. */
const GATE = /0[xX]0*[1-9a-fA-F][0-9a-fA-F_']{8}|(?<![\w.])[1-9][0-9]{9}|[0-9][0-9a-fA-F]{8,}[hH]\b|(?:#[ \t]*define|\.(?:set|equ|equiv)|%(?:define|assign))[ \t]+\w*(?:START|END|BASE|BEGIN|ADDR|LIMIT|TOP|OFFSET|PHYS|TASK_SIZE|VADDR|KERNEL|MAP)|^[ \t]*\w*(?:START|END|BASE|ADDR|TOP|LIMIT)\w*[ \t]+(?:equ|EQU|=)/m;
/**
 * The same for C, whose definitions are only `#define`s (assembler forms are not definitions there), and
 * whose register offsets and fields by naming convention are never lexed (see RULE_DEFINE).
 */
const GATE_C = new RegExp(`0[xX]0*[1-9a-fA-F][0-9a-fA-F_']{8}|(?<![\\w.])[1-9][0-9]{9}|#[ \\t]*define[ \\t]+${NOT_REGISTER}\\w*(?:START|END|BASE|BEGIN|ADDR|LIMIT|TOP|OFFSET|PHYS|TASK_SIZE|VADDR|KERNEL|MAP)`);
/** GATE_C, or an assertion word (group 1) first: one search for a whole-tree check that evaluates assertions too. */
const GATE_C_OR_ASSERTION = new RegExp(`${GATE_C.source}|(${ASSERTION_WORD.source})`);
/** Definitions whose names can matter to the rules. */
const NAMED_DEFINITION = /(?:^|\n)[ \t]*(?:#[ \t]*define|\.(?:set|equ|equiv)|%(?:define|assign))[ \t]+\w*(?:START|END|BASE|BEGIN|ADDR|LIMIT|TOP|OFFSET|PHYS|TASK_SIZE|VADDR|KERNEL|MAP)|(?:^|\n)[ \t]*\w*(?:START|END|BASE|ADDR|TOP|LIMIT)\w*[ \t]+(?:equ|EQU|=)/;

/**
 * Whether a file can produce any finding: it has a literal of at least 2^32 or a definition whose name
 * is an address, a boundary or a kernel base. Linker scripts always qualify (locations). For 32-bit
 * layouts every file with a hex literal qualifies. A cheap test before the line-by-line scan.
 */
export function mayHaveFindings(text: string, family: Family, addressBits: 32 | 64 = 64): boolean {
  if (family === 'ld') return true;
  if (addressBits === 32) return /0[xX][0-9a-fA-F]{4}/.test(text) || NAMED_DEFINITION.test(text);
  return (family === 'c' ? GATE_C : GATE).test(text);
}


/**
 * mayHaveFindings of a C text and the build-time assertions' gate in one search: 'values' when the text
 * may have a finding of the rules, 'assertion' when an assertion word comes first (the values' gate was
 * not tried past it: mayHaveFindings on the rest decides), undefined when neither can be.
 */
export function gateValuesOrAssertions(text: string, addressBits: 32 | 64 = 64): 'values' | 'assertion' | undefined {
  if (addressBits === 32) return mayHaveFindings(text, 'c', 32) ? 'values' : mayHaveAssertions(text) ? 'assertion' : undefined;
  const m = GATE_C_OR_ASSERTION.exec(text);
  if (!m) return undefined;
  if (m[1] === undefined) return 'values';
  return mayHaveFindings(text.slice(m.index), 'c', 64) ? 'values' : 'assertion';
}

/**
 * Which macros the fast scan of `text` can define, as a test on a name: false only for a name that
 * no `#define` of a C-family file can introduce (the identifier after a `define`, blanks and line
 * continuations aside; a comment right after `define` makes every name possible). Other families
 * define symbols in many ways: every name is possible. Lets a caller skip collecting an included
 * file for a name it does not define.
 */
export function definedNames(text: string, family: Family): (name: string) => boolean {
  if (family !== 'c') return () => true;
  const names = new Set<string>();
  for (let i = text.indexOf('define'); i >= 0; i = text.indexOf('define', i + 6)) {
    if ((i > 0 && isWordChar(text.charCodeAt(i - 1))) || isWordChar(text.charCodeAt(i + 6))) continue;
    // Blanks and line continuations up to the name.
    let j = i + 6;
    for (;;) {
      let c = text.charCodeAt(j);
      while (c === 32 || c === 9) c = text.charCodeAt(++j);
      if (c !== 92 /* \ */) break;
      const k = text.charCodeAt(j + 1) === 13 ? j + 2 : j + 1;
      if (text.charCodeAt(k) !== 10) break;
      j = k + 1;
    }
    const c = text.charCodeAt(j);
    if (c === 47 /* / */ || c === 92 /* \ */) return () => true;
    let e = j;
    while (isWordChar(text.charCodeAt(e))) e++;
    if (e > j) names.add(text.slice(j, e));
  }
  return (name) => names.has(name);
}

/** definedNames for one name. */
export function mayDefineName(text: string, family: Family, name: string): boolean {
  return definedNames(text, family)(name);
}

