// paging-layout check --docs [TREE|FILE.rst] --kbuild DIR: the layout tables of the tree's
// documentation (the recipe's `docs.files`) compared with the layout derived from its headers for
// the configuration (rule PL010). Each table the recipe names is compared with the configuration as
// it is when the table's mode is the configuration's, with a boot of it in the table's mode when the
// recipe gives that boot's values (and `requires` holds), else it is listed as not compared.
// Also a worker role (`paging-layout-docs`): the editor derives the layouts off its thread.
import * as fs from 'fs';
import * as path from 'path';
import { isMainThread, parentPort, workerData } from 'worker_threads';
import { InputError } from '../engine/paging';
import { compareDocs, DefinitionSite, DocVariant, driftFindings, driftSummary, parseDocTables, Recipe, DriftReport } from '../engine/map';
import { findKbuild } from '../engine/source';
import { SeveritySetting } from '../engine/rules';
import { Command, IO, nodeKbuildFS, one, parseArgs, UsageError } from './common';
import { deriveKbuildLayout, loadRecipes, recipeFor, toEvaluation } from './derive';
import { formatJson, formatSarif, formatText, Reported } from './check';

export const DOCS_USAGE = 'check --docs [TREE|FILE.rst] --kbuild DIR [--arch A] [--format text|json|sarif] [--rule PL010=SEVERITY]  the documentation\'s layout tables against the headers (PL010)';

/** What a documentation check needs of a build: the recipe, the derivations per table, the definitions. */
export interface DocsDerivation {
  recipe: Recipe;
  variants: DocVariant[];
  /** expression -> the headers that define its names. */
  sites: Map<string, DefinitionSite[]>;
  sourceTree: string;
  buildDir: string;
  /** The configuration's paging mode. */
  mode: string;
  /** The first of the recipe's documentation files that exists in the source tree. */
  docFile?: string;
}

/** Derive, for each table the recipe's documentation names, the layout it is compared with. */
export function deriveForDocs(buildDir: string, arch?: string): DocsDerivation {
  const found = findKbuild(path.resolve(buildDir), nodeKbuildFS(), { arch });
  if ('error' in found) throw new InputError(found.error);
  const ctx = found.context;
  const recipes = loadRecipes();
  const recipe = recipeFor(ctx, recipes);
  if (!recipe) throw new InputError(`no layout recipe for ${ctx.archVariant ?? ctx.arch} (recipes: ${recipes.map((r) => r.id).join(', ')})`);
  if (!recipe.docs) throw new InputError(`recipe ${recipe.id} names no documentation tables (its "docs")`);
  const base = deriveKbuildLayout(buildDir, { arch, recipe });
  const mode = base.derived.layout.mode;
  const sites = new Map<string, DefinitionSite[]>(base.sites);
  const variants: DocVariant[] = [];
  for (const spec of recipe.docs.tables) {
    if (spec.mode === mode) { variants.push({ spec, derived: base.derived, how: 'the configuration' }); continue; }
    if (spec.requires) {
      const e = toEvaluation(base.evaluate!(spec.requires, {}, recipe.pins ?? []));
      if (e.kind !== 'value') { variants.push({ spec, how: '', notCompared: `cannot tell whether the configuration can boot ${spec.mode}: ${spec.requires}: ${e.reason}` }); continue; }
      if (e.value === 0n) { variants.push({ spec, how: '', notCompared: `the configuration builds for ${mode} and cannot boot ${spec.mode} (${spec.requires} is 0)` }); continue; }
    }
    if (!spec.boot) { variants.push({ spec, how: '', notCompared: `the configuration builds for ${mode}, and the recipe gives no boot of it in ${spec.mode}` }); continue; }
    const d = deriveKbuildLayout(buildDir, { arch, recipe, boot: spec.boot, mode: spec.mode, evaluate: base.evaluate });
    for (const [k, v] of d.sites) if (!sites.has(k)) sites.set(k, v);
    const values = Object.entries(spec.boot).map(([k, v]) => `${k} = ${v}`).join(', ');
    variants.push({ spec, derived: d.derived, how: `${spec.bootNote ?? `a ${spec.mode} boot`} of this ${mode} configuration (${values})` });
  }
  const docFile = recipe.docs.files.map((f) => path.join(ctx.sourceTree, f)).find((f) => fs.existsSync(f));
  return { recipe, variants, sites, sourceTree: ctx.sourceTree, buildDir: ctx.buildDir, mode, ...(docFile ? { docFile } : {}) };
}

