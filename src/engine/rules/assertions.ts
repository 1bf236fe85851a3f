// PL011: a build-time assertion of the tree (BUILD_BUG_ON, BUILD_BUG_ON_MSG, static_assert,
// _Static_assert) on layout macros that fires under the configuration. Which assertions are on layout
// macros, the finding a fired one becomes, and the counts a run keeps (evaluated, held, fired, skipped
// by reason, in inactive branches). The sites and their evaluation are source/assertions.ts.
import * as fs from 'fs';
import * as path from 'path';
import { archDirOf, archDirOfLayout, Layout, presetsDir } from '../paging';
import { AssertionResult, AssertionSite, firesWhen, SKIP_REASONS, SKIP_REASON_TEXT, SkipReason } from '../source';
import { Finding, RelatedInfo, Severity, SeveritySetting } from './types';

export const ASSERTION_CODE = 'PL011' as const;

/** Page-table geometry and the kernel map's fixed points: what a layout is made of, whatever the architecture. */
const GEOMETRY = /^(?:PAGE_(?:SHIFT|SIZE|MASK|OFFSET|END)|__PAGE_OFFSET(?:_BASE\w*)?|(?:PTE|PMD|PUD|P4D|PGDIR)_(?:SHIFT|SIZE|MASK)|PTRS_PER_(?:PTE|PMD|PUD|P4D|PGD)|PGTABLE_LEVELS|VA_BITS(?:_MIN)?|__VIRTUAL_MASK(?:_SHIFT)?|__PHYSICAL_MASK(?:_SHIFT)?|MAX_PHYSMEM_BITS|__START_KERNEL(?:_map)?|KERNEL_IMAGE_(?:SIZE|START)|MODULES_LEN|TASK_SIZE(?:_64|_MAX)?|MAXMEM)$/;
/** A region boundary by the names the range rules pair (an upper-case name ending in one of these words). */
const BOUNDARY = /^[A-Z_][A-Z0-9_]*_(?:START|END|BASE|VADDR|ADDR|TOP|BEGIN|LIMIT)$/;
/** Words of a recipe's expressions that are idioms or configuration, not layout macros. */
const NOT_LAYOUT = /^(?:CONFIG_\w+|UL|ULL|_AC|_UL|_ULL|IS_ENABLED|BIT|BIT_ULL|GENMASK|GENMASK_ULL|SZ_\w+)$/;

/** The identifiers of a recipe's expressions (start, end, last, size, boot defaults): the derived layout's macros. */
export function recipeNames(recipes: readonly { regions: readonly { start: string; end?: string; last?: string; size?: string }[]; defaults?: readonly { name: string; value: string }[] }[]): Set<string> {
  const out = new Set<string>();
  const add = (s: string | undefined) => { for (const m of (s ?? '').matchAll(/[A-Za-z_]\w*/g)) if (!NOT_LAYOUT.test(m[0])) out.add(m[0]); };
  for (const r of recipes) {
    for (const g of r.regions) { add(g.start); add(g.end); add(g.last); add(g.size); }
    for (const d of r.defaults ?? []) { add(d.name); add(d.value); }
  }
  return out;
}

/**
 * Whether a name is a layout macro: a derived-layout recipe names it, it is page-table geometry or a
 * fixed point of the kernel map (`PMD_SIZE`, `__START_KERNEL_map`, `TASK_SIZE`), or it is a region
 * boundary by the names the range rules pair (`*_START`, `*_END`, `*_BASE`, `*_VADDR`, `*_ADDR`,
 * `*_TOP`, `*_BEGIN`, `*_LIMIT`).
 */
export function isLayoutName(name: string, recipe: ReadonlySet<string>): boolean {
  return recipe.has(name) || GEOMETRY.test(name) || BOUNDARY.test(name);
}

/**
 * Whether an assertion is on layout macros: its condition names a layout macro, itself or through a
 * macro of its own file (`more(name)`: the identifiers of the file's own definitions of a name), up to
 * three levels. The test reads the text only, so it is decided before any evaluation.
 */
export function onLayoutMacros(site: AssertionSite, recipe: ReadonlySet<string>, more?: (name: string) => readonly string[] | undefined): boolean {
  const seen = new Set<string>();
  let level = site.names;
  for (let depth = 0; depth < 4 && level.length; depth++) {
    const next: string[] = [];
    for (const n of level) {
      if (seen.has(n)) continue;
      seen.add(n);
      if (isLayoutName(n, recipe)) return true;
      if (more && depth < 3) for (const m of more(n) ?? []) next.push(m);
    }
    level = next;
  }
  return false;
}

/** The counts of a run: every layout assertion met in an active branch is evaluated and is held, fired or skipped. */
export interface AssertionStats {
  evaluated: number;
  held: number;
  fired: number;
  skipped: number;
  /** Skips by reason. */
  reasons: Partial<Record<SkipReason, number>>;
  /** Layout assertions in inactive branches (not evaluated). */
  inactive: number;
  /** Assertions met that are not on layout macros (not evaluated). */
  other: number;
  /** Layout assertions in files of another architecture than the layout's (not evaluated). */
  otherArch: number;
  /** Layout assertions in files the configuration does not build (a Makefile line under an unset CONFIG_). */
  notBuilt: number;
}

