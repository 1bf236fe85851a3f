// The result documents of the commands: an address decoded against a layout, page-table overhead
// for every page size, and the one-line summary of a workspace check.
import { capacity, capacityMarkdown, Decoded, decodeMarkdown, formatSize, hexDigits, overheadMarkdown, Overhead } from '../engine/paging';

/** `# Decode <text>`: indices, region, alignment, then the capacity of a linear map from there. */
export function decodeResultMarkdown(text: string, d: Decoded): string {
  const digits = hexDigits(d.mode.addressBits);
  return `# Decode ${text.trim()}\n\n${decodeMarkdown(d)}\n\n${capacityMarkdown(capacity(d.value, d.layout), digits)}\n\n` +
    (d.region ? `**${d.region.name}**: ${d.region.description}\n` : '');
}

/** The overhead of the chosen page size, and a table of every page size against it. */
export function overheadResultMarkdown(chosen: Overhead, all: readonly Overhead[]): string {
  const compare = all.length > 1 ? '\n\nAll page sizes:\n\n| page size | page tables | vs. chosen |\n|---|---:|---:|\n' +
    all.map((r) => `| ${formatSize(r.pageSize)} | ${formatSize(r.tableBytes)} | ${(Number(r.tableBytes) / Number(chosen.tableBytes)).toFixed(3)}× |`).join('\n') : '';
  return `# Page-table overhead\n\n${overheadMarkdown(chosen)}${compare}\n`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `Paging Layout: checked 12 files, 3 findings.` */
export function checkSummary(r: { files: number; findings: number; cancelled: boolean }): string {
  return `Paging Layout: ${r.cancelled ? 'check cancelled after' : 'checked'} ${plural(r.files, 'file')}, ${plural(r.findings, 'finding')}.`;
}

/** Status-bar note of the files a workspace check left out. */
export function skippedNote(skipped: number, limitBytes: number): string {
  return `$(info) Paging Layout: ${plural(skipped, 'file')} skipped (larger than ${Math.round(limitBytes / 1048576)} MB, or binary)`;
}
