// What an inlay hint says after a definition: `= 0xffff_ffff_c000_0000` after an expression
// `#define` or an assembler/linker-script assignment, `= a | b` when conditions decide, `= runtime (…)`.
import { formatHex } from '../engine/paging';
import { condText, DefinitionInfo, DocumentAnalysis } from '../engine/source';

/** A body that is only a literal (`0x1000`, `_AC(0x…, UL)`, `(42)`) needs no hint: the value is in plain sight. */
export function isPlainLiteral(body: string): boolean {
  return /^\(*\s*(?:_AC\(\s*)?-?\s*(?:0[xX][0-9a-fA-F']+|[0-9][0-9a-zA-Z']*|\$[0-9a-fA-F]+)\s*(?:,\s*\w+\s*\))?\s*\)*$/.test(body.trim());
}

/** `= 42` for small values, else grouped hex of 8 or 16 digits. */
export function hintText(v: bigint): string {
  if (v < 1024n) return `= ${v}`;
  const digits = v > 0xffffffffn ? 16 : 8;
  return `= ${formatHex(v, { grouped: true, digits })}`;
}

export interface DefinitionHint {
  label: string;
  tooltip: string;
}

/** Label and tooltip of one definition's hint, or undefined when it gets none. */
export function hintFor(a: DocumentAnalysis, d: DefinitionInfo): DefinitionHint | undefined {
  if (d.params || d.kind === 'function-macro') return undefined;
  if (!d.bodyText || isPlainLiteral(d.bodyText)) return undefined;
  if (d.activity === 'inactive') return undefined;
  const der = a.deriveDefinition(d);
  const vals = der.alternatives.filter((x) => x.u64 !== undefined);
  if (vals.length === 0) {
    const rt = der.alternatives.flatMap((x) => x.runtime);
    return rt.length ? { label: `= runtime (${[...new Set(rt)].join(', ')})`, tooltip: der.alternatives[0].error ?? '' } : undefined;
  }
  const distinct = [...new Set(vals.map((x) => x.u64!))];
  const tooltip = der.alternatives.map((x) => `${x.chain.join(' = ')}${x.conditions.length ? `  if ${x.conditions.map(condText).join(' && ')}` : ''}`).join('\n');
  if (distinct.length === 1) return { label: hintText(distinct[0]), tooltip };
  return { label: distinct.slice(0, 2).map(hintText).join(' | ').replace(/ \| = /g, ' | ') + (distinct.length > 2 ? ' | …' : ''), tooltip };
}

/** Column of the hint on the definition's last line: after the body, before a trailing comment (after a linker script's `;`). */
export function hintColumn(a: DocumentAnalysis, d: DefinitionInfo, lastLineText: string): number {
  let col = d.bodyEnd && d.bodyEnd.line === d.endLine ? d.bodyEnd.character : lastLineText.length;
  if (a.family === 'ld' && lastLineText[col] === ';') col++;
  return col;
}
