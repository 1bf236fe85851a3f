// paging-layout check: the diagnostics rules over files and directories, as text (gcc style), JSON or
// SARIF 2.1.0. Whole trees are checked by worker threads, each lexing only the lines that can matter.
import { DEFAULT_CLI_MAX_FILE_BYTES, looksBinary, tooLargeReason, MacroDef, Family, familyFor, detach, findKbuild, kbuildMode, DefineSettings, analyzeSparse, assertionsOf, scanAssertionSites, ScannedAssertion, AssertionResult, AssertionSite, evaluateAssertions, evaluateCondition, ownDefinitionNames, findAssertionSites, mayHaveAssertions, tokenize, CondAtom, FileAnalysis, literalLineStartsOf } from '../engine/source';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { DEFAULT_LAYOUT_ID, InputError, Layout, layoutForFile, requireLayout, modeOf, firmwareNeutralLayout, inferTreeKindOf, modePreset } from '../engine/paging';
import { ByteGate, BYTE_GATE_MAX, applySuppressions, SUPPRESSION_CODE, SUPPRESSION_MARKER, fingerprints, parseBaseline, compareWithBaseline, baselinePath, BaselineEntry, BaselineError, BaselineState, FINGERPRINT_KEY } from '../engine/rules';
import { checkText, collectIncluded, Finding, IncludedSource, RULES, RuleCode, SeveritySetting, layoutAppliesToPath, Collected, definedNames, mayHaveFindings, gateValuesOrAssertions } from '../engine/rules';
import { addAssertionResults, assertionFindings, AssertionStats, assertionStatsText, builtinRecipeNames, emptyAssertionStats, mergeAssertionStats, onLayoutMacros } from '../engine/rules';
import { Command, customLayouts, IO, nodeKbuildFS, one, parseArgs, UsageError } from './common';
import { checkDocs } from './docs';
import { kbuildOptions } from './eval';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const CHECK_USAGE = 'check <path>… [--kbuild DIR [--arch A]] [--layout ID] [--format text|json|sarif] [--physical-address-bits N] [--rule PLxxx=off|hint|information|warning|error]… [--jobs N] [--baseline FILE] [--list-suppressed]';

/** File names the check recurses into: C/C++, assembly, linker scripts. */
const SOURCE = /\.(?:c|h|cc|cpp|cxx|hh|hpp|hxx|inl|S|s|sx|asm|nasm|inc|ld|lds|x)$/;

export function familyOfPath(file: string): Family {
  if (/\.lds\.S$|\.lds$|\.ld$/i.test(file) || /\.x$/.test(file)) return 'ld';
  return familyFor(undefined, file) ?? 'c';
}

/**
 * Files under the given paths (directories recursively, dot-directories skipped, entries sorted per
 * directory), yielded as the walk finds them; a path that cannot be read yields a problem instead.
 */
export function* walkFiles(paths: string[]): Generator<{ file?: string; problem?: string }> {
  function* walk(dir: string): Generator<{ file?: string; problem?: string }> {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) { yield { problem: `${dir}: cannot read directory (${(e as NodeJS.ErrnoException).code})` }; return; }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = dir === '.' ? e.name : path.join(dir, e.name);
      if (e.isDirectory()) yield* walk(p);
      else if (e.isFile() && SOURCE.test(e.name)) yield { file: p };
    }
  }
  for (const p of paths) {
    let st: fs.Stats;
    try { st = fs.statSync(p); } catch (e) { yield { problem: `${p}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})` }; continue; }
    if (st.isDirectory()) yield* walk(p);
    else yield { file: p };
  }
}

/** Files of a walk, pulled in batches as workers ask for them; `files` keeps the walk order. */
class FileQueue {
  readonly files: string[] = [];
  readonly problems: string[] = [];
  private next = 0;
  private done = false;
  constructor(private readonly walk: Iterator<{ file?: string; problem?: string }>) {}

  /** Walk until `n` files are waiting (or the walk ends); whether that many are. */
  fill(n: number): boolean {
    while (!this.done && this.files.length - this.next < n) {
      const r = this.walk.next();
      if (r.done) this.done = true;
      else if (r.value.file) this.files.push(r.value.file);
      else this.problems.push(r.value.problem!);
    }
    return this.files.length - this.next >= n;
  }

  /** Up to `n` files; once the walk has ended, smaller batches, so that the workers finish together. */
  take(n: number): string[] {
    this.fill(n);
    if (this.done) n = Math.min(n, Math.max(8, Math.ceil((this.files.length - this.next) / 4)));
    const out = this.files.slice(this.next, this.next + n);
    this.next += out.length;
    return out;
  }
}

interface CheckSettings {
  layout: Layout;
  physicalAddressBits: number;
  severities: Partial<Record<RuleCode, SeveritySetting>>;
  /** Skip files that cannot have findings and lex only candidate lines (always on for the CLI). */
  fast: boolean;
  /** Read the suppression comments of every file, also those that cannot have a finding (--list-suppressed). */
  allSuppressions?: boolean;
  /** A kernel build as the context (--kbuild): its configuration, include paths and forced includes. */
  kbuild?: KbuildSettings;
  /** The build-time assertions of this thread's files: counts, and the build's evaluator once made. */
  assertions?: AssertionRun;
}

/** What a thread keeps for the build-time assertions (PL011). */
interface AssertionRun {
  stats: AssertionStats;
  recipe: Set<string>;
  /** Makefile texts by directory (which files the configuration builds). */
  makefiles: Map<string, string>;
  /** The kernel build's evaluation options per expression (made at the first assertion; null: no build). */
  evaluator?: ReturnType<typeof kbuildOptions> | null;
}

function assertionRun(): AssertionRun {
  return { stats: emptyAssertionStats(), recipe: builtinRecipeNames(), makefiles: new Map() };
}

/** What a check takes from a kernel build (plain data: it goes to the workers). */
interface KbuildSettings {
  /** `__KERNEL__` and the configuration's CONFIG_ values; a CONFIG_ not listed is not set. */
  defines: DefineSettings;
  /** `-I` directories in Kbuild's order: `#include <...>` and, after the file's own directory, `"..."`. */
  includeDirs: string[];
  /** Headers every unit includes first (`include/linux/kconfig.h`): their definitions come before the file's. */
  forcedIncludes: string[];
  /** The build directory and architecture as given (the assertions' evaluator is made from them). */
  dir: string;
  /** The source tree (its Makefiles say which files the configuration builds). */
  sourceTree?: string;
  arch?: string;
}

