// Rewriting a number between the forms kernel code uses: `0x…UL`, `_AC(0x…, UL)`, a shift expression
// (`(1UL << 47)`, `(-4UL << 30)`), and a size form (`SZ_2M`, `(64 * SZ_1G)`; `256M` in linker scripts).
import { Family } from '../source';

const U64 = (1n << 64n) - 1n;

export interface NumberSpan {
  /** The whole expression as written on the line (`_AC(0x…, UL)`, `(1UL << 47)`, `SZ_2M`, `0x1000`). */
  text: string;
  /** Columns of the expression on its line (end exclusive). */
  start: number;
  end: number;
  /** Its value as a 64-bit pattern. */
  value: bigint;
  /** Which form it is written in. */
  form: 'hex' | 'decimal' | 'ac' | 'shift' | 'size';
}

export interface NumberForm {
  form: NumberSpan['form'];
  title: string;
  text: string;
}

const SIZES: [string, bigint][] = [
  ['SZ_1T', 1n << 40n], ['SZ_1G', 1n << 30n], ['SZ_1M', 1n << 20n], ['SZ_1K', 1n << 10n],
];
const SZ_NAME = /^SZ_(\d+)([KMGT]?)$/;

function sizeMacroValue(name: string): bigint | undefined {
  const m = SZ_NAME.exec(name);
  if (!m) return undefined;
  const unit = { '': 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n }[m[2]]!;
  return BigInt(m[1]) * unit;
}

function parseInt64(text: string): bigint | undefined {
  const t = text.replace(/(?:[uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)$/, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return BigInt(t);
  if (/^[0-9]+$/.test(t)) return BigInt(t);
  return undefined;
}

const PATTERNS: { re: RegExp; form: NumberSpan['form']; value: (m: RegExpExecArray) => bigint | undefined }[] = [
  { re: /_AC\(\s*(0[xX][0-9a-fA-F]+|[0-9]+)\s*,\s*U?LL?\s*\)/g, form: 'ac', value: (m) => parseInt64(m[1]) },
  { re: /\(\s*(-?)\s*(?:_AC\(\s*([0-9]+|0[xX][0-9a-fA-F]+)\s*,\s*U?LL?\s*\)|([0-9]+|0[xX][0-9a-fA-F]+)(?:[uU]?[lL]{1,2}|[uU])?)\s*<<\s*([0-9]+)\s*\)/g, form: 'shift',
    value: (m) => { const k = parseInt64(m[2] ?? m[3]); if (k === undefined) return undefined; const v = k << BigInt(m[4]); return m[1] ? (-v) & U64 : v; } },
  { re: /\(\s*([0-9]+)\s*\*\s*(SZ_\d+[KMGT]?)\s*\)|\bSZ_\d+[KMGT]?\b/g, form: 'size',
    value: (m) => { if (m[2]) { const u = sizeMacroValue(m[2]); return u === undefined ? undefined : BigInt(m[1]) * u; } return sizeMacroValue(m[0]); } },
  { re: /\b0[xX][0-9a-fA-F]+(?:[uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)?\b/g, form: 'hex', value: (m) => parseInt64(m[0]) },
  { re: /\b[0-9]+[KM]\b|\b[1-9][0-9]*(?:[uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)?\b/g, form: 'decimal',
    value: (m) => { const k = /^([0-9]+)([KM])$/.exec(m[0]); return k ? BigInt(k[1]) << (k[2] === 'K' ? 10n : 20n) : parseInt64(m[0]); } },
];

/** The number expression at a column of a line (the widest form containing the column), if any. */
export function numberAt(line: string, character: number): NumberSpan | undefined {
  for (const p of PATTERNS) {
    p.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = p.re.exec(line)) !== null) {
      const start = m.index, end = start + m[0].length;
      if (character < start || character > end) continue;
      const value = p.value(m);
      if (value === undefined || value > U64) continue;
      return { text: m[0], start, end, value, form: p.form };
    }
  }
  return undefined;
}

/** `(k << n)` with the largest n, or undefined when the value has no short shift form. */
function shiftOf(v: bigint): { k: bigint; n: number; neg: boolean } | undefined {
  if (v === 0n) return undefined;
  const neg = v >= 1n << 63n;
  const mag = neg ? ((1n << 64n) - v) : v;
  let n = 0;
  let k = mag;
  while ((k & 1n) === 0n) { k >>= 1n; n++; }
  if (n < 4 || k > 0xffffn) return undefined;
  return { k, n, neg };
}

/** The other forms of a number in a language family (never the form it is written in). */
export function numberForms(span: NumberSpan, family: Family): NumberForm[] {
  const v = span.value;
  const hex = '0x' + v.toString(16);
  const out: NumberForm[] = [];
  const cLike = family === 'c' || family === 'gas';
  const suffix = family === 'c' ? 'UL' : '';
  if (span.form !== 'hex') out.push({ form: 'hex', title: `Convert to ${hex}${suffix}`, text: hex + suffix });
  if (cLike && span.form !== 'ac') out.push({ form: 'ac', title: `Convert to _AC(${hex}, UL)`, text: `_AC(${hex}, UL)` });
  const sh = shiftOf(v);
  if (sh && span.form !== 'shift') {
    const k = `${sh.neg ? '-' : ''}${sh.k}${family === 'c' ? 'UL' : ''}`;
    const text = `(${k} << ${sh.n})`;
    out.push({ form: 'shift', title: `Convert to ${text}`, text });
  }
  if (span.form !== 'size' && v >= 1024n && v < 1n << 56n) {
    if (family === 'ld') {
      const t = v % (1n << 20n) === 0n ? `${v >> 20n}M` : v % 1024n === 0n ? `${v >> 10n}K` : undefined;
      if (t) out.push({ form: 'size', title: `Convert to ${t}`, text: t });
    } else if (cLike) {
      for (const [name, unit] of SIZES) {
        if (v % unit !== 0n) continue;
        const n = v / unit;
        const pow2 = (n & (n - 1n)) === 0n;
        // linux/sizes.h has SZ_1K … SZ_8G as single macros; larger or odd multiples are written as products.
        const unitLetter = name.slice(-1);
        const single = pow2 && n <= 512n && !(unitLetter === 'G' && n > 8n) && unitLetter !== 'T' ? `SZ_${n}${unitLetter}` : undefined;
        const text = single ?? `(${n} * ${name})`;
        out.push({ form: 'size', title: `Convert to ${text}`, text });
        break;
      }
    }
  }
  return out;
}
