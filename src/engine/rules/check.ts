// Checking a file: the rules over the values of its analysis (the one the hover reads) and, for the
// range rules, the named values of the files it includes.
import { analyzeSparse, analyzeText, DefineSettings, Family, FileAnalysis, MacroDef } from '../source';
import { modeOf, PagingMode } from '../paging';
import { collectValues, Collected, CollectOptions, mayHaveFindings, RULE_NAME_Y } from './values';
import { layoutAppliesToPath, needsOtherValues, RuleOptions, runRules } from './rules';
import { Finding, RuleValue } from './types';

/** Included files, collected when first needed. */
export interface IncludedSource {
  /** The definitions of a name in the first included file that defines it. */
  get(name: string): readonly MacroDef[] | undefined;
  /** Every included file's values and definitions, in include order. */
  all(): Collected[];
}

export interface CheckOptions extends RuleOptions {
  /**
   * Values and definitions of included files, or a source that collects them when first needed (see
   * checkLoaded in the CLI): a macro the file does not define, a range the file has a part of.
   */
  included?: Collected[] | IncludedSource;
  /** Override the path-based applicability of the layout. */
  layoutApplies?: boolean;
}

function includedSource(inc: Collected[] | IncludedSource | undefined): IncludedSource {
  if (!inc) return { get: () => undefined, all: () => [] };
  if (!Array.isArray(inc)) return inc;
  return { get: (name) => { for (const c of inc) { const d = c.lookup(name); if (d) return d; } return undefined; }, all: () => inc };
}

/** The rules over an analysis of a file (made with the layout's mode where the layout applies to it). */
export function checkAnalysis(a: FileAnalysis, opts: CheckOptions, collect: CollectOptions = {}): Finding[] {
  const file = a.file ?? '';
  const applies = opts.layoutApplies ?? layoutAppliesToPath(file, opts.layout);
  const c = collectValues(a, collect);
  const includedValues: RuleValue[] = [];
  if (needsOtherValues(c.values)) {
    for (const other of includedSource(opts.included).all()) {
      for (const v of other.values) if (v.name) includedValues.push(v.local ? { ...v, local: false } : v);
    }
  }
  return runRules({ file, values: [...c.values, ...includedValues], layoutApplies: applies }, opts);
}

/** A build's configuration for the preprocessing of checked files (a kernel build: kbuild.ts). */
export interface BuildDefines {
  defines: DefineSettings;
  /** The defines are a whole kernel configuration: a `CONFIG_` they do not list is not set. */
  configComplete?: boolean;
}

export interface CheckTextOptions extends CheckOptions {
  family: Family;
  /** The configuration the file is preprocessed with (its #if branches are decided by it). */
  build?: BuildDefines;
  /** Skip a file that cannot have findings (mayHaveFindings), unless `gated` says it passed already. */
  fast?: boolean;
  gated?: boolean;
  /** The file's literal lines, when the caller found them already (analyzeSparse's `literalStarts`). */
  literalStarts?: readonly number[];
}

/**
 * Check one file's text as a whole-tree run does: the file is analysed by the whole-tree line source
 * (every directive, the literal lines), with the layout's paging mode and the included files'
 * definitions after its own.
 */
export function checkText(text: string, file: string, opts: CheckTextOptions): Finding[] {
  const mode = modeOf(opts.layout);
  if (opts.fast && !opts.gated && !mayHaveFindings(text, opts.family, mode.addressBits)) return [];
  const applies = opts.layoutApplies ?? layoutAppliesToPath(file, opts.layout);
  const source = includedSource(opts.included);
  // The layout's mode whether or not the layout applies to the file, as the editor's analysis has it.
  const a = analyzeSparse(text, { file, family: opts.family, mode, fallback: source.get, keepDefinition: RULE_NAME_Y, ...(opts.literalStarts ? { literalStarts: opts.literalStarts } : {}), ...(opts.build ? { defines: opts.build.defines, configComplete: opts.build.configComplete } : {}) });
  // The analysis is read once and dropped: its definitions' tokens go as they are read.
  return checkAnalysis(a, { ...opts, layoutApplies: applies, included: source }, { release: true });
}

/** The values and definitions of a file others include (named values only are used by them). */
export function collectIncluded(text: string, file: string, family: Family, build?: BuildDefines): Collected {
  return collectValues(analyzeSparse(text, { file, family, keepDefinition: RULE_NAME_Y, ...(build ? { defines: build.defines, configComplete: build.configComplete } : {}) }), { evaluate: false });
}

/**
 * The values of a text as the rules see them, from the editor's line source (the document lexer) or,
 * with `fast`, from the whole-tree one. Both give the same values (the differential tests check it).
 */
export function collectText(text: string, file: string, opts: { family: Family; mode?: PagingMode; evaluate?: boolean; fast?: boolean }): Collected {
  const aopts = { file, family: opts.family, mode: opts.mode };
  return collectValues(opts.fast ? analyzeSparse(text, { ...aopts, keepDefinition: RULE_NAME_Y }) : analyzeText(text, aopts), { evaluate: opts.evaluate });
}