/** A finding without its fixes, ready for output (and cheap to pass between threads). */
export interface Reported {
  file: string;
  /** A rule's finding, or (code PL000) a suppression comment that is not applied. */
  f: Omit<Finding, 'fixes' | 'code'> & { code: RuleCode | typeof SUPPRESSION_CODE };
  /** The text the finding is on (the literal or the name), for baselines. */
  subject?: string;
  /** The suppression comment that covers the finding (then it is listed only by --list-suppressed). */
  suppressed?: { reason: string; scope: 'line' | 'file'; line: number; column: number };
  /** An applied suppression comment that covered no finding (for --list-suppressed). */
  unused?: boolean;
  /** Set by a baseline comparison. */
  state?: BaselineState;
  fingerprint?: string;
}

/** A reasonless or misspelt suppression is reported as PL000 (warning by default; `--rule PL000=off`). */
const SUPPRESSION_RULE = { id: SUPPRESSION_CODE, title: 'Suppression comment not applied' };

/** The text of a range's first line (the literal or name a finding is on). */
function subjectOf(text: string, lineStarts: number[], r: Finding['range']): string {
  const a = lineStarts[r.line];
  if (a === undefined) return '';
  let e = text.indexOf('\n', a);
  if (e < 0) e = text.length;
  return text.slice(a + r.character, r.endLine === r.line ? Math.min(e, a + r.endCharacter) : e);
}

/**
 * A checked file's findings with its suppression comments applied: covered findings are marked, and
 * suppressions without a reason (or with unknown codes) become PL000 findings. The subject of each
 * finding is taken from the text. Only files with findings are searched for comments, unless
 * --list-suppressed asks for every suppression of the tree.
 */
