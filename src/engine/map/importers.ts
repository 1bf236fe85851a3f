// Memory maps from a running system, a crash dump, an emulator or a build: format detection and one
// entry point over the importers of ./imports (one module per format). Pure and bounded: see
// ./imports/common.ts for the result shape and the limits every importer keeps.
import {
  FORMAT_TITLES, IMPORT_FORMATS, ImportFormat, ImportOptions, ImportResult, sampleLines,
  parsePageTableDump, sniffPtdump, parseProcMaps, sniffMaps, parseIomem, sniffIomem, parseVmallocinfo, sniffVmallocinfo,
  parseSymbolFile, sniffSymbols, symbolFileKind, parseCrashHelp, sniffCrashHelp, parseCrashKmemV, sniffCrashKmemV, parseCrashVtop,
  sniffCrashVtop, parseQemuInfoMem, sniffQemuMem, parseQemuInfoTlb, sniffQemuTlb, parseQemuInfoMemRiscv, sniffQemuRiscv,
  parseLdMap, sniffLdMap, parseReadelf, sniffReadelf,
} from './imports';

export * from './imports';

type Parser = (text: string, opts: ImportOptions) => ImportResult;

const PARSERS: Record<ImportFormat, Parser> = {
  'ptdump': parsePageTableDump,
  'ptdump-arm64': parsePageTableDump,
  'maps': parseProcMaps,
  'iomem': parseIomem,
  'vmallocinfo': parseVmallocinfo,
  'kallsyms': (t, o) => parseSymbolFile(t, { ...o, kind: 'kallsyms' }),
  'system-map': (t, o) => parseSymbolFile(t, { ...o, kind: 'system-map' }),
  'crash-help': parseCrashHelp,
  'crash-kmem-v': parseCrashKmemV,
  'crash-vtop': parseCrashVtop,
  'qemu-info-mem': parseQemuInfoMem,
  'qemu-info-tlb': parseQemuInfoTlb,
  'qemu-info-mem-riscv': parseQemuInfoMemRiscv,
  'ld-map': parseLdMap,
  'readelf': parseReadelf,
};

/** Whether a string names a format (for a --format-like option). */
export function isImportFormat(s: string): s is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(s);
}

/**
 * Which importer fits a text: every format scores the first 200 non-empty lines (headings and
 * signature lines weigh more than plain rows) and the best non-zero score wins. `name` (a file name)
 * tells kallsyms from System.map, which share their line shape.
 */
export function detectFormat(text: string, name?: string): ImportFormat | undefined {
  const sample = sampleLines(text);
  if (!sample.length) return undefined;
  const scores: [ImportFormat, number][] = [
    ['ptdump', sniffPtdump(sample)],
    ['maps', sniffMaps(sample)],
    ['iomem', sniffIomem(sample)],
    ['vmallocinfo', sniffVmallocinfo(sample)],
    ['kallsyms', sniffSymbols(sample)],
    ['crash-help', sniffCrashHelp(sample)],
    ['crash-kmem-v', sniffCrashKmemV(sample)],
    ['crash-vtop', sniffCrashVtop(sample)],
    ['qemu-info-mem', sniffQemuMem(sample)],
    ['qemu-info-tlb', sniffQemuTlb(sample)],
    ['qemu-info-mem-riscv', sniffQemuRiscv(sample)],
    ['ld-map', sniffLdMap(sample)],
    ['readelf', sniffReadelf(sample)],
  ];
  let best: [ImportFormat, number] = ['ptdump', 0];
  for (const s of scores) if (s[1] > best[1]) best = s; // first of equal scores wins: the order above
  if (best[1] <= 0) return undefined;
  if (best[0] === 'kallsyms') return symbolFileKind(text, name);
  if (best[0] === 'ptdump') {
    // The same markers and ranges; arm64 prints the level right after the size.
    const arm = sample.filter((l) => /^\s*0x[0-9a-fA-F]+-0x[0-9a-fA-F]+\s+\d+[BKMGTPE]?\s+(?:PGD|P4D|PUD|PMD|PTE)\b/.test(l)).length;
    if (arm * 2 > sample.filter((l) => /^\s*0x/.test(l)).length) return 'ptdump-arm64';
  }
  return best[0];
}

/** Import any of the formats (detected unless given). Never throws. */
export function importMemoryMap(text: string, opts: ImportOptions & { format?: ImportFormat } = {}): ImportResult {
  const format = opts.format ?? detectFormat(text, opts.name);
  if (format && PARSERS[format]) return { ...PARSERS[format](text, opts), ...(opts.name !== undefined ? { name: opts.name } : {}) };
  const known = IMPORT_FORMATS.map((f) => FORMAT_TITLES[f].replace(/ \(.*\)$/, '')).join(', ');
  return { format: 'ptdump', problems: [{ line: 1, message: `the input is in none of the known formats, neither a page-table dump nor any other of: ${known}` }], lines: 0, truncated: false, entries: [], facts: [] };
}
