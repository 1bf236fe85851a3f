// Inline suppressions: a comment that says why a finding does not apply.
//
//   #define FOO_BASE_ADDR 0xffffffff00000fffULL /* paging-layout: ignore PL004 -- register clear mask */
//   /* paging-layout: ignore PL001, PL005 -- guest-physical window of the emulated board */
//   #define BOARD_WINDOW_BASE 0x0000800000000000ULL
//   // paging-layout: ignore-file PL003 -- test data: the ranges overlap on purpose
//
// `ignore` covers findings on the comment's line and on the line after the comment; `ignore-file`
// covers the whole file. The reason after `--` is required: a suppression without one is not applied
// and is itself reported (PL000), as are unknown rule codes and misspelt directives. The directive is
// read in any comment style of the supported languages (`/* */`, `//`, `#`, `;`, `@`, `!`).
import { Finding, RuleCode, SrcRange } from './types';

/** Code of a problem with a suppression comment itself. */
export const SUPPRESSION_CODE = 'PL000';
export const SUPPRESSION_MARKER = 'paging-layout:';

const KNOWN_CODES = new Set<string>(['PL001', 'PL002', 'PL003', 'PL004', 'PL005', 'PL006', 'PL007', 'PL008', 'PL009', 'PL010', 'PL011']);

export interface Suppression {
  scope: 'line' | 'file';
  codes: RuleCode[];
  /** Why the findings do not apply (the text after `--`). */
  reason: string;
  /** 0-based lines whose findings it covers ('line' scope): the comment's line and the line after the comment. */
  lines: number[];
  /** The directive's position (from `paging-layout:` to the end of the reason). */
  range: SrcRange;
}

/** A suppression comment that is not applied, and why (reported as PL000). */
export interface SuppressionProblem {
  code: typeof SUPPRESSION_CODE;
  range: SrcRange;
  message: string;
}

export interface ParsedSuppressions {
  suppressions: Suppression[];
  problems: SuppressionProblem[];
}