function suppressAndLocate(file: string, text: string, reps: Reported[], s: CheckSettings): Reported[] {
  // A plain check reads the comments of files with findings only (the others have nothing to suppress).
  if (!reps.length && !s.allSuppressions) return reps;
  const hasMarker = text.includes(SUPPRESSION_MARKER);
  const starts = [0];
  const lastLine = Math.max(0, ...reps.map((r) => r.f.range.line));
  for (let i = text.indexOf('\n'); i >= 0 && starts.length <= lastLine + 1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  for (const r of reps) r.subject = detach(subjectOf(text, starts, r.f.range));
  if (!hasMarker) return reps;
  const res = applySuppressions(reps.map((r) => ({ ...r.f, r })), text);
  const out: Reported[] = res.kept.map((k) => k.r);
  for (const { finding, suppression } of res.suppressed) {
    out.push({ ...finding.r, suppressed: { reason: detach(suppression.reason), scope: suppression.scope, line: suppression.range.line + 1, column: suppression.range.character + 1 } });
  }
  const sev = s.severities[SUPPRESSION_CODE as RuleCode];
  if (sev !== 'off') {
    for (const p of res.problems) out.push({ file, f: { code: SUPPRESSION_CODE, severity: (sev ?? 'warning') as Finding['severity'], message: detach(p.message), file, range: p.range, related: [] }, subject: detach(subjectOf(text, lineStartsOf(text, p.range.line), p.range)) });
  }
  for (const u of res.unused) out.push({ file, f: { code: u.codes[0], severity: 'information', message: detach(`the suppression of ${u.codes.join(', ')} (${u.reason}) covers no finding`), file, range: u.range, related: [] }, unused: true });
  return out;
}

function lineStartsOf(text: string, upTo: number): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0 && starts.length <= upTo + 1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** A file left out on purpose (too large, binary): reported on stderr, not an error. */
export class SkippedFile extends Error {}

/** One stderr note for a file that could not be checked; skipped files say why. */
function failureText(file: string, e: unknown): string {
  return e instanceof SkippedFile || (e as Error)?.name === 'SkippedFile' ? `${file}: ${(e as Error).message}` : `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
}
const isSkipNote = (note: string) => / skipped: /.test(note);

/** Bytes as latin1 text: Buffer's own decoder without toString's argument handling (node >= 14). */
const latin1 = (buf: Buffer, start: number, end: number): string =>
  (buf as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);

/**
 * Reads whole files into one reused buffer (a whole-tree check reads tens of thousands of files:
 * a fresh buffer per file is most of the garbage). Text is decoded as latin1 (one byte, one character).
 */
export class FileReader {
  private buf: Buffer = Buffer.allocUnsafe(1 << 20);
  private get view(): Uint8Array { return this.buf as unknown as Uint8Array; }
  /** Bytes read so far. */
  bytes = 0;

  constructor(private readonly limit = DEFAULT_CLI_MAX_FILE_BYTES) {}

  /** What the byte gate found in the last file read with it; undefined when the string gate decided. */
  gated: { values: boolean; words: boolean; literals?: Int32Array } | undefined;

  /**
   * The file's text, or a SkippedFile error (too large, binary); other errors are thrown as they are.
   * With a `gate`, a file the gate rejects is read as ''. The gate sees line-aligned pieces of about
   * 64 KB (it must look at single lines only) and stops at the first piece it accepts: most files of a
   * tree stop at the gate, and small strings are much cheaper to make and drop than one per file.
   * With `byteGate` (a C file of a 64-bit layout; whether the assertions' words are asked too) the byte
   * gate decides instead, before any string is made: what it found is `gated`.
   */
  read(file: string, gate?: (text: string) => boolean, byteGate?: { words: boolean }): string {
    this.gated = undefined;
    // Back to 1 MB after a large file.
    if (this.buf.length > 4 << 20) this.buf = Buffer.allocUnsafe(1 << 20);
    const scan = byteGate && this.byteGate();
    const fd = fs.openSync(file, 'r');
    try {
      // Into the byte gate's memory (a file of at most BYTE_GATE_MAX bytes) or into the buffer.
      let view = scan ? scan.input() : this.view;
      let inGate = !!scan;
      // Read into the buffer first; the size is asked only of a file that fills it (most files fit).
      // A read of a regular file that returns less than it was asked for has reached the end: no
      // second read to learn that (one system call fewer per file of a tree).
      let n = 0;
      for (let r; n < view.length;) {
        const want = view.length - n;
        r = fs.readSync(fd, view, n, want, null);
        n += r;
        if (r < want) break;
      }
      if (n === view.length || n > this.limit) {
        const size = Math.max(fs.fstatSync(fd).size, n);
        const tooLarge = tooLargeReason(size, this.limit);
        if (tooLarge) { this.bytes += size; throw Object.assign(new SkippedFile(tooLarge), { name: 'SkippedFile' }); }
        if (size > view.length) {
          if (inGate && size <= BYTE_GATE_MAX) view = scan!.input(size);
          else {
            // Grown to fit (in whole MB); the bytes read so far move along.
            const grown = Buffer.allocUnsafe(Math.ceil(size / (1 << 20)) << 20);
            (grown as unknown as Uint8Array).set(view.subarray(0, n));
            this.buf = grown;
            view = this.view;
            inGate = false;
          }
        }
        // Up to the size fstat gave (a file that grows meanwhile is read to that size).
        for (let r; n < size && (r = fs.readSync(fd, view, n, size - n, null)) > 0;) n += r;
      }
      this.bytes += n;
      if (inGate) {
        if (scan!.ends(n).binary(n)) throw Object.assign(new SkippedFile('skipped: binary file'), { name: 'SkippedFile' });
        const g: NonNullable<FileReader['gated']> = this.gated = { values: scan!.values(n), words: byteGate!.words && scan!.words(n) };
        if (!g.values && !g.words) return '';
        const text = latin1(Buffer.from(view.buffer, view.byteOffset, n), 0, n);
        // The literal lines, while the bytes are there (after the text: the list may grow the memory).
        const literals = scan!.literals(n);
        if (literals) g.literals = literals;
        return text;
      }
      if (looksBinary(view.subarray(0, Math.min(n, 8192)))) throw Object.assign(new SkippedFile('skipped: binary file'), { name: 'SkippedFile' });
      if (scan) {
        // A file larger than the byte gate's memory: its line-aligned pieces, each copied in (a line
        // longer than that memory leaves the file to the string gate).
        const g = { values: false, words: false };
        const decided = () => g.values && (g.words || !byteGate!.words);
        let a = 0;
        while (a < n && !decided()) {
          const b = pieceEnd(this.buf, a, n, BYTE_GATE_MAX);
          if (b - a > BYTE_GATE_MAX) break;
          scan.input(b - a).set(view.subarray(a, b));
          scan.ends(b - a);
          g.values ||= scan.values(b - a);
          g.words ||= byteGate!.words && scan.words(b - a);
          a = b;
        }
        if (a >= n || decided()) {
          this.gated = g;
          return g.values || g.words ? latin1(this.buf, 0, n) : '';
        }
      }
      if (!gate) return latin1(this.buf, 0, n);
      for (let a = 0; a < n;) {
        const b = pieceEnd(this.buf, a, n, GATE_PIECE);
        const piece = latin1(this.buf, a, b);
        if (gate(piece)) return a === 0 && b === n ? piece : latin1(this.buf, 0, n);
        a = b;
      }
      return '';
    } finally {
      fs.closeSync(fd);
    }
  }

  private scanner: ByteGate | null | undefined;
  /** The byte gate of this reader (made at its first use), or undefined without WebAssembly SIMD. */
  private byteGate(): ByteGate | undefined {
    if (this.scanner === undefined) this.scanner = ByteGate.create() ?? null;
    return this.scanner ?? undefined;
  }
}

/**
 * The end of the piece of `buf` from `a` (of `n` bytes) of about `size` bytes: after the last line
 * break in it (a longer line is taken whole).
 */
function pieceEnd(buf: Buffer, a: number, n: number, size: number): number {
  const b = Math.min(n, a + size);
  if (b === n) return n;
  const nl = buf.lastIndexOf(10, b - 1);
  if (nl >= a) return nl + 1;
  const next = buf.indexOf(10, b);
  return next < 0 || next >= n ? n : next + 1;
}

/** Size of the pieces the gate sees. */
const GATE_PIECE = 64 << 10;

const QUOTED_INCLUDE_Y = /include[ \t]*"([^"\n]{1,500})"/y;

/** Quoted `#include "…"` targets of a text (angle includes are not followed). */
function quotedIncludes(text: string): string[] {
  const out: string[] = [];
  for (let i = text.indexOf('include'); i >= 0; i = text.indexOf('include', i + 7)) {
    // `#` first on its line (blanks around it), then `include`, blanks, `"name"`.
    let j = i - 1;
    while (j >= 0 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
    if (j < 0 || text.charCodeAt(j) !== 35) continue;
    j--;
    while (j >= 0 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
    if (j >= 0 && text.charCodeAt(j) !== 10) continue;
    QUOTED_INCLUDE_Y.lastIndex = i;
    const m = QUOTED_INCLUDE_Y.exec(text);
    if (m) out.push(m[1]);
  }
  return out;
}

/** `#include <…>` targets of a text (followed through a kernel build's include directories). */
function angleIncludes(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*<([^>\n]{1,500})>/gm)) out.push(m[1]);
  return out;
}

/** A quoted include: its text now, what the fast scan collects from it when first needed. */
class IncludedFile {
  private c?: Collected;
  private defines?: (name: string) => boolean;
  private readonly family: Family;
  constructor(readonly file: string, readonly text: string, private readonly kbuild?: KbuildSettings) {
    this.family = familyOfPath(file);
  }

  /** What an including file uses: the named values (as another file's) and the macros. */
  get collected(): Collected {
    if (!this.c) {
      const all = collectIncluded(this.text, this.file, this.family, this.kbuild ? { defines: this.kbuild.defines, configComplete: true } : undefined);
      this.c = { ...all, values: all.values.filter((v) => v.name).map((v) => ({ ...v, local: false })) };
    }
    return this.c;
  }

  /** Its definitions of `name` (collected only when the text may define it). */
  macro(name: string): readonly MacroDef[] | undefined {
    if (!this.c && !(this.defines ??= definedNames(this.text, this.family))(name)) return undefined;
    return this.collected.lookup(name);
  }
}

/**
 * Check one file's text (already through the gate). The quoted includes next to it are read when the
 * check first needs them (a macro the file does not define, a range the file has a part of), and
 * collected only when they may define the macro (definedNames).
 */
/**
 * `valuesGated`: whether the file passed the values' gate (mayHaveFindings) under the run's layout, when
 * known; `assertionWords`: whether it holds an assertion word (mayHaveAssertions), when known;
 * `literals`: the offsets of its literals, when the byte gate found them (literalLineStartsOf).
 */
function checkLoaded(file: string, family: Family, text: string, s: CheckSettings, cache: Map<string, IncludedFile | null>, valuesGated?: boolean, assertionWords?: boolean, literals?: Int32Array): Reported[] {
  let files: IncludedFile[] | undefined;
  const kb = s.kbuild;
  const load = (target: string): IncludedFile | null => {
    let f = cache.get(target);
    if (f === undefined) {
      try { f = new IncludedFile(target, fs.readFileSync(target, 'latin1'), kb); } catch { f = null; }
      // A few hundred headers are what neighbouring files share; more only holds memory (peak 300 MB, not 520, on Linux 6.1 with one thread, at the same speed).
      if (cache.size > 200) cache.clear();
      cache.set(target, f);
    }
    return f;
  };
  // With a kernel build: a quoted include is looked for beside the file and then in the build's
  // include directories, an angle include in those (as gcc does with Kbuild's -I flags).
  const inDirs = (name: string): IncludedFile | null => {
    for (const d of kb!.includeDirs) { const f = load(path.join(d, name)); if (f) return f; }
    return null;
  };
  const list = (): IncludedFile[] => {
    if (files) return files;
    files = [];
    if (kb) for (const forced of kb.forcedIncludes) { const f = load(forced); if (f) files.push(f); }
    for (const name of quotedIncludes(text)) {
      const f = load(path.join(path.dirname(file), name)) ?? (kb ? inDirs(name) : null);
      if (f) files.push(f);
    }
    if (kb) for (const name of angleIncludes(text)) { const f = inDirs(name); if (f) files.push(f); }
    return files;
  };
  // A name's definitions in the includes, asked once per name (a file's values ask the same few names,
  // `BIT`, `UL`, a register base, many times: 36,000 questions for 9,000 names in Linux 6.1).
  const asked = new Map<string, readonly MacroDef[] | undefined>();
  const included: IncludedSource = {
    get: (name) => {
      if (asked.has(name)) return asked.get(name);
      let found: readonly MacroDef[] | undefined;
      for (const f of list()) { const d = f.macro(name); if (d) { found = d; break; } }
      asked.set(name, found);
      return found;
    },
    all: () => list().map((f) => f.collected),
  };
  // The quoted includes of the quoted includes (a directory's private headers: kernel/trace/trace.h
  // includes "pid_list.h"), a few levels and files deep: the assertions read them after the direct ones.
  let deep: IncludedFile[] | undefined;
  const deeper = (name: string): readonly MacroDef[] | undefined => {
    if (!deep) {
      deep = [];
      const seen = new Set<string>([file, ...list().map((f) => f.file)]);
      let level = list().filter((f) => !kb?.forcedIncludes.includes(f.file));
      for (let d = 0; d < 3 && level.length && deep.length < 40; d++) {
        const next: IncludedFile[] = [];
        for (const f of level) for (const q of quotedIncludes(f.text)) {
          const t = path.join(path.dirname(f.file), q);
          if (seen.has(t) || deep.length >= 40) continue;
          seen.add(t);
          const g = load(t);
          if (g) { deep.push(g); next.push(g); }
        }
        level = next;
      }
    }
    for (const f of deep) { const d = f.macro(name); if (d) return d; }
    return undefined;
  };
  // The file's layout, as the editor gives it: a file under another architecture's arch/ directory is
  // checked against that architecture's preset, without the build's configuration (which is not its).
  const own = layoutForFile(file, s.layout);
  const buildApplies = kb && own.layout === s.layout;
  const ownBits = modeOf(own.layout).addressBits;
  const gated = valuesGated !== undefined && ownBits === modeOf(s.layout).addressBits ? valuesGated : mayHaveFindings(text, family, ownBits);
  const findings = !s.fast || gated
    ? checkText(text, file, { layout: own.layout, family, physicalAddressBits: s.physicalAddressBits, severities: s.severities, fast: s.fast, gated: s.fast, included, ...(literals ? { literalStarts: literalLineStartsOf(text, literals) } : {}), ...(buildApplies ? { build: { defines: kb.defines, configComplete: true } } : {}) })
    : [];
  if (family === 'c' && s.assertions && (assertionWords ?? mayHaveAssertions(text))) findings.push(...checkAssertions(file, text, s, s.assertions, (n) => included.get(n) ?? deeper(n), own.layout, buildApplies ? kb : undefined));
  // Messages quote names out of the text: copies, so that a kept finding does not keep the text alive.
  return findings.map(({ fixes: _fixes, ...f }) => ({ file, f: { ...f, message: detach(f.message), related: f.related.map((r) => ({ ...r, message: detach(r.message) })) } }));
}

/**
 * The build-time assertions of a C file on layout macros (PL011): sites found in the text, those on
 * layout macros (onLayoutMacros, through the file's own macros) evaluated; with a kernel build (of the
 * file's architecture) each condition with the build's evaluation options (`eval --kbuild`'s: the
 * defining headers of the tree, the configuration), the file's own macros before the headers'; without
 * one with the file's definitions and its quoted includes'. Counts go to the thread's run.
 */
function checkAssertions(file: string, text: string, s: CheckSettings, run: AssertionRun, fallback: (name: string) => readonly MacroDef[] | undefined, layout: Layout, kb: KbuildSettings | undefined): Finding[] {
  if (s.severities.PL011 === 'off') return [];
  const sites = findAssertionSites(text);
  if (sites.length === 0) return [];
  // The identifiers of the file's own definitions (the layout test looks through them).
  let locals: Map<string, string[]> | undefined;
  const more = (name: string): string[] | undefined => (locals ??= ownDefinitionNames(text)).get(name);
  const chosen = sites.filter((x) => onLayoutMacros(x, run.recipe, more));
  run.stats.other += sites.length - chosen.length;
  if (chosen.length === 0) return [];
  // Another architecture's file (arch/arc/ under an x86 layout): neither the build nor the layout's mode is its own.
  if (!layoutAppliesToPath(file, layout)) { run.stats.otherArch += chosen.length; return []; }
  // A file the configuration does not build (its Makefile line, or a directory's, names an unset CONFIG_).
  if (kb && notBuilt(file, kb, run)) { run.stats.notBuilt += chosen.length; return []; }
  const a = analyzeSparse(text, { file, family: 'c', mode: modeOf(layout), fallback, ...(kb ? { defines: kb.defines, configComplete: true } : {}) });
  let results: AssertionResult[];
  if (!kb) results = assertionsOf(a, { sites: chosen, chainFor: 'fired' });
  else {
    if (run.evaluator === undefined) { try { run.evaluator = kbuildOptions(kb.dir, kb.arch); } catch { run.evaluator = null; } }
    const ev = run.evaluator;
    const own: EvalFallback = { dialect: 'c', mode: modeOf(layout), lookup: a.pre.lookup, configComplete: true };
    results = [];
    for (const site of chosen) {
      const overrides = localOverrides(site, a);
      const opts = ev?.(site.condition, overrides).opts ?? own;
      const decide = (atom: CondAtom): boolean | undefined => {
        const expr = /^[A-Za-z_]\w*$/.test(atom.text) ? `defined(${atom.text})` : atom.text;
        const o = ev?.(expr, overrides).opts ?? own;
        return evaluateCondition(tokenize(expr, 'c'), o).value;
      };
      results.push(...evaluateAssertions([site], a.pre, opts, { decide, chainFor: 'fired' }));
    }
  }
  addAssertionResults(run.stats, results);
  return assertionFindings(file, results, s.severities.PL011);
}

/**
 * Whether Kbuild leaves a C file out under the configuration: its directory's Makefile (or Kbuild) adds
 * `name.o` only on lines `obj-$(CONFIG_X) += …` (or `name-objs-$(CONFIG_X)`) whose every CONFIG_ is
 * unset, or a parent directory's adds the directory only so. A file no Makefile names is built (as far
 * as this test knows).
 */
export function notBuilt(file: string, kb: Pick<KbuildSettings, "defines" | "sourceTree">, run: Pick<AssertionRun, "makefiles">): boolean {
  if (!file.endsWith('.c')) return false;
  const src = kb.sourceTree;
  if (!src) return false;
  const abs = path.resolve(file);
  if (!abs.startsWith(src + path.sep)) return false;
  const makefile = (dir: string): string | undefined => {
    let t = run.makefiles.get(dir);
    if (t === undefined) {
      t = '';
      for (const n of ['Kbuild', 'Makefile']) { try { t += fs.readFileSync(path.join(dir, n), 'latin1').replace(/\\\r?\n/g, ' ') + '\n'; } catch { /* none */ } }
      if (run.makefiles.size > 2000) run.makefiles.clear();
      run.makefiles.set(dir, t);
    }
    return t || undefined;
  };
  const set = (v: string | number | boolean | null | undefined) => v !== undefined && v !== null && v !== false && v !== 'n' && v !== '';
  // every line that adds `entry`: gated by unset symbols only
  const offOnly = (text: string, entry: string): boolean => {
    const re = new RegExp(`^[ \\t]*([\\w.-]+?)-(\\$\\((CONFIG_\\w+)\\)|y|m|objs|\\w+)[ \\t]*[+:]?=.*(?<![\\w/.-])${entry.replace(/[.+]/g, '\\$&')}(?![\\w.-])`, 'gm');
    let any = false;
    for (const m of text.matchAll(re)) {
      any = true;
      const sym = m[3];
      if (!sym || set(kb.defines[sym])) return false;
    }
    return any;
  };
  let dir = path.dirname(abs);
  const mk = makefile(dir);
  if (mk && offOnly(mk, path.basename(abs).replace(/\.c$/, '.o'))) return true;
  while (dir.length > src.length) {
    const parent = path.dirname(dir);
    const pm = makefile(parent);
    if (pm && offOnly(pm, path.basename(dir) + '/')) return true;
    dir = parent;
  }
  return false;
}

type EvalFallback = NonNullable<Parameters<typeof evaluateAssertions>[2]>;

/**
 * The macros of the file and of the headers it includes directly (its quoted includes, and with a build
 * its angle includes through the build's include directories) that an assertion reads, through each
 * other, as `eval --kbuild` overrides (`name(params)` to body): they come before the tree's other headers.
 */
function localOverrides(site: AssertionSite, a: FileAnalysis): Record<string, string> {
  const out: Record<string, string> = {};
  const todo = [...site.names];
  const seen = new Set<string>();
  while (todo.length && seen.size < 200) {
    const n = todo.shift()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const defs = a.pre.lookup(n);
    // one definition (several under unknown conditions: the tree's headers stand)
    if (!defs || defs.length !== 1 || defs[0].kind !== 'macro' || defs[0].origin?.builtin) continue;
    const d = defs[0];
    out[d.params ? `${n}(${[...d.params, ...(d.variadic ? ['...'] : [])].join(', ')})` : n] = d.bodyText;
    for (const t of d.body) if (t.kind === 'ident') todo.push(t.text);
  }
  return out;
}

/** Check files in the order given. A file that cannot have a finding stops at the gate: its includes are not read either. */
function checkAll(files: string[], s: CheckSettings, cache: Map<string, IncludedFile | null>, reader: FileReader, out: Reported[], unreadable: string[]): void {
  const bits = modeOf(s.layout).addressBits;
  for (const f of files) {
    try {
      const family = familyOfPath(f);
      // Suppressions are read in every file that can have a finding; --list-suppressed reads every file
      // that has one (a search of all text, which a plain check does not pay for).
      let byMarker = false;
      const asserts = family === 'c' && !!s.assertions && s.severities.PL011 !== 'off';
      // Which gate let the file in: the values' (the rules may speak), the assertions' or the suppressions'.
      let values = false;
      const gate = (t: string): boolean => {
        if (asserts) {
          const g = gateValuesOrAssertions(t, bits);
          if (g) { values = g === 'values'; return true; }
        } else if ((values = mayHaveFindings(t, family, bits))) return true;
        return !!s.allSuppressions && t.includes(SUPPRESSION_MARKER) && (byMarker = true);
      };
      // A C file of a 64-bit layout: the same gates on its bytes, before a string is made of them.
      const text = reader.read(f, s.fast ? gate : undefined, s.fast && family === 'c' && bits === 64 && !s.allSuppressions ? { words: asserts } : undefined);
      if (!text) continue;
      let words: boolean;
      let literals: Int32Array | undefined;
      if (reader.gated) ({ values, words, literals } = reader.gated);
      else {
        // A file let in by a later gate was not searched by the earlier ones past the piece that let it in.
        if (s.fast && !values) values = mayHaveFindings(text, family, bits);
        words = asserts && mayHaveAssertions(text);
      }
      const reps = values || words ? checkLoaded(f, family, text, s, cache, values, words, literals) : [];
      for (const r of suppressAndLocate(f, text, reps, s)) out.push(r);
    } catch (e) {
      unreadable.push(failureText(f, e));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Worker threads

interface WorkerInit {
  role: 'paging-layout-check';
  layout: Layout;
  physicalAddressBits: number;
  severities: Partial<Record<RuleCode, SeveritySetting>>;
  allSuppressions?: boolean;
  /** Files larger than this are skipped (the editor's pagingLayout.maxFileSizeMB; the CLI's default otherwise). */
  maxFileBytes?: number;
  kbuild?: KbuildSettings;
  /** Evaluate the build-time assertions (PL011); each batch's counts come back with its findings. */
  assertions?: boolean;
}

function startWorker(init: WorkerInit): void {
  const s: CheckSettings = { layout: init.layout, physicalAddressBits: init.physicalAddressBits, severities: init.severities, fast: true, allSuppressions: init.allSuppressions, ...(init.kbuild ? { kbuild: init.kbuild } : {}), ...(init.assertions ? { assertions: assertionRun() } : {}) };
  const cache = new Map<string, IncludedFile | null>();
  const reader = new FileReader(init.maxFileBytes);
  parentPort!.on('message', (msg: { files?: string[] }) => {
    if (!msg.files) { process.exit(0); }
    const out: Reported[] = [];
    const unreadable: string[] = [];
    reader.bytes = 0;
    if (s.assertions) s.assertions.stats = emptyAssertionStats();
    checkAll(msg.files, s, cache, reader, out, unreadable);
    parentPort!.postMessage({ out, unreadable, bytes: reader.bytes, assertions: s.assertions?.stats });
  });
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.role === 'paging-layout-check') startWorker(workerData as WorkerInit);

/** Check the queue's files on `jobs` worker threads, handing out batches as workers free up. */
async function checkParallel(queue: FileQueue, s: CheckSettings, jobs: number): Promise<{ out: Reported[]; unreadable: string[]; bytes: number }> {
  const init: WorkerInit = { role: 'paging-layout-check', layout: s.layout, physicalAddressBits: s.physicalAddressBits, severities: s.severities, allSuppressions: s.allSuppressions, ...(s.kbuild ? { kbuild: s.kbuild } : {}), ...(s.assertions ? { assertions: true } : {}) };
  const out: Reported[] = [];
  const unreadable: string[] = [];
  let bytes = 0;
  const BATCH = 128;
  // The module re-requires itself (also when bundled into dist/cli.js): its top level starts the worker loop.
  const code = `require(${JSON.stringify(__filename)});`;
  const retry: string[] = [];
  // A bounded heap per worker keeps the whole-tree peak low; a batch whose worker runs out of it is
  // checked again on the main thread, and a fresh worker takes the worker's place.
  const spawn = (): Promise<void> => new Promise<void>((resolve) => {
    const w = new Worker(code, { eval: true, workerData: init, resourceLimits: WORKER_LIMITS });
    // Two batches in flight: the worker starts its next batch while this thread takes its last result.
    const inFlight: string[][] = [];
    let failed = false;
    let ended = false;
    const feed = () => {
      if (ended) return;
      const batch = queue.take(BATCH);
      if (batch.length) inFlight.push(batch);
      else ended = true;
      w.postMessage(batch.length ? { files: batch } : {});
    };
    w.on('message', (m: { out: Reported[]; unreadable: string[]; bytes: number; assertions?: AssertionStats }) => {
      if (m.assertions && s.assertions) mergeAssertionStats(s.assertions.stats, m.assertions);
      for (const r of m.out) out.push(r);
      for (const u of m.unreadable) unreadable.push(u);
      bytes += m.bytes;
      inFlight.shift();
      feed();
    });
    w.on('error', () => { failed = true; for (const b of inFlight.splice(0)) retry.push(...b); });
    w.on('exit', () => { if (failed && queue.fill(1)) spawn().then(resolve); else resolve(); });
    feed();
    feed();
  });
  await Promise.all(Array.from({ length: jobs }, spawn));
  if (retry.length) {
    const reader = new FileReader();
    checkAll(retry, s, new Map(), reader, out, unreadable);
    bytes += reader.bytes;
  }
  return { out, unreadable, bytes };
}

/** Worker heap: bounded so that the whole-tree peak stays low (a file is at most 32 MB). */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 192 };

// ---------------------------------------------------------------------------------------------
// Output

const GCC_SEVERITY: Record<string, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatText(rep: Reported[]): string {
  let s = '';
  for (const { file, f, suppressed, unused } of rep) {
    if (suppressed) { s += `${file}:${f.range.line + 1}:${f.range.character + 1}: note: suppressed: ${f.message} [${f.code}] -- ${suppressed.reason} (${suppressed.scope === 'file' ? 'ignore-file' : 'ignore'} at line ${suppressed.line})\n`; continue; }
    if (unused) { s += `${file}:${f.range.line + 1}:${f.range.character + 1}: note: ${f.message}\n`; continue; }
    s += `${file}:${f.range.line + 1}:${f.range.character + 1}: ${GCC_SEVERITY[f.severity]}: ${f.message} [${f.code}]\n`;
    for (const r of f.related) s += `${r.file}:${r.range.line + 1}:${r.range.character + 1}: note: ${r.message}\n`;
  }
  return s;
}

export function formatJson(rep: Reported[]): string {
  return JSON.stringify(rep.map(({ file, f, subject, fingerprint, suppressed, unused }) => ({
    file, line: f.range.line + 1, column: f.range.character + 1, endLine: f.range.endLine + 1, endColumn: f.range.endCharacter + 1,
    severity: f.severity, code: f.code, message: f.message,
    ...(subject !== undefined ? { subject } : {}), ...(fingerprint ? { fingerprint } : {}),
    ...(suppressed ? { suppressed } : {}), ...(unused ? { unused } : {}),
  })), null, 2) + '\n';
}

function sarifUri(file: string): string {
  const rel = path.isAbsolute(file) ? file : file;
  return rel.split(path.sep).map(encodeURIComponent).join('/').replace(/^%2F/, '/');
}

export function formatSarif(rep: Reported[], absent: BaselineEntry[] = []): string {
  const region = (r: Finding['range']) => ({ startLine: r.line + 1, startColumn: r.character + 1, endLine: r.endLine + 1, endColumn: r.endCharacter + 1 });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'paging-layout',
          version: '0.1.0',
          informationUri: 'https://example.invalid/paging-layout',
          rules: [...RULES.map((r) => ({ id: r.code as string, title: r.title, level: r.defaultSeverity as string })), { id: SUPPRESSION_RULE.id, title: SUPPRESSION_RULE.title, level: 'warning' }].map((r) => ({
            id: r.id, name: r.title.replace(/[^A-Za-z0-9]+/g, ''), shortDescription: { text: r.title },
            helpUri: `https://example.invalid/paging-layout/docs/rules.md#${r.id.toLowerCase()}`,
            defaultConfiguration: { level: SARIF_LEVEL[r.level] },
          })),
        },
      },
      results: [...rep.filter((r) => !r.unused).map(({ file, f, subject, fingerprint, state, suppressed }) => ({
        ruleId: f.code,
        ruleIndex: f.code === SUPPRESSION_CODE ? RULES.length : RULES.findIndex((r) => r.code === f.code),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(file) }, region: region(f.range) } }],
        ...(f.related.length ? {
          relatedLocations: f.related.map((r, i) => ({ id: i + 1, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: sarifUri(r.file) }, region: region(r.range) } })),
        } : {}),
        ...(fingerprint ? { partialFingerprints: { [FINGERPRINT_KEY]: fingerprint } } : {}),
        ...(state ? { baselineState: state } : {}),
        ...(suppressed ? { suppressions: [{ kind: 'inSource', justification: suppressed.reason }] } : {}),
        ...(subject !== undefined ? { properties: { subject } } : {}),
      })), ...absent.map((e) => ({
        ruleId: e.code,
        ...(RULES.some((r) => r.code === e.code) || e.code === SUPPRESSION_CODE ? { ruleIndex: e.code === SUPPRESSION_CODE ? RULES.length : RULES.findIndex((r) => r.code === e.code) } : {}),
        level: 'none',
        message: { text: e.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(e.file) }, ...(e.line ? { region: { startLine: e.line, ...(e.column ? { startColumn: e.column } : {}) } } : {}) } }],
        ...(e.fingerprint ? { partialFingerprints: { [FINGERPRINT_KEY]: e.fingerprint } } : {}),
        baselineState: 'absent',
        ...(e.subject !== undefined ? { properties: { subject: e.subject } } : {}),
      }))],
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