/** Compare a document's text with a build's derivations (pure apart from the given data). */
export function docsReport(file: string, text: string, d: DocsDerivation): DriftReport {
  return compareDocs(file, parseDocTables(text), d.recipe, d.variants);
}

export function docsFindings(report: DriftReport, d: DocsDerivation, severity: SeveritySetting = 'warning'): Reported[] {
  if (severity === 'off') return [];
  return driftFindings(report, d.recipe, (expr) => d.sites.get(expr) ?? [], severity).map(({ fixes: _f, ...f }) => ({ file: report.file, f }));
}

// ---------------------------------------------------------------------------------------------
// Worker role: the editor's derivation off the extension host's thread.

export interface DocsWorkerInit { role: 'paging-layout-docs'; buildDir: string; arch?: string }
export type DocsWorkerReply = { ok: DocsDerivation } | { error: string };

if (!isMainThread && (workerData as DocsWorkerInit | undefined)?.role === 'paging-layout-docs') {
  const init = workerData as DocsWorkerInit;
  let reply: DocsWorkerReply;
  try { reply = { ok: deriveForDocs(init.buildDir, init.arch) }; } catch (e) { reply = { error: (e as Error).message }; }
  parentPort!.postMessage(reply);
}

// ---------------------------------------------------------------------------------------------
// Command

const SEVERITIES = ['off', 'hint', 'information', 'warning', 'error'];

export const checkDocs: Command = (args: string[], io: IO) => {
  const p = parseArgs(args, ['--kbuild', '--arch', '--format', '--rule'], ['--docs']);
  const format = one(p, '--format') ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
  const dir = one(p, '--kbuild');
  if (!dir) throw new UsageError('check --docs needs --kbuild DIR (the configuration the documentation is compared with)');
  if (p.positional.length > 1) throw new UsageError(`check --docs takes one tree or .rst file, not ${p.positional.length} paths`);
  let severity: SeveritySetting = 'warning';
  for (const r of p.flags.get('--rule') ?? []) {
    const m = /^(PL\d{3})=(\w+)$/i.exec(r);
    if (!m || m[1].toUpperCase() !== 'PL010' || !SEVERITIES.includes(m[2])) throw new UsageError(`--rule with --docs expects PL010=${SEVERITIES.join('|')}, not '${r}'`);
    severity = m[2] as SeveritySetting;
  }
  const d = deriveForDocs(dir, one(p, '--arch'));
  const target = p.positional[0];
  let file: string | undefined;
  if (target === undefined) file = d.docFile;
  else {
    let st: fs.Stats;
    try { st = fs.statSync(target); } catch { throw new InputError(`${target}: no such file or directory`); }
    if (st.isDirectory()) file = d.recipe.docs!.files.map((f) => path.join(target, f)).find((f) => fs.existsSync(f));
    else file = target;
  }
  if (!file) throw new InputError(`no layout documentation in ${target ?? d.sourceTree} (looked for ${d.recipe.docs!.files.join(', ')})`);
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`); }
  const report = docsReport(file, text, d);
  const rep = docsFindings(report, d, severity);
  io.out(format === 'json' ? formatJson(rep) : format === 'sarif' ? formatSarif(rep) : formatText(rep));
  for (const l of driftSummary(report)) io.err(`paging-layout check --docs: ${l}\n`);
  const compared = report.tables.filter((t) => !t.notCompared);
  const rows = compared.reduce((n, t) => n + t.rows.length, 0);
  const errors = rep.filter((r) => r.f.severity === 'error').length;
  io.err(`paging-layout check --docs: ${file}: ${report.parse.tables.length} table${report.parse.tables.length === 1 ? '' : 's'}, ${compared.length} compared (${rows} rows) with ${path.basename(d.buildDir)} (${d.mode}), ${rep.length} finding${rep.length === 1 ? '' : 's'} (PL010), ${errors} error${errors === 1 ? '' : 's'}\n`);
  if (compared.length === 0) {
    io.err(`paging-layout check --docs: no table of ${file} could be compared with this configuration\n`);
    return 2;
  }
  return errors > 0 ? 1 : 0;
};
