// What the map shows for the active editor: its constants as markers (with the problems they show on
// the layout and the file's diagnostics drawn at their values), and the constant under the cursor.
import { Layout } from '../engine/paging';
import { fileMarkers, markerProblems } from '../engine/map';
import { hexOf, WireMarker, WireProblem } from '../shared/protocol';

/** A constant of a file with a value and the position of its name (0-based). */
export interface FileConstant {
  name: string;
  value: bigint;
  line: number;
  column: number;
}

/** A diagnostic of the file, reduced to what the map draws. */
export interface LineDiagnostic {
  line: number;
  code: string;
  message: string;
  severity: 'error' | 'warning' | 'info';
}

/** Most markers the map receives for one file. */
export const MAX_MARKERS = 1000;

/** Markers for a file's constants, the problems they show on the layout, and its diagnostics at the value of the constant on their line. */
export function mapMarkers(constants: readonly FileConstant[], uri: string, layout: Layout, diagnostics: readonly LineDiagnostic[]): { markers: WireMarker[]; problems: WireProblem[] } {
  const found = constants.slice(0, MAX_MARKERS);
  const markers: WireMarker[] = found.map((d) => ({ name: d.name, value: hexOf(d.value), location: { uri, line: d.line, column: d.column } }));
  const problems: WireProblem[] = markerProblems(layout, found).map((p, i) => ({
    code: p.code, message: p.message, start: hexOf(p.start), end: hexOf(p.end), severity: p.severity,
    location: markers.find((m) => m.value === hexOf(p.start))?.location ?? markers[i]?.location,
  }));
  for (const d of diagnostics) {
    const m = markers.find((x) => x.location.line === d.line);
    if (!m || problems.some((p) => p.start === m.value && p.message === d.message)) continue;
    problems.push({ code: d.code, message: d.message, start: m.value, end: m.value, severity: d.severity, location: m.location });
  }
  return { markers, problems };
}

/** Longest line the cursor tracking looks at. */
export const MAX_CURSOR_LINE = 10_000;

/**
 * The constant under the cursor on one line: a #define's name with its value on this line, or a hex
 * literal the cursor is in (the literal wins). Undefined when the cursor is on neither.
 */
export function constantAtCursor(line: string, character: number): { value: bigint; name: string } | undefined {
  if (line.length > MAX_CURSOR_LINE) return undefined;
  const found = fileMarkers(line, '').find((d) => character >= d.column && character <= d.column + d.name.length + 1 + d.body.length + 8);
  let hit = found ? { value: found.value, name: found.name } : undefined;
  for (const m of line.matchAll(/\b0[xX][0-9a-fA-F]{1,16}(?:[uU]?[lL]{0,2})\b/g)) {
    if (character >= m.index! && character <= m.index! + m[0].length) hit = { value: BigInt(m[0].replace(/[uUlL]+$/, '')), name: m[0] };
  }
  return hit;
}

/** The value of a #define named `word`, evaluated in the context of the whole file. */
export function constantNamed(text: string, word: string): { value: bigint; name: string } | undefined {
  const def = fileMarkers(text, '', 0n).find((d) => d.name === word);
  return def ? { value: def.value, name: def.name } : undefined;
}