// ---------------------------------------------------------------------------------------------
// Command

const SEVERITIES = ['off', 'hint', 'information', 'warning', 'error'];

/** The kernel build of --kbuild: the check's settings, the preset of its paging mode and what to say about them. */
function kbuildContext(p: ReturnType<typeof parseArgs>): { settings: KbuildSettings; layoutId?: string; because: string; configFile: string; describe: string } | undefined {
  const dir = one(p, '--kbuild');
  const arch = one(p, '--arch');
  if (dir === undefined) {
    if (arch !== undefined) throw new UsageError('--arch needs --kbuild');
    return undefined;
  }
  const found = findKbuild(path.resolve(dir), nodeKbuildFS(), { arch });
  if ('error' in found) throw new UsageError(found.error);
  const ctx = found.context;
  const km = kbuildMode(ctx);
  let layoutId: string | undefined;
  let because: string;
  if ('error' in km) because = km.error;
  else {
    layoutId = modePreset(km.mode.id)?.id;
    because = layoutId ? `${km.mode.id} (${km.because})` : `no preset has the build's paging mode ${km.mode.id} (${km.because})`;
  }
  return {
    settings: { defines: ctx.defines, includeDirs: ctx.includeDirs, forcedIncludes: ctx.forcedIncludes.filter((f) => f.processed).map((f) => f.path), dir: path.resolve(dir), sourceTree: path.resolve(ctx.sourceTree), ...(arch ? { arch } : {}) },
    ...(layoutId ? { layoutId } : {}),
    because,
    configFile: ctx.config.file ?? `${ctx.buildDir}/.config`,
    describe: `${ctx.archVariant ?? ctx.arch} build ${ctx.buildDir}, source ${ctx.sourceTree}${ctx.config.values.size ? `, ${ctx.config.values.size} symbols` : ''}; an unlisted CONFIG_ is not set`,
  };
}

