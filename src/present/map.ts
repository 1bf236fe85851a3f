// What the map shows for the active editor: its constants as markers (with the problems they show on
// the layout and the file's diagnostics drawn at their values), and the constant under the cursor.
import { Layout } from '../engine/paging';
import { definitionValue, markerProblems } from '../engine/map';
import type { DocumentAnalysis } from '../engine/source';
import { hexOf, WireMarker, WireProblem } from '../shared/protocol';

/** A constant of a file with a value and the position of its name (0-based): see analysisMarkers. */
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
 * The constant under the cursor, from the document's analysis (the one the hover reads): a hex literal
 * the cursor is in, else a #define on the cursor's line with its value. Undefined when it is on neither.
 */
export function constantAtCursor(a: DocumentAnalysis, line: number, character: number): { value: bigint; name: string } | undefined {
  if (line < 0 || line >= a.lineCount || a.lineText(line).length > MAX_CURSOR_LINE) return undefined;
  const lit = a.literalAt(line, character);
  if (lit && lit.radix === 16) return { value: lit.value, name: lit.text };
  for (const d of a.definitions) {
    if (d.line > line) break;
    if (d.line !== line || character < d.nameStart) continue;
    const value = definitionValue(a, d);
    if (value !== undefined) return { value, name: d.name };
  }
  return undefined;
}

/** The value of a #define named `word`, evaluated in the context of the whole file (its first definition with one value). */
export function constantNamed(a: DocumentAnalysis, word: string): { value: bigint; name: string } | undefined {
  for (const d of a.definitionsOf(word)) {
    const value = definitionValue(a, d);
    if (value !== undefined) return { value, name: d.name };
  }
  return undefined;
}
