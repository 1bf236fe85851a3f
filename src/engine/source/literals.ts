// Numeric literals of C/C++, GNU as, NASM and GNU ld, parsed exactly (BigInt).

/** Which language's literal rules apply. */
export type LiteralDialect = 'c' | 'gas' | 'nasm' | 'ld';

/** The C type a literal has (LP64 or ILP32 decides the widths later; see evaluate.ts). */
export type LiteralRank = 'int' | 'long' | 'long long';

export interface ParsedLiteral {
  /** The mathematical value (never negative; a literal has no sign). */
  value: bigint;
  radix: 2 | 8 | 10 | 16;
  /** The suffix exactly as written ('' when none), e.g. 'UL', 'ull', 'K', 'h'. */
  suffix: string;
  /** C: the suffix contains u/U. */
  unsigned: boolean;
  /** C: the minimum rank the suffix asks for. */
  rank: LiteralRank;
  /** ld K/M multiplier (1 when none). */
  scale: bigint;
}

const C_SUFFIX = /^(?:[uU](?:ll|LL|l|L|wb|WB|z|Z)?|(?:ll|LL|l|L|wb|WB|z|Z)[uU]?)?$/;

function digitsValue(digits: string, radix: number): bigint | undefined {
  if (digits.length === 0) return undefined;
  const re = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 10 ? /^[0-9]+$/ : radix === 8 ? /^[0-7]+$/ : /^[01]+$/;
  if (!re.test(digits)) return undefined;
  if (radix === 10) return BigInt(digits);
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : '0b';
  return BigInt(prefix + digits);
}

/** Remove digit separators; undefined when a separator is misplaced (leading, trailing, doubled). */
function stripSeparators(digits: string, sep: string): string | undefined {
  if (!digits.includes(sep)) return digits;
  if (digits.startsWith(sep) || digits.endsWith(sep) || digits.includes(sep + sep)) return undefined;
  return digits.split(sep).join('');
}

function cSuffixInfo(suffix: string): { unsigned: boolean; rank: LiteralRank } | undefined {
  if (!C_SUFFIX.test(suffix)) return undefined;
  const s = suffix.toLowerCase();
  const unsigned = s.includes('u');
  const rank: LiteralRank = s.includes('ll') ? 'long long' : s.includes('l') || s.includes('z') ? 'long' : 'int';
  return { unsigned, rank };
}

/**
 * A C/C++ integer literal: `0x1f`, `0X1F`, `017`, `0b101`, `42`, with C23/C++14 `'` separators and any
 * mix of u/U and l/L/ll/LL suffixes (`UL`, `lu`, `uLL`, `LLU`, ...). Mixed-case `lL` is rejected.
 */