export const check: Command = async (args: string[], io: IO) => {
  // The documentation's layout tables against the headers (PL010): a check of its own.
  if (args.includes('--docs')) return checkDocs(args, io);
  const p = parseArgs(args, ['--layout', '--format', '--layout-file', '--physical-address-bits', '--rule', '--jobs', '--baseline', '--kbuild', '--arch'], ['--stats', '--list-suppressed']);
  if (p.positional.length === 0) throw new UsageError(`check needs at least one file or directory (usage: paging-layout ${CHECK_USAGE})`);
  const format = one(p, '--format') ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
  const extra = [...customLayouts(p), firmwareNeutralLayout()];
  const kb = kbuildContext(p);
  // No layout chosen: the tree's own kind decides (a Xen tree gets Xen's layout, firmware the neutral view).
  const inferred = one(p, '--layout') || p.flags.has('--layout-file') || kb?.layoutId ? undefined : inferTreeKindOf(path.resolve(p.positional[0]), {
    exists: (f) => fs.existsSync(f),
    isDirectory: (f) => { try { return fs.statSync(f).isDirectory(); } catch { return false; } },
    read: (f) => { try { return fs.statSync(f).size < 1 << 20 ? fs.readFileSync(f, 'latin1') : undefined; } catch { return undefined; } },
  });
  const layout = requireLayout(one(p, '--layout') ?? (p.flags.has('--layout-file') ? extra[0].id : kb?.layoutId ?? inferred?.layoutId ?? DEFAULT_LAYOUT_ID), extra);
  const bitsText = one(p, '--physical-address-bits') ?? '52';
  const physicalAddressBits = Number(bitsText);
  if (!/^\d+$/.test(bitsText) || physicalAddressBits < 32 || physicalAddressBits > 64) throw new UsageError(`--physical-address-bits must be a number from 32 to 64, not '${bitsText}'`);
  const severities: Partial<Record<RuleCode, SeveritySetting>> = {};
  for (const r of p.flags.get('--rule') ?? []) {
    const m = /^(PL\d{3})=(\w+)$/i.exec(r);
    if (!m || !(RULES.some((x) => x.code === m[1].toUpperCase()) || m[1].toUpperCase() === SUPPRESSION_CODE) || !SEVERITIES.includes(m[2])) throw new UsageError(`--rule expects PLxxx=${SEVERITIES.join('|')}, not '${r}'`);
    severities[m[1].toUpperCase() as RuleCode] = m[2] as SeveritySetting;
  }
  const baselineFile = one(p, '--baseline');
  let baseline: BaselineEntry[] | undefined;
  if (baselineFile !== undefined) {
    let text: string;
    try { text = fs.readFileSync(baselineFile, 'utf8'); } catch (e) { throw new UsageError(`--baseline ${baselineFile}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`); }
    try { baseline = parseBaseline(text, baselineFile); } catch (e) { if (e instanceof BaselineError) throw new UsageError(e.message); throw e; }
    // Paths as this run names them (a baseline may have been written with absolute or other relative paths).
    baseline = baseline.map((e) => ({ ...e, file: relativeFile(e.file) }));
  }
  const listSuppressed = p.flags.has('--list-suppressed');
  const jobsText = one(p, '--jobs');
  const jobs = jobsText ? Number(jobsText) : Math.max(1, Math.min(os.cpus().length, 8));
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a positive number, not '${jobsText}'`);

  const queue = new FileQueue(walkFiles(p.positional));
  const settings: CheckSettings = { layout, physicalAddressBits, severities, fast: true, allSuppressions: listSuppressed, ...(kb ? { kbuild: kb.settings } : {}), assertions: assertionRun() };
  if (kb) {
    const chosen = one(p, '--layout') ? ' (--layout)' : p.flags.has('--layout-file') ? ' (--layout-file)' : kb.layoutId ? ` for the build's paging mode ${kb.because}` : inferred ? '' : ` (the default: ${kb.because})`;
    io.err(`paging-layout check: layout ${layout.id}${chosen}; configuration ${kb.configFile} (${kb.describe})\n`);
  }
  let rep: Reported[];
  let unreadable: string[];
  let bytes = 0;
  // Worker threads for trees (256 files and more), started while the walk goes on.
  if (jobs > 1 && queue.fill(256)) {
    ({ out: rep, unreadable, bytes } = await checkParallel(queue, settings, jobs));
  } else {
    rep = [];
    unreadable = [];
    const cache = new Map<string, IncludedFile | null>();
    const reader = new FileReader();
    for (let batch = queue.take(256); batch.length; batch = queue.take(256)) checkAll(batch, settings, cache, reader, rep, unreadable);
    bytes = reader.bytes;
  }
  const { files, problems } = queue;
  const order = new Map(files.map((f, i) => [f, i]));
  rep.sort((a, b) => (order.get(a.file)! - order.get(b.file)!) || a.f.range.line - b.f.range.line || a.f.range.character - b.f.range.character);
  if (inferred) io.err(`paging-layout check: layout ${layout.id}, inferred from the tree (${inferred.reason})\n`);
  const all = rep;
  const findings = all.filter((r) => !r.suppressed && !r.unused);
  const suppressedCount = all.filter((r) => r.suppressed).length;
  // Fingerprints over a run's findings in output order; a baseline keeps only the new ones.
  const fps = fingerprints(findings.map((r) => ({ file: relativeFile(r.file), code: r.f.code, subject: r.subject ?? '', message: r.f.message })));
  findings.forEach((r, i) => { r.fingerprint = fps[i]; });
  let absent: BaselineEntry[] = [];
  let shown = findings;
  if (baseline) {
    const cmp = compareWithBaseline(findings.map((r) => ({ file: relativeFile(r.file), code: r.f.code, subject: r.subject ?? '', message: r.f.message, fingerprint: r.fingerprint! })), baseline);
    findings.forEach((r, i) => { r.state = cmp.states[i]; });
    absent = cmp.absent;
    shown = findings.filter((r) => r.state === 'new');
  }
  if (listSuppressed) {
    // The listing: suppressed findings with their reasons, suppressions that are not applied (PL000), and those that cover nothing.
    const listed = all.filter((r) => r.suppressed || r.unused || r.f.code === SUPPRESSION_CODE);
    io.out(format === 'json' ? formatJson(listed) : format === 'sarif' ? formatSarif(listed) : formatText(listed));
  } else {
    // SARIF carries every finding with its baselineState (and the absent ones) and the suppressed ones with their justification.
    io.out(format === 'json' ? formatJson(shown) : format === 'sarif' ? formatSarif(all.filter((r) => !r.unused), absent) : formatText(shown));
  }
  for (const pr of [...problems, ...unreadable]) io.err(`paging-layout check: ${pr}\n`);
  const errors = shown.filter((r) => r.f.severity === 'error').length;
  if (p.flags.has('--stats') || format === 'text') {
    const counts = new Map<string, number>();
    for (const r of shown) counts.set(r.f.code, (counts.get(r.f.code) ?? 0) + 1);
    const per = [...counts].sort().map(([c, n]) => `${c} ${n}`).join(', ');
    const extraCounts = [
      ...(suppressedCount ? [`${suppressedCount} suppressed`] : []),
      ...(baseline ? [`${findings.length - shown.length} in the baseline, ${absent.length} of the baseline gone`] : []),
    ];
    io.err(`paging-layout check: ${files.length} file${files.length === 1 ? '' : 's'} (${bytes} bytes), ${shown.length} ${baseline ? 'new ' : ''}finding${shown.length === 1 ? '' : 's'}` +
      `${per ? ` (${per})` : ''}, ${errors} error${errors === 1 ? '' : 's'}${extraCounts.length ? ', ' + extraCounts.join(', ') : ''}, layout ${layout.id}${layoutAppliesNote(files, layout)}\n`);
  }
  if (p.flags.has('--stats') && settings.assertions) io.err(`paging-layout check: ${assertionStatsText(settings.assertions.stats)}${kb ? ' (configuration of the build)' : ' (no configuration: --kbuild DIR decides branches and headers)'}\n`);
  if (listSuppressed) return problems.length || unreadable.some((u) => !isSkipNote(u)) ? 2 : 0;
  if (problems.length || unreadable.some((u) => !isSkipNote(u))) return 2;
  return errors > 0 ? 1 : 0;
};