export function emptyAssertionStats(): AssertionStats {
  return { evaluated: 0, held: 0, fired: 0, skipped: 0, reasons: {}, inactive: 0, other: 0, otherArch: 0, notBuilt: 0 };
}

export function addAssertionResults(s: AssertionStats, results: readonly AssertionResult[]): void {
  for (const r of results) {
    const o = r.outcome;
    if (!o) { s.inactive++; continue; }
    s.evaluated++;
    if (o.status === 'fired') s.fired++;
    else if (o.status === 'held') s.held++;
    else { s.skipped++; s.reasons[o.reason!] = (s.reasons[o.reason!] ?? 0) + 1; }
  }
}

export function mergeAssertionStats(into: AssertionStats, from: AssertionStats): void {
  into.evaluated += from.evaluated; into.held += from.held; into.fired += from.fired; into.skipped += from.skipped;
  into.inactive += from.inactive; into.other += from.other; into.otherArch += from.otherArch; into.notBuilt += from.notBuilt;
  for (const [k, v] of Object.entries(from.reasons)) into.reasons[k as SkipReason] = (into.reasons[k as SkipReason] ?? 0) + (v ?? 0);
}

/** `assertions on layout macros: 12 evaluated (9 held, 0 fired, 3 skipped: 2 runtime part, 1 unresolved name), 4 in inactive branches` */
export function assertionStatsText(s: AssertionStats): string {
  const why = SKIP_REASONS.filter((r) => s.reasons[r]).map((r) => `${s.reasons[r]} ${SKIP_REASON_TEXT[r]}`).join(', ');
  return `assertions on layout macros: ${s.evaluated} evaluated (${s.held} held, ${s.fired} fired, ${s.skipped} skipped${why ? `: ${why}` : ''}), ${s.inactive} in inactive branches, ${s.otherArch} in files of another architecture${s.notBuilt ? `, ${s.notBuilt} in files the configuration does not build` : ''}; ${s.other} other assertions not evaluated`;
}

/** What a fired assertion says: `BUILD_BUG_ON(MODULES_VADDR < __START_KERNEL_map) fires: ...`. */
export function firedMessage(site: AssertionSite, chain: readonly string[]): string {
  const call = `${site.kind}(${site.condition}${site.message ? `, ${site.message}` : ''})`;
  const want = firesWhen(site.kind) === 'non-zero' ? 'the condition is not 0' : 'the condition is 0';
  return `${call} fails the build: ${want}${chain.length ? `; ${chain.join('; ')}` : ''}`;
}

/** The PL011 findings of a file's evaluated assertions (fired ones only). */
export function assertionFindings(file: string, results: readonly AssertionResult[], severity: SeveritySetting | undefined, related: (r: AssertionResult) => RelatedInfo[] = () => []): Finding[] {
  if (severity === 'off') return [];
  const sev: Severity = severity ?? 'error';
  const out: Finding[] = [];
  for (const r of results) {
    if (r.outcome?.status !== 'fired') continue;
    const s = r.site;
    out.push({
      code: ASSERTION_CODE, severity: sev, message: firedMessage(s, r.outcome.chain), file,
      range: { line: s.line, character: s.character, endLine: s.endLine, endCharacter: s.endCharacter },
      related: related(r), fixes: [],
    });
  }
  return out;
}

let recipeNameCache: Set<string> | undefined;

/** The names of the built-in recipes (layouts/recipes/*.json beside the presets); empty when they cannot be read. */
export function builtinRecipeNames(): Set<string> {
  if (recipeNameCache) return recipeNameCache;
  const recipes: Parameters<typeof recipeNames>[0][number][] = [];
  try {
    const dir = path.join(presetsDir(), 'recipes');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
      try { recipes.push(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))); } catch { /* a broken recipe is `layout`'s error to report */ }
    }
  } catch { /* no recipes: geometry and boundary names still count */ }
  recipeNameCache = recipeNames(recipes.filter((r) => r && Array.isArray(r.regions)));
  return recipeNameCache;
}

/**
 * Whether an assertion in `siteFile` can read the definitions of `header` (a header the editor has open,
 * decoded with `headerLayout`): a file under `arch/<A>/` is built only for A, with A's include paths, so it
 * reads the headers of `arch/<A>/` and the generic ones, never another architecture's; a generic header's
 * definitions are taken to be read by the generic code and by the files of its layout's architecture.
 */
export function assertionMayRead(siteFile: string, header: string, headerLayout: Layout): boolean {
  const siteArch = archDirOf(siteFile);
  if (siteArch === undefined) return true;
  return siteArch === (archDirOf(header) ?? archDirOfLayout(headerLayout));
}