export function parseCLiteral(text: string): ParsedLiteral | undefined {
  let prefix = '';
  let rest = text;
  if (/^0[xX]/.test(text)) { prefix = '0x'; rest = text.slice(2); }
  else if (/^0[bB][01']/.test(text)) { prefix = '0b'; rest = text.slice(2); }
  else if (!/^[0-9]/.test(text)) return undefined;
  const m = /^([0-9a-fA-F']+?)((?:[uU](?:ll|LL|l|L|wb|WB|z|Z)?|(?:ll|LL|l|L|wb|WB|z|Z)[uU]?)?)$/.exec(rest);
  if (!m) return undefined;
  const suffix = m[2];
  const info = cSuffixInfo(suffix);
  if (!info) return undefined;
  const digits = stripSeparators(m[1], "'");
  if (digits === undefined || digits.length === 0) return undefined;
  let radix: 2 | 8 | 10 | 16;
  if (prefix === '0x') radix = 16;
  else if (prefix === '0b') radix = 2;
  else if (digits.length > 1 && digits.startsWith('0')) radix = 8;
  else radix = 10;
  const value = digitsValue(radix === 8 ? digits.slice(1) : digits, radix);
  if (value === undefined) return undefined;
  return { value, radix, suffix, unsigned: info.unsigned, rank: info.rank, scale: 1n };
}

/**
 * A GNU as integer: `0x..`, `0b..`, `0..` (octal), decimal. C suffixes are tolerated (they appear when a
 * header's `_AC()` is not active), `1f`/`1b` local-label references are not numbers.
 */
export function parseGasLiteral(text: string): ParsedLiteral | undefined {
  if (/^[0-9]+[fb]$/.test(text)) return undefined; // local label reference (1f, 2b)
  return parseCLiteral(text);
}

/**
 * NASM: `0x1f`, `0h1f`, `$01f`, `01fh`, `1fH`-style trailing `h` (must start with a digit), `0d10`,
 * `10d`, `0o17`, `0q17`, `17o`, `17q`, `0b101`, `0y101`, `101b`, `101y`, with `_` separators.
 */
export function parseNasmLiteral(text: string): ParsedLiteral | undefined {
  // NASM's readnum: a prefix `0<letter>` (only when a digit follows it) or `$`, and a suffix letter;
  // when both are present the larger radix wins (`0DEADh` and `0b800h` are hex), when they are equal
  // the number is decimal (and then usually invalid). `0h`, `0d`, `0q` are 0 with a suffix.
  const t = text;
  if (!/^(?:[0-9]|\$[0-9])/.test(t) || /^0[xX]$/.test(t)) return undefined; // a bare 0x reads as an unfinished prefix
  const letter = (c: string): 0 | 2 | 8 | 10 | 16 =>
    /[xXhH]/.test(c) ? 16 : /[dDtT]/.test(c) ? 10 : /[oOqQ]/.test(c) ? 8 : /[bByY]/.test(c) ? 2 : 0;
  let pradix: number = 0, plen = 0;
  if (t.length > 2 && t[0] === '0' && (pradix = letter(t[1])) !== 0) plen = 2;
  else if (t.length > 1 && t[0] === '$') { pradix = 16; plen = 1; }
  const sradix = t.length > 1 ? letter(t[t.length - 1]) : 0;
  let radix: 2 | 8 | 10 | 16 = 10;
  let digits = t;
  let suffix = '';
  if (pradix > sradix) { radix = pradix as 2 | 8 | 10 | 16; digits = t.slice(plen); }
  else if (sradix > pradix) { radix = sradix as 2 | 8 | 10 | 16; digits = t.slice(0, -1); suffix = t.slice(-1); }
  const value = digitsValue(digits.replace(/_/g, ''), radix);
  if (value === undefined) return undefined;
  return { value, radix, suffix, unsigned: false, rank: 'long long', scale: 1n };
}

/**
 * GNU ld: `0x..`, `$..` (hex), octal `0..`, decimal, radix suffixes h/H/x/X, o/O/q/Q, b/B, d/D, and the
 * scale suffixes K (1024) and M (1024*1024).
 */
export function parseLdLiteral(text: string): ParsedLiteral | undefined {
  let t = text;
  let scale = 1n;
  let scaleSuffix = '';
  if (/[kKmM]$/.test(t) && t.length > 1) {
    scaleSuffix = t.slice(-1);
    scale = /[kK]$/.test(t) ? 1024n : 1048576n;
    t = t.slice(0, -1);
  }
  let radix: 2 | 8 | 10 | 16;
  let digits: string;
  let suffix = '';
  if (/^\$[0-9a-fA-F]/.test(t)) { radix = 16; digits = t.slice(1); }
  else if (/^0[xX]/.test(t)) { radix = 16; digits = t.slice(2); }
  else if (/^[0-9][0-9a-fA-F]*[hHxX]$/.test(t)) { radix = 16; digits = t.slice(0, -1); suffix = t.slice(-1); }
  else if (/^[0-7]+[oOqQ]$/.test(t)) { radix = 8; digits = t.slice(0, -1); suffix = t.slice(-1); }
  else if (/^[01]+[bB]$/.test(t)) { radix = 2; digits = t.slice(0, -1); suffix = t.slice(-1); }
  else if (/^[0-9]+[dD]$/.test(t)) { radix = 10; digits = t.slice(0, -1); suffix = t.slice(-1); }
  else if (/^0[0-7]+$/.test(t)) { radix = 8; digits = t.slice(1); }
  else if (/^(0|[1-9][0-9]*)$/.test(t)) { radix = 10; digits = t; }
  else return undefined;
  const value = digitsValue(digits, radix);
  if (value === undefined) return undefined;
  return { value: value * scale, radix, suffix: suffix + scaleSuffix, unsigned: true, rank: 'long long', scale };
}

export function parseLiteral(text: string, dialect: LiteralDialect): ParsedLiteral | undefined {
  switch (dialect) {
    case 'c': return parseCLiteral(text);
    case 'gas': return parseGasLiteral(text);
    case 'nasm': return parseNasmLiteral(text);
    case 'ld': return parseLdLiteral(text);
  }
}

/** A C character constant's value (`'a'`, `'\n'`, `'\x41'`, `'\0'`, `'\101'`); multi-char: GCC's big-endian packing. */
export function parseCharLiteral(text: string): bigint | undefined {
  const m = /^(?:u8|[uUL])?'(.*)'$/s.exec(text);
  if (!m || m[1].length === 0) return undefined;
  const s = m[1];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63 };
  let value = 0n;
  let count = 0;
  for (let i = 0; i < s.length;) {
    let c: number;
    if (s[i] === '\\') {
      const rest = s.slice(i + 1);
      let mm: RegExpExecArray | null;
      if ((mm = /^x([0-9a-fA-F]+)/.exec(rest))) { c = parseInt(mm[1], 16) & 0xff; i += 1 + mm[0].length; }
      else if ((mm = /^([0-7]{1,3})/.exec(rest))) { c = parseInt(mm[1], 8) & 0xff; i += 1 + mm[0].length; }
      else if (rest.length > 0 && simple[rest[0]] !== undefined) { c = simple[rest[0]]; i += 2; }
      else return undefined;
    } else {
      c = s.charCodeAt(i) & 0xff;
      i++;
    }
    value = ((value << 8n) | BigInt(c)) & 0xffffffffn;
    count++;
  }
  // A single char is a (signed) char promoted to int; GCC's char is signed on x86.
  if (count === 1 && value >= 128n) value -= 256n;
  return value;
}
