// Generated texts of the shapes a whole-tree check must stay linear on: one line holding a table of
// n literals (and the same table one literal a line, its peer), and headers of n `#define`s in three
// styles. Used by test/unit/check-linear.test.ts (growth from n to 4n) and bench/hostile.bench.mjs
// (against `gcc -E -dM`). Deterministic: the same n gives the same text.

/** A 64-bit direct-map address, 4 KiB apart per index: the literals of a generated table. */
const address = (i: number) => '0x' + (0xffff888000000000n + BigInt(i) * 0x1000n).toString(16);

/** `static const unsigned long table[] = { 0x…, 0x…, … };` with n literals on one line. */
export function literalsOnOneLine(n: number): string {
  const a: string[] = [];
  for (let i = 0; i < n; i++) a.push(address(i));
  return `static const unsigned long table[] = { ${a.join(', ')} };\n`;
}

/** The same table, one literal a line. */
export function literalsOnLines(n: number): string {
  const a: string[] = [];
  for (let i = 0; i < n; i++) a.push(`\t${address(i)},`);
  return `static const unsigned long table[] = {\n${a.join('\n')}\n};\n`;
}

/**
 * A register header of n definitions as GPU and SoC vendors generate them: a register's offset
 * (`mm…`), a field's shift and mask per register, and per block of 64 registers its 64-bit base
 * address and size. About 40 bytes a definition (400,000 definitions: 16 MB).
 */
export function registerHeader(n: number): string {
  const out = ['#ifndef _GENERATED_REGS_H', '#define _GENERATED_REGS_H'];
  for (let i = 0; out.length - 2 < n; i++) {
    const reg = `BLK${i >> 6}_REG${i & 63}`;
    out.push(`#define mm${reg} 0x${(0x1000 + i * 4).toString(16)}`);
    out.push(`#define ${reg}__FIELD_A__SHIFT 0x${(i % 32).toString(16)}`);
    out.push(`#define ${reg}__FIELD_A_MASK 0x${((1 << (i % 31)) >>> 0).toString(16).padStart(8, '0')}L`);
    if ((i & 63) === 0) {
      out.push(`#define BLK${i >> 6}_BASE_ADDR 0x${(0xfffffe0000000000n + BigInt(i) * 0x100000n).toString(16)}ULL`);
      out.push(`#define BLK${i >> 6}_SIZE 0x100000`);
    }
  }
  out.push('#endif');
  return out.join('\n') + '\n';
}

/**
 * A header of n named constants whose names the rules read (offsets, addresses, sizes, limits of
 * device windows), 32-bit values: what many driver headers are. About 45 bytes a definition.
 */
export function namedConstantsHeader(n: number): string {
  const words = ['OFFSET', 'ADDR', 'SIZE', 'BASE', 'LIMIT', 'END', 'LEN', 'MAX'];
  const out = ['#ifndef _GENERATED_CONST_H', '#define _GENERATED_CONST_H'];
  for (let i = 0; out.length - 2 < n; i++) out.push(`#define DEV${i >> 4}_WIN${i & 15}_${words[i & 7]} 0x${((i * 0x1000) >>> 0).toString(16)}`);
  out.push('#endif');
  return out.join('\n') + '\n';
}

/**
 * A layout header of n definitions, every one of them address-like: bases written as 64-bit literals,
 * ends and sizes as expressions of other definitions, limits as shifts, under configuration
 * conditions (arch/x86/include/asm/*_types.h, scaled up). About 70 bytes a definition.
 */
export function layoutHeader(n: number, seed = 1): string {
  let s = seed;
  const rnd = (k: number) => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s % k; };
  const out = ['#ifndef _GENERATED_LAYOUT_H', '#define _GENERATED_LAYOUT_H', '#define _PAGE_PRESENT 0x001', '#define _PAGE_RW 0x002'];
  let defines = 4;
  for (let i = 0; defines < n; i++) {
    switch (i % 6) {
      case 0: out.push(`#ifdef CONFIG_FEATURE_${i % 37}`, `# define R${i}_SIZE\t(${1 + rnd(64)}UL << ${20 + rnd(10)})`, '#else', `# define R${i}_SIZE\t_AC(0x${(rnd(1 << 20) << 12).toString(16)}, UL)`, '#endif'); defines += 2; break;
      case 1: out.push(`#define R${i}_BASE\t\t_AC(0x${(0xffffc90000000000n + BigInt(rnd(1 << 24)) * 0x100000n).toString(16)}, UL)`); defines++; break;
      case 2: out.push(`#define R${i}_END\t\t(R${i - 1}_BASE + SZ_1G - 1)`); defines++; break;
      case 3: out.push(`#define R${i}_START\t\t0x${(0xffff800000000000n + BigInt(i) * 0x1000000n).toString(16)}UL`); defines++; break;
      case 4: out.push(`#define R${i}_FLAGS\t\t(_PAGE_PRESENT | _PAGE_RW)`); defines++; break;
      default: out.push(`#define R${i}_LIMIT\t\t((1UL << ${40 + rnd(8)}) - 0x1000) /* ${rnd(1000)} */`); defines++; break;
    }
  }
  out.push('#endif');
  return out.join('\n') + '\n';
}
