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

/** The filter of a text's words (at least 8 bytes). */
export function wordBloom(text: string): Uint8Array {
  const words = new Set<string>();
  const re = /[A-Za-z_]\w*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) words.add(m[0]);
  const bytes = Math.max(8, Math.ceil((words.size * BITS_PER_WORD) / 8));
  const out = new Uint8Array(bytes);
  const bits = bytes * 8;
  for (const w of words) {
    const h1 = fnv(w, 0);
    const h2 = fnv(w, 0x5bd1e995) | 1;
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
