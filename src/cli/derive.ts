// The layout of a kernel build derived from its headers: the architecture's recipe (layouts/recipes/,
// data) evaluated with the `eval --kbuild` machinery. One module for both faces: `paging-layout
// layout --kbuild` (cli/layout.ts) and the editor, which runs it in a worker thread (dist/cli.js
// started with the `paging-layout-derive` role, see `startDeriveWorker`) with the text of its unsaved
// documents as an overlay of the disk. The placement itself is the engine's (map/derived.ts, pure).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { InputError, presetsDir } from '../engine/paging';
import { deriveLayout, DerivedLayout, Evaluation, Recipe, recipeProblems } from '../engine/map';
import { findKbuild, KbuildContext } from '../engine/source';
import { nodeKbuildFS } from './common';
import { kbuildEvaluator, KbuildEvaluation } from './eval';
import { saveWordFilterCaches } from './kbuildCache';

/** The recipes beside the presets (layouts/recipes/*.json); throws naming the file of a broken one. */
export function loadRecipes(dir = path.join(presetsDir(), 'recipes')): Recipe[] {
  const out: Recipe[] = [];
  let names: string[];
  try { names = fs.readdirSync(dir); } catch (e) { throw new InputError(`cannot read the recipe directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  for (const f of names.filter((x) => x.endsWith('.json')).sort()) {
    const full = path.join(dir, f);
    let r: unknown;
    try { r = JSON.parse(fs.readFileSync(full, 'utf8')); } catch (e) { throw new InputError(`${full}: ${(e as Error).message}`); }
    const problems = recipeProblems(r);
    if (problems.length) throw new InputError(`${full}: ${problems.join('; ')}`);
    out.push(r as Recipe);
  }
  return out;
}

/** The recipe of a build's architecture (x86 only for x86-64), if there is one. */
export function recipeFor(ctx: Pick<KbuildContext, 'arch' | 'config'>, recipes: readonly Recipe[]): Recipe | undefined {
  return recipes.find((r) => r.arch === ctx.arch && (ctx.arch !== 'x86' || !!ctx.config.values.get('CONFIG_X86_64')));
}

/** What `eval --kbuild` says of an expression, as the derivation reads it. */
export function toEvaluation(k: KbuildEvaluation): Evaluation {
  if (k.missing || !k.result) return { kind: 'unresolvable', reason: k.missing ?? 'no value' };
  const alts = k.result.alternatives;
  if (alts.length === 0) return { kind: 'unresolvable', reason: 'no value' };
  const first = alts[0];
  if (alts.every((a) => a.u64 !== undefined && a.u64 === first.u64)) return { kind: 'value', value: first.u64! };
  const runtime = [...new Set(alts.flatMap((a) => a.runtime.map((n) => n.replace(/\(\)$/, ''))))];
  if (runtime.length) return { kind: 'runtime', names: runtime, reason: (first.error ?? `runtime ${runtime.join(', ')}`).replace(/^cannot evaluate: /, '') };
  if (first.u64 !== undefined) return { kind: 'unresolvable', reason: `the value depends on ${first.conditions.map((c) => c.text).join(' && ') || 'conditions'} (alternatives differ)` };
  return { kind: 'unresolvable', reason: (first.error ?? 'no value').replace(/^cannot evaluate: /, '') };
}

const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');

/** The kernel version of a source tree (its Makefile's VERSION.PATCHLEVEL.SUBLEVEL), if readable. */
function kernelVersion(tree: string): string | undefined {
  try {
    const mk = fs.readFileSync(path.join(tree, 'Makefile'), 'utf8').slice(0, 4000);
    const get = (k: string) => new RegExp(`^${k}\\s*=\\s*(\\S*)`, 'm').exec(mk)?.[1];
    const v = get('VERSION'), p = get('PATCHLEVEL'), s = get('SUBLEVEL');
    return v ? [v, p, s].filter((x) => x !== undefined && x !== '').join('.') : undefined;
  } catch { return undefined; }
}

/** The id and names of a build's derived layout, known before it is derived (the tree's and the build directory's names). */
export function derivedIdentity(ctx: Pick<KbuildContext, 'sourceTree' | 'buildDir'>): { id: string; tree: string; config: string } {
  const tree = path.basename(ctx.sourceTree), config = path.basename(ctx.buildDir);
  return { id: `derived-${clean(tree)}-${clean(config)}`, tree, config };
}

export interface KbuildDerivation {
  derived: DerivedLayout;
  recipe: Recipe;
  sourceTree: string;
  buildDir: string;
  arch: string;
  /** Every file the evaluations read (the editor derives again when one of them changes). */
  reads: string[];
  /** The headers that define each evaluated expression's names. */
  sites: Map<string, KbuildEvaluation['sites']>;
  /** The evaluator (reusable for other derivations of the same build; not sent to the editor). */
  evaluate?: ReturnType<typeof kbuildEvaluator>;
}

export interface DeriveOptions {
  arch?: string;
  /** The recipe to use instead of the architecture's. */
  recipe?: Recipe;
  /** Where the recipes are (default: layouts/recipes beside the presets). */
  recipesDir?: string;
  /** Files whose text is given instead of read from disk (absolute path → text: an editor's unsaved documents). */
  overlay?: ReadonlyMap<string, string>;
  /** Names' definitions replaced in every evaluation (a boot of the configuration in another mode). */
  boot?: Record<string, string>;
  /** The paging mode to report (with `boot`: the boot's mode, not the configuration's). */
  mode?: string;
  /** An evaluator of the same build to reuse (its header cache). */
  evaluate?: ReturnType<typeof kbuildEvaluator>;
}

/** Derive the layout of the kernel build at `dir` (throws an InputError naming what is missing). */
export function deriveKbuildLayout(dir: string, opts: DeriveOptions = {}): KbuildDerivation {
  const { arch, recipe: given } = opts;
  const found = findKbuild(path.resolve(dir), nodeKbuildFS(), { arch });
  if ('error' in found) throw new InputError(found.error);
  const ctx = found.context;
  const recipes = given ? [given] : loadRecipes(opts.recipesDir);
  const recipe = given ?? recipeFor(ctx, recipes);
  if (!recipe) throw new InputError(`no layout recipe for ${ctx.archVariant ?? ctx.arch} (recipes: ${recipes.map((r) => r.id).join(', ')})`);
  const reads = new Set<string>();
  const evaluate = opts.evaluate ?? kbuildEvaluator(dir, arch, { overlay: opts.overlay, onRead: (p) => reads.add(p) });
  let mode: string | undefined = opts.mode;
  const assumptions = new Set<string>();
  const sites = new Map<string, KbuildEvaluation['sites']>();
  const derived = deriveLayout(recipe, (expr, overrides) => {
    const k = evaluate(expr, { ...(opts.boot ?? {}), ...overrides }, recipe.pins ?? []);
    if (!sites.has(expr)) sites.set(expr, k.sites);
    mode ??= k.mode.id;
    for (const a of k.result?.alternatives[0]?.assumptions ?? []) assumptions.add(a);
    for (const n of k.notes) if (/^assumes /.test(n)) assumptions.add(n.slice(8));
    return toEvaluation(k);
  }, { id: '', title: '', mode: '', source: [] });
  const { id, tree, config } = derivedIdentity(ctx);
  const version = kernelVersion(ctx.sourceTree);
  const l = derived.layout;
  l.id = id;
  l.title = `${tree}${version ? ` (Linux ${version})` : ''}, configuration ${config}: derived`;
  l.mode = mode ?? '';
  l.source.unshift(`${tree}${version ? ` (Linux ${version})` : ''} headers`, `configuration ${config} (${ctx.config.source})`);
  l.notes.unshift(...[...assumptions].sort().map((a) => `assumes ${a}`));
  return { derived, recipe, sourceTree: ctx.sourceTree, buildDir: ctx.buildDir, arch: ctx.archVariant ?? ctx.arch, reads: [...reads].sort(), sites, evaluate };
}

/** Why a derivation gives no usable layout (no region placed), or undefined when it does. */
export function derivationProblem(d: DerivedLayout, recipeId: string): string | undefined {
  if (d.layout.regions.length) return undefined;
  const first = d.regions.find((r) => r.reason);
  return `no region of the recipe ${recipeId} could be placed${first ? ` (${first.name}: ${first.reason})` : ''}`;
}

// ---- the editor's worker --------------------------------------------------------------------------

export const DERIVE_WORKER_ROLE = 'paging-layout-derive';

/** A derivation asked of the worker. */
export interface DeriveRequest {
  id: number;
  buildDir: string;
  arch?: string;
  /** Unsaved documents: [absolute path, text]. */
  overlay: [string, string][];
}

/** The worker's answer: the derivation (structured clone keeps its BigInts) and its time, or why it failed. */
export type DeriveReply =
  | { id: number; ok: true; derivation: KbuildDerivation; ms: number }
  | { id: number; ok: false; error: string; ms: number };

/** One derivation as the worker runs it: never throws; a bad recipe or build is the error sentence. */
export function deriveForEditor(req: DeriveRequest): DeriveReply {
  const t0 = performance.now();
  try {
    // the evaluator is a function (not cloneable) and stays in the worker
    const { evaluate: _evaluate, ...derivation } = deriveKbuildLayout(req.buildDir, { arch: req.arch, overlay: new Map(req.overlay) });
    const problem = derivationProblem(derivation.derived, derivation.recipe.id);
    if (problem) return { id: req.id, ok: false, error: problem, ms: performance.now() - t0 };
    return { id: req.id, ok: true, derivation, ms: performance.now() - t0 };
  } catch (e) {
    return { id: req.id, ok: false, error: e instanceof InputError ? e.message : `unexpected error: ${(e as Error).message}`, ms: performance.now() - t0 };
  } finally {
    saveWordFilterCaches();
  }
}

function startDeriveWorker(): void {
  parentPort!.on('message', (req: DeriveRequest | { exit: true }) => {
    if ('exit' in req) { process.exit(0); }
    parentPort!.postMessage(deriveForEditor(req));
  });
}

if (!isMainThread && (workerData as { role?: string } | undefined)?.role === DERIVE_WORKER_ROLE) startDeriveWorker();
