// Parsing and printing of addresses and sizes. Exact: BigInt only.

export const KiB = 1n << 10n;
export const MiB = 1n << 20n;
export const GiB = 1n << 30n;
export const TiB = 1n << 40n;
export const PiB = 1n << 50n;
export const EiB = 1n << 60n;
export const U64_MAX = (1n << 64n) - 1n;

const UNITS: [string, bigint][] = [['EiB', EiB], ['PiB', PiB], ['TiB', TiB], ['GiB', GiB], ['MiB', MiB], ['KiB', KiB]];

/** A parse failure with a message meant for a person. */
export class InputError extends Error {}

/**
 * Parse an address: `0xffff880000000000`, `0xffff_8800_0000_0000`, `ffff880000000000h`, decimal, with
 * optional C integer suffixes (UL, ULL). Throws InputError for anything else or a value over 64 bits.
 */
export function parseAddress(text: string): bigint {
  const t = text.trim().replace(/(?:[uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)$/, '');
  let v: bigint;
  if (/^0[xX][0-9a-fA-F][0-9a-fA-F_']*$/.test(t)) v = BigInt('0x' + t.slice(2).replace(/[_']/g, ''));
  else if (/^[0-9][0-9a-fA-F_']*[hH]$/.test(t)) v = BigInt('0x' + t.slice(0, -1).replace(/[_']/g, ''));
  else if (/^[0-9][0-9_']*$/.test(t)) v = BigInt(t.replace(/[_']/g, ''));
  else throw new InputError(`'${text}' is not an address (expected hex like 0xffff880000000000 or a decimal number)`);
  if (v > U64_MAX) throw new InputError(`'${text}' does not fit in 64 bits`);
  return v;
}

const SIZE_UNITS: Record<string, bigint> = {
  '': 1n, b: 1n, k: KiB, kb: KiB, kib: KiB, m: MiB, mb: MiB, mib: MiB, g: GiB, gb: GiB, gib: GiB,
  t: TiB, tb: TiB, tib: TiB, p: PiB, pb: PiB, pib: PiB, e: EiB, eb: EiB, eib: EiB,
};

/** Parse a size: `4096`, `0x1000`, `4K`, `2M`, `64G`, `1TiB`, `8 TB` (units are binary). */
export function parseSize(text: string): bigint {
  const m = /^\s*(0[xX][0-9a-fA-F][0-9a-fA-F_]*|[0-9][0-9_]*)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new InputError(`'${text}' is not a size (examples: 4096, 0x1000, 2M, 64G, 1TiB)`);
  const v = BigInt(m[1].replace(/_/g, '')) * unit;
  if (v > (1n << 64n)) throw new InputError(`'${text}' is larger than a 64-bit address space`);
  return v;
}

/** `0xffff880000000000` (machine output) or `0xffff_8800_0000_0000` (grouped, for people). */
export function formatHex(v: bigint, opts: { grouped?: boolean; digits?: number } = {}): string {
  const digits = opts.digits ?? 16;
  const neg = v < 0n;
  let h = (neg ? -v : v).toString(16).padStart(digits, '0');
  if (opts.grouped) h = h.replace(/\B(?=(?:[0-9a-f]{4})+$)/g, '_');
  return (neg ? '-0x' : '0x') + h;
}

/** Digits to print an address of a mode with the given register width. */
export function hexDigits(addressBits: number): number {
  return addressBits / 4;
}

/**
 * A size in binary units: exact when it is a whole number of a unit (`8 TiB`), otherwise with up
 * to 3 decimals and a `~` (`~123.998 TiB`). Bytes below 1 KiB print as `N bytes`.
 */
export function formatSize(bytes: bigint): string {
  if (bytes < 0n) return '-' + formatSize(-bytes);
  for (const [name, unit] of UNITS) {
    if (bytes >= unit) {
      if (bytes % unit === 0n) return `${bytes / unit} ${name}`;
      const milli = (bytes * 1000n + unit / 2n) / unit;
      const approx = `${milli / 1000n}.${(milli % 1000n).toString().padStart(3, '0')}`.replace(/\.?0+$/, '');
      return `${(milli * unit) / 1000n === bytes && (milli * unit) % 1000n === 0n ? '' : '~'}${approx} ${name}`;
    }
  }
  return `${bytes} byte${bytes === 1n ? '' : 's'}`;
}

/** Largest power of two that divides v (v > 0), capped at 2^64; 0 is aligned to everything. */
export function alignmentOf(v: bigint): bigint {
  if (v === 0n) return 1n << 64n;
  return v & -v;
}

/** Decimal with thousands separators, for exact byte counts. */
export function formatDecimal(v: bigint): string {
  return v.toString().replace(/\B(?=(\d{3})+$)/g, ',');
}

/** A ratio as a percentage with enough precision for small page-table overheads. */
export function formatPercent(numerator: bigint, denominator: bigint): string {
  if (denominator === 0n) return 'n/a';
  const scaled = (numerator * 1_000_000n) / denominator; // 1e-4 percent units
  return `${scaled / 10_000n}.${(scaled % 10_000n).toString().padStart(4, '0')}%`;
}