/** A comment opener before the marker on its line (or a block comment's `*` continuation). */
const COMMENT_BEFORE = /(?:\/\*|\/\/|^[ \t]*\*|[#;@!])[^\n]*$/;
const DIRECTIVE = /^[ \t]*([A-Za-z][\w-]*)?/y;

/** Read the suppression comments of a text. Cost: one search for the marker, then per directive. */
export function parseSuppressions(text: string): ParsedSuppressions {
  const out: ParsedSuppressions = { suppressions: [], problems: [] };
  let line = 0, counted = 0;
  const lineAt = (offset: number) => {
    for (let k = text.indexOf('\n', counted); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) line++;
    counted = offset;
    return line;
  };
  // Whether an offset is inside a block comment: `/*` and `*/` followed in order (directives come in order).
  let cpos = 0, inBlock = false;
  const inBlockComment = (to: number) => {
    for (;;) {
      const next = text.indexOf(inBlock ? '*/' : '/*', cpos);
      if (next < 0 || next >= to) return inBlock;
      inBlock = !inBlock;
      cpos = next + 2;
    }
  };
  for (let i = text.indexOf(SUPPRESSION_MARKER); i >= 0; i = text.indexOf(SUPPRESSION_MARKER, i + SUPPRESSION_MARKER.length)) {
    const ls = text.lastIndexOf('\n', i - 1) + 1;
    if (!COMMENT_BEFORE.test(text.slice(ls, i))) continue;
    const l = lineAt(i);
    let le = text.indexOf('\n', i);
    if (le < 0) le = text.length;
    const rest = text.slice(i + SUPPRESSION_MARKER.length, le).replace(/\r$/, '');
    // The directive ends at the end of its comment (`*/`) or of the line.
    const close = rest.indexOf('*/');
    const body = close >= 0 ? rest.slice(0, close) : rest;
    const col = i - ls;
    const range: SrcRange = { line: l, character: col, endLine: l, endCharacter: col + SUPPRESSION_MARKER.length + body.replace(/\s+$/, '').length };
    DIRECTIVE.lastIndex = 0;
    const word = DIRECTIVE.exec(body)?.[1];
    if (word !== 'ignore' && word !== 'ignore-file') {
      out.problems.push({ code: SUPPRESSION_CODE, range, message: `unknown paging-layout directive '${word ?? ''}': write "paging-layout: ignore PLxxx -- reason" or "paging-layout: ignore-file PLxxx -- reason"` });
      continue;
    }
    const after = body.slice(DIRECTIVE.lastIndex);
    const dash = after.indexOf('--');
    const codesText = dash >= 0 ? after.slice(0, dash) : after;
    const reason = dash >= 0 ? after.slice(dash + 2).trim() : '';
    const tokens = codesText.split(/[\s,]+/).filter(Boolean);
    const unknown = tokens.filter((t) => !KNOWN_CODES.has(t.toUpperCase()));
    if (tokens.length === 0) {
      out.problems.push({ code: SUPPRESSION_CODE, range, message: `paging-layout: ${word} names no rule: write "paging-layout: ${word} PLxxx -- reason"` });
      continue;
    }
    if (unknown.length) {
      out.problems.push({ code: SUPPRESSION_CODE, range, message: `paging-layout: ${word} names an unknown rule (${unknown.map((u) => `'${u}'`).join(', ')}); the rules are PL001-PL011` });
      continue;
    }
    const codes = [...new Set(tokens.map((t) => t.toUpperCase()))] as RuleCode[];
    if (!reason) {
      out.problems.push({ code: SUPPRESSION_CODE, range, message: `paging-layout: ${word} ${codes.join(', ')} has no reason: add "-- why the finding does not apply"; the suppression is not applied` });
      continue;
    }
    // Covered lines: the comment's own line and the line after the comment (a block comment may span lines).
    let lastLine = l;
    if (close < 0 && inBlockComment(i)) {
      const end = text.indexOf('*/', i);
      for (let k = text.indexOf('\n', i); k >= 0 && end >= 0 && k < end; k = text.indexOf('\n', k + 1)) lastLine++;
    }
    out.suppressions.push({ scope: word === 'ignore-file' ? 'file' : 'line', codes, reason, lines: word === 'ignore-file' ? [] : [l, lastLine + 1], range });
  }
  return out;
}

export interface Suppressed<F> {
  finding: F;
  suppression: Suppression;
}

export interface SuppressionResult<F> {
  /** Findings no suppression covers. */
  kept: F[];
  /** Findings a suppression covers, with it (for `check --list-suppressed`). */
  suppressed: Suppressed<F>[];
  /** Suppressions that are not applied (no reason, unknown codes, misspelt directives). */
  problems: SuppressionProblem[];
  /** Applied suppressions that covered no finding. */
  unused: Suppression[];
}

/**
 * Split a file's findings by its suppression comments. Findings are anything with a code and a
 * 0-based range (a Finding, or the CLI's copy of one).
 */
export function applySuppressions<F extends Pick<Finding, 'range'> & { code: string }>(findings: readonly F[], text: string, parsed?: ParsedSuppressions): SuppressionResult<F> {
  const p = parsed ?? (text.includes(SUPPRESSION_MARKER) ? parseSuppressions(text) : { suppressions: [], problems: [] });
  if (p.suppressions.length === 0) return { kept: [...findings], suppressed: [], problems: p.problems, unused: [] };
  const used = new Set<Suppression>();
  const kept: F[] = [];
  const suppressed: Suppressed<F>[] = [];
  for (const f of findings) {
    const s = p.suppressions.find((x) => x.codes.includes(f.code as RuleCode) && (x.scope === 'file' || x.lines.includes(f.range.line)));
    if (s) { used.add(s); suppressed.push({ finding: f, suppression: s }); } else kept.push(f);
  }
  return { kept, suppressed, problems: p.problems, unused: p.suppressions.filter((s) => !used.has(s)) };
}

/**
 * The findings an editor shows for a text: those no suppression covers, and each suppression that is
 * not applied as a PL000 finding (at the severity given for PL000, default warning; none when 'off').
 * Suppressed findings and suppressions that cover nothing are left out, as a plain `check` does.
 */
export function shownFindings(findings: readonly Finding[], text: string, file: string, pl000?: Finding['severity'] | 'off'): Finding[] {
  if (!text.includes(SUPPRESSION_MARKER)) return [...findings];
  const res = applySuppressions(findings, text);
  if (pl000 === 'off') return res.kept;
  return [...res.kept, ...res.problems.map((p): Finding => ({ code: SUPPRESSION_CODE as RuleCode, severity: pl000 ?? 'warning', message: p.message, file, range: p.range, related: [], fixes: [] }))];
}
