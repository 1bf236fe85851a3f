// A Bloom filter of the words of a text: every maximal run of [A-Za-z0-9_] that starts with a letter
// or '_' (from the first such character), so "may contain the word" is never false for a word the
// text holds as an identifier. A kernel header's filter is a few hundred bytes; asking it is a few
// multiplications, so a tree's headers can be ruled out for a name without reading them (the filter
// is kept with the file's size and time: see the CLI's kbuild cache). Pure.

const K = 5;
const BITS_PER_WORD = 10;

/** FNV-1a of a string's UTF-16 units, with a seed. */
function fnv(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const isWordStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isWordPart = (c: number) => isWordStart(c) || (c >= 48 && c <= 57);

/**
 * The filter of a text's words (at least 8 bytes): 10 bits a distinct word. The words are hashed as
 * they are scanned (fnv of their characters, both seeds at once), with no string made for a word; a
 * word seen before (the same pair of hashes, in an open-addressing table) is counted once.
 */
export function wordBloom(text: string): Uint8Array {
  // distinct words as (h1, h2) pairs; slot k holds h1 at 2k and h2 | 1 at 2k + 1 (0: empty, as h2 | 1 is never 0)
  let table = new Uint32Array(2 * 1024);
  let mask = 1023, count = 0;
  const insert = (t: Uint32Array, m: number, h1: number, h2: number): boolean => {
    for (let k = (h1 ^ (h2 >>> 7)) & m; ; k = (k + 1) & m) {
      const b = t[2 * k + 1];
      if (b === 0) { t[2 * k] = h1; t[2 * k + 1] = h2; return true; }
      if (b === h2 && t[2 * k] === h1) return false;
    }
  };
  for (let i = 0, len = text.length; i < len;) {
    // (as the pattern /[A-Za-z_]\w*/ finds them: inside `0x1f` or `64bit_types` the word starts at the letter)
    if (!isWordStart(text.charCodeAt(i))) { i++; continue; }
    let h1 = 0x811c9dc5 >>> 0, h2 = (0x811c9dc5 ^ 0x5bd1e995) >>> 0;
    for (; i < len; i++) {
      const d = text.charCodeAt(i);
      if (!isWordPart(d)) break;
      h1 = Math.imul(h1 ^ d, 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ d, 0x01000193) >>> 0;
    }
    h2 = (h2 | 1) >>> 0;
    if (!insert(table, mask, h1, h2)) continue;
    if (++count * 2 > mask) {
      const old = table;
      mask = mask * 2 + 1;
      table = new Uint32Array(2 * (mask + 1));
      for (let k = 0; k < old.length; k += 2) if (old[k + 1] !== 0) insert(table, mask, old[k], old[k + 1]);
    }
  }
  const bytes = Math.max(8, Math.ceil((count * BITS_PER_WORD) / 8));
  const out = new Uint8Array(bytes);
  const bits = bytes * 8;
  for (let k = 0; k < table.length; k += 2) {
    const h2 = table[k + 1];
    if (h2 === 0) continue;
    const h1 = table[k];
    for (let i = 0; i < K; i++) {
      const b = (h1 + Math.imul(i, h2)) >>> 0;
      const j = b % bits;
      out[j >>> 3] |= 1 << (j & 7);
    }
  }
  return out;
}

/** Whether a filter may hold a word (false: the text surely does not hold it as an identifier). */
export function bloomMayContain(filter: Uint8Array, word: string): boolean {
  const bits = filter.length * 8;
  const h1 = fnv(word, 0);
  const h2 = fnv(word, 0x5bd1e995) | 1;
  for (let i = 0; i < K; i++) {
    const b = (h1 + Math.imul(i, h2)) >>> 0;
    const j = b % bits;
    if (!(filter[j >>> 3] & (1 << (j & 7)))) return false;
  }
  return true;
}

/**
 * The word a filter is asked for when looking for a file name in #include lines (`page_64_types`
 * of `page_64_types.h`, `pgtable` of `pgtable-3level_types.h`): the first word of the name as
 * wordBloom splits it, which the including text holds too (a file name there follows '/', '<' or '"').
 */
export function fileNameWord(base: string): string | undefined {
  return /[A-Za-z_]\w*/.exec(base)?.[0];
}
