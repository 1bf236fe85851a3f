// paging-layout layout --kbuild DIR [--arch A] [--format md|json|svg]
//
// The layout of a kernel tree under its configuration: the architecture's recipe (layouts/recipes/,
// data) evaluated with the `eval --kbuild` machinery, boot defaults for runtime bases, the pieces
// that cannot be evaluated reported as such.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, mapMarkdown, presetsDir, formatHex } from '../engine/paging';
import { deriveLayout, derivedJson, DerivedLayout, Evaluation, Recipe, recipeProblems, renderSvg } from '../engine/map';
import { findKbuild, KbuildContext } from '../engine/source';
import { Command, json, nodeKbuildFS, one, parseArgs, UsageError } from './common';
import { kbuildEvaluator, KbuildEvaluation } from './eval';

export const LAYOUT_USAGE = 'layout --kbuild DIR [--arch A] [--format md|json|svg]  the layout derived from a kernel tree\'s headers for its configuration';

/** The recipes beside the presets (layouts/recipes/*.json). */
export function loadRecipes(dir = path.join(presetsDir(), 'recipes')): Recipe[] {
  const out: Recipe[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const full = path.join(dir, f);
    let r: unknown;
    try { r = JSON.parse(fs.readFileSync(full, 'utf8')); } catch (e) { throw new Error(`${full}: ${(e as Error).message}`); }
    const problems = recipeProblems(r);
    if (problems.length) throw new Error(`${full}: ${problems.join('; ')}`);
    out.push(r as Recipe);
  }
  return out;
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

export interface KbuildDerivation {
  derived: DerivedLayout;
  recipe: Recipe;
  sourceTree: string;
  buildDir: string;
  arch: string;
  /** The headers that define each evaluated expression's names. */
  sites: Map<string, KbuildEvaluation['sites']>;
  /** The evaluator (reusable for other derivations of the same build). */
  evaluate: ReturnType<typeof kbuildEvaluator>;
}

export interface DeriveOptions {
  /** Names' definitions replaced in every evaluation (a boot of the configuration in another mode). */
  boot?: Record<string, string>;
  /** The paging mode to report (with `boot`: the boot's mode, not the configuration's). */
  mode?: string;
  /** An evaluator of the same build to reuse (its header cache). */
  evaluate?: ReturnType<typeof kbuildEvaluator>;
}

/** The recipe of a kernel build's architecture (throws an InputError when there is none). */
export function recipeFor(ctx: KbuildContext, given?: Recipe): Recipe {
  const recipes = given ? [given] : loadRecipes();
  const recipe = given ?? recipes.find((r) => r.arch === ctx.arch && (ctx.arch !== 'x86' || ctx.config.values.get('CONFIG_X86_64')));
  if (!recipe) throw new InputError(`no layout recipe for ${ctx.archVariant ?? ctx.arch} (recipes: ${recipes.map((r) => r.id).join(', ')})`);
  return recipe;
}

/** Derive the layout of the kernel build at `dir` (throws an InputError naming what is missing). */
export function deriveKbuildLayout(dir: string, arch?: string, given?: Recipe, opts: DeriveOptions = {}): KbuildDerivation {
  const found = findKbuild(path.resolve(dir), nodeKbuildFS(), { arch });
  if ('error' in found) throw new InputError(found.error);
  const ctx = found.context;
  const recipe = recipeFor(ctx, given);
  const evaluate = opts.evaluate ?? kbuildEvaluator(dir, arch);
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
  const tree = path.basename(ctx.sourceTree), config = path.basename(ctx.buildDir);
  const version = kernelVersion(ctx.sourceTree);
  const l = derived.layout;
  l.id = `derived-${clean(tree)}-${clean(config)}`;
  l.title = `${tree}${version ? ` (Linux ${version})` : ''}, configuration ${config}: derived`;
  l.mode = mode ?? '';
  l.source.unshift(`${tree}${version ? ` (Linux ${version})` : ''} headers`, `configuration ${config} (${ctx.config.source})`);
  l.notes.unshift(...[...assumptions].sort().map((a) => `assumes ${a}`));
  return { derived, recipe, sourceTree: ctx.sourceTree, buildDir: ctx.buildDir, arch: ctx.archVariant ?? ctx.arch, sites, evaluate };
}

/** The Markdown of a derived layout: the map, then what is randomised and what is not placed. */
export function derivedMarkdown(d: DerivedLayout): string {
  const lines = [mapMarkdown(d.layout).trimEnd(), ''];
  const rnd = d.regions.filter((r) => r.placed && r.randomised);
  if (rnd.length) lines.push(`Randomised at boot (shown at the boot default): ${rnd.map((r) => r.name).join(', ')}.`, '');
  const out = d.regions.filter((r) => !r.placed);
  if (out.length) {
    lines.push('Not placed:', '');
    for (const r of out) lines.push(`- ${r.name} (${r.kind}): ${r.reason}${r.start.value !== undefined ? `; start ${formatHex(r.start.value, { digits: 16 })}` : ''}`);
    lines.push('');
  }
  return lines.join('\n');
}

export const layoutCmd: Command = (args, io) => {
  const p = parseArgs(args, ['--kbuild', '--arch', '--format'], []);
  if (p.positional.length) throw new UsageError(`unexpected argument '${p.positional[0]}'`);
  const dir = one(p, '--kbuild');
  if (!dir) throw new UsageError('layout needs --kbuild DIR');
  const format = one(p, '--format') ?? 'md';
  if (!['md', 'json', 'svg'].includes(format)) throw new UsageError(`unknown --format '${format}' (md, json or svg)`);
  const k = deriveKbuildLayout(dir, one(p, '--arch'));
  if (format === 'md') io.out(derivedMarkdown(k.derived));
  else if (format === 'json') io.out(json({ ...derivedJson(k.derived), recipe: k.recipe.id, kbuild: { sourceTree: k.sourceTree, buildDir: k.buildDir, arch: k.arch } }));
  else io.out(renderSvg({ layout: k.derived.layout }));
  return 0;
};