/** A path as baselines compare it: relative to the working directory, `/`-separated. */
function relativeFile(file: string): string {
  return baselinePath(path.relative(process.cwd(), path.resolve(file)).split(path.sep).join('/'));
}

function layoutAppliesNote(files: string[], layout: Layout): string {
  if (files.length > 50) return '';
  const own = files.map((f) => layoutForFile(path.resolve(f), layout).layout);
  const moved = own.filter((l) => l !== layout);
  const others = [...new Set(moved.map((l) => l.id))];
  const skipped = files.filter((f, i) => !layoutAppliesToPath(path.resolve(f), own[i])).length;
  const notes = [
    ...(moved.length ? [`${moved.length} file${moved.length === 1 ? '' : 's'} of another architecture checked against ${others.join(', ')}`] : []),
    ...(skipped ? [`${skipped} file${skipped === 1 ? '' : 's'} of another architecture: layout rules skipped`] : []),
  ];
  return notes.length ? ` (${notes.join('; ')})` : '';
}

void InputError;

// ---------------------------------------------------------------------------------------------
// The editor's scan for build-time assertions (context/assertionSites.ts starts it)

export interface AssertionScanInit { role: 'paging-layout-assertion-scan'; roots: string[]; maxFiles: number; maxFileBytes?: number }

/**
 * The scan thread: the C files under the roots (dot-directories skipped, at most `maxFiles`), each read
 * only past the gate (mayHaveAssertions); their sites are sent in batches, then `done`.
 */
function startAssertionScan(init: AssertionScanInit): void {
  const reader = new FileReader(init.maxFileBytes);
  let batch: ScannedAssertion[] = [];
  let files = 0;
  for (const r of walkFiles(init.roots)) {
    if (!r.file || familyOfPath(r.file) !== 'c') continue;
    if (++files > init.maxFiles) break;
    try {
      const text = reader.read(r.file, mayHaveAssertions);
      if (text) batch.push(...scanAssertionSites(path.resolve(r.file), text));
    } catch { /* unreadable or skipped: no sites */ }
    if (batch.length >= 200) { parentPort!.postMessage({ sites: batch }); batch = []; }
  }
  parentPort!.postMessage({ sites: batch, done: true, files: Math.min(files, init.maxFiles), capped: files > init.maxFiles });
}

if (!isMainThread && (workerData as AssertionScanInit | undefined)?.role === 'paging-layout-assertion-scan') startAssertionScan(workerData as AssertionScanInit);
