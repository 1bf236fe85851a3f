// PL011 in the editor: the tree's own build-time assertions on layout macros (BUILD_BUG_ON,
// BUILD_BUG_ON_MSG, static_assert, _Static_assert), before the build. For an open C file, its own
// assertions are evaluated with its analysis (the one the hover reads). For an open header, the
// assertions of the workspace that mention its macros (context/assertionSites.ts: scanned off this
// thread) are evaluated with the header's analysis, that is, with the definitions as they are being
// edited: one that fails is a diagnostic at the #define it reads (the edited one when the header has
// unsaved changes), with the assertion as related information, and at the assertion when its file is
// open. The evaluation runs in slices that yield to the event loop and stops when the header changes again.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { assertionFindings, assertionMayRead, builtinRecipeNames, firedMessage, onLayoutMacros } from '../engine/rules';
import { assertionsOf, DocumentAnalysis, evaluateAssertion, evaluateCondition, ownDefinitionNames, ScannedAssertion, tokenize } from '../engine/source';
import { Configuration, DIAGNOSTIC_SOURCE, PagingContext, toRange } from '../context';
import { assertionAtDefinitionText, assertionRelatedText, definitionRelatedText } from '../present';

const DEBOUNCE_MS = 400;
/** Sites evaluated for one header per pass, and per slice between yields. */
const MAX_SITES = 2000;
const SLICE = 25;
const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information, hint: vscode.DiagnosticSeverity.Hint,
};

class BuildAssertionsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('paging-layout-assertions');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Diagnostics at a file's own assertions, by file URI. */
  private readonly own = new Map<string, vscode.Diagnostic[]>();
  /** Per open header: the diagnostics its definitions cause, by the URI they are on (the header, open assertion files). */
  private readonly fromHeader = new Map<string, Map<string, vscode.Diagnostic[]>>();
  /** The pass running per header (a newer one supersedes it). */
  private readonly pass = new Map<string, number>();
  private passes = 0;
  private readonly recipe = builtinRecipeNames();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(private readonly ctx: PagingContext) {
    this.disposables.push(
      // (an opened file may hold an assertion an open header makes fail: the headers are checked again)
      vscode.workspace.onDidOpenTextDocument((d) => { this.refreshAll(DEBOUNCE_MS); this.schedule(d, 0); }),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) this.schedule(e.document, DEBOUNCE_MS); }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri.toString())),
      ctx.analyses.onDidInvalidate(() => this.refreshAll()),
      ctx.assertions.onDidChange(() => this.refreshAll(DEBOUNCE_MS)),
      ctx.config.onDidChange((e) => { if (Configuration.affects(e, 'rules')) this.refreshAll(); }),
    );
    this.refreshAll();
  }

  private applies(doc: vscode.TextDocument): boolean {
    return !doc.isClosed && this.ctx.documents.applies(doc) && doc.uri.scheme !== 'output';
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!this.applies(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); void this.check(doc); }, delay));
  }

  private refreshAll(delay = 0): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, delay);
  }

  private forget(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.pass.delete(key);
    this.own.delete(key);
    this.fromHeader.delete(key);
    this.publish();
  }

  /** Every URI's diagnostics: its own assertions' and those the open headers cause there. */
  private publish(): void {
    const all = new Map<string, vscode.Diagnostic[]>();
    const add = (k: string, ds: vscode.Diagnostic[]) => { if (ds.length) all.set(k, [...(all.get(k) ?? []), ...ds]); };
    for (const [k, ds] of this.own) add(k, ds);
    for (const m of this.fromHeader.values()) for (const [k, ds] of m) add(k, ds);
    this.collection.clear();
    for (const [k, ds] of all) this.collection.set(vscode.Uri.parse(k), ds);
  }

  private diagnostic(range: vscode.Range, message: string, severity: string, related: vscode.DiagnosticRelatedInformation[]): vscode.Diagnostic {
    const d = new vscode.Diagnostic(range, message, SEVERITY[severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: 'PL011', target: vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'docs', 'rules.md').with({ fragment: 'pl011' }) };
    if (related.length) d.relatedInformation = related;
    return d;
  }

  private async check(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    const analysis = this.applies(doc) ? this.ctx.analyses.get(doc) : undefined;
    const severity = this.ctx.config.rules(doc.uri).severities.PL011 ?? 'error';
    if (!analysis || analysis.family !== 'c' || severity === 'off') { this.own.delete(key); this.fromHeader.delete(key); this.publish(); return; }
    this.ctx.assertions.ensureScanned();
    const id = ++this.passes;
    this.pass.set(key, id);
    const version = doc.version;
    // (a) the file's own assertions, with its analysis
    const locals = ownDefinitionNames(analysis.text);
    try {
      const results = assertionsOf(analysis, { configComplete: analysis.options.configComplete, filter: (s) => onLayoutMacros(s, this.recipe, (n) => locals.get(n)), chainFor: 'fired' });
      this.own.set(key, assertionFindings(key, results, severity).map((f) => this.diagnostic(toRange(f.range), f.message, f.severity, [])));
    } catch (e) {
      console.error(`paging-layout: assertions of ${key}: ${(e as Error).message}`);
      this.own.delete(key);
    }
    this.publish();
    // (b) the workspace's assertions that mention this file's definitions, with this file's definitions
    await this.checkReaders(doc, analysis, severity, () => this.pass.get(key) === id && doc.version === version && !doc.isClosed, locals);
  }

  private async checkReaders(doc: vscode.TextDocument, analysis: DocumentAnalysis, severity: string, current: () => boolean, locals: Map<string, string[]>): Promise<void> {
    const key = doc.uri.toString();
    const defined = new Map<string, { line: number; nameStart: number; nameEnd: number }[]>();
    for (const d of analysis.definitions) {
      if (d.activity === 'inactive') continue;
      const l = defined.get(d.name);
      const at = { line: d.line, nameStart: d.nameStart, nameEnd: d.nameEnd };
      if (l) l.push(at); else defined.set(d.name, [at]);
    }
    const self = doc.uri.scheme === 'file' ? path.resolve(doc.fileName) : undefined;
    const candidates = new Set<ScannedAssertion>();
    // only assertions that can read this header: not another architecture's (arch/arc/ never includes arch/x86/)
    const layout = doc.uri.scheme === 'file' ? this.ctx.layouts.forFile(doc.uri, doc.fileName).layout : this.ctx.layouts.layout;
    const header = self ?? doc.fileName;
    for (const name of defined.keys()) for (const s of this.ctx.assertions.mentioning(name)) if (s.file !== self && candidates.size < MAX_SITES && assertionMayRead(s.file, header, layout)) candidates.add(s);
    if (candidates.size === 0) { if (this.fromHeader.delete(key)) this.publish(); return; }
    const edited = this.editedNames(doc, defined);
    const opts = analysis.options;
    const out = new Map<string, vscode.Diagnostic[]>();
    const push = (k: string, d: vscode.Diagnostic) => { const l = out.get(k); if (l) l.push(d); else out.set(k, [d]); };
    let k = 0;
    for (const site of candidates) {
      if (++k % SLICE === 0) {
        await new Promise((r) => setImmediate(r));
        if (!current()) return;
      }
      if (!onLayoutMacros(site, this.recipe, (n) => locals.get(n))) continue;
      // its branch's atoms, decided with this file's definitions and configuration
      const open = site.conditions.map((a) => {
        const expr = /^[A-Za-z_]\w*$/.test(a.text) ? `defined(${a.text})` : a.text;
        const v = evaluateCondition(tokenize(expr, 'c'), { ...opts, maxSteps: 5000 }).value;
        return v === undefined ? undefined : v !== a.negated;
      });
      if (open.some((v) => v !== true)) continue;
      let outcome;
      try { outcome = evaluateAssertion(site, opts); } catch { continue; }
      if (outcome.status !== 'fired') continue;
      const reads = outcome.reads.filter((n) => defined.has(n));
      if (reads.length === 0) continue;
      const at = reads.filter((n) => edited.has(n));
      const siteUri = vscode.Uri.file(site.file);
      const siteRange = new vscode.Range(site.line, site.character, site.endLine, site.endCharacter);
      const where = `${vscode.workspace.asRelativePath(siteUri, false)}:${site.line + 1}`;
      for (const name of at.length ? at : reads) {
        for (const d of defined.get(name)!) {
          const range = new vscode.Range(d.line, d.nameStart, d.line, d.nameEnd);
          push(key, this.diagnostic(range, assertionAtDefinitionText(site, where, name, outcome.chain), severity,
            [new vscode.DiagnosticRelatedInformation(new vscode.Location(siteUri, siteRange), assertionRelatedText(site))]));
        }
      }
      // at the assertion, when its file is open
      const openDoc = vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.scheme === 'file' && path.resolve(d.fileName) === site.file);
      if (openDoc) {
        const name = (at.length ? at : reads)[0];
        const d = defined.get(name)![0];
        push(openDoc.uri.toString(), this.diagnostic(siteRange, `${firedMessage(site, outcome.chain)} (with ${vscode.workspace.asRelativePath(doc.uri, false)} as it is in the editor)`, severity,
          [new vscode.DiagnosticRelatedInformation(new vscode.Location(doc.uri, new vscode.Range(d.line, d.nameStart, d.line, d.nameEnd)), definitionRelatedText(name))]));
      }
    }
    if (!current()) return;
    this.fromHeader.set(key, out);
    this.publish();
  }

  /** The defined names whose `#define` line differs from the file on disk (the unsaved edits). */
  private editedNames(doc: vscode.TextDocument, defined: Map<string, { line: number }[]>): Set<string> {
    const out = new Set<string>();
    if (!doc.isDirty || doc.uri.scheme !== 'file') return out;
    let disk: string;
    try { disk = fs.readFileSync(doc.fileName, 'latin1'); } catch { return out; }
    const saved = new Map<string, string>();
    for (const m of disk.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*).*$/gm)) saved.set(m[1], (saved.get(m[1]) ?? '') + m[0].replace(/\s+/g, ' ').trim() + '\n');
    for (const [name, sites] of defined) {
      const now = sites.map((s) => doc.lineAt(s.line).text.replace(/\s+/g, ' ').trim() + '\n').join('');
      if (now !== (saved.get(name) ?? '')) out.add(name);
    }
    return out;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

export function register(ctx: PagingContext): void {
  ctx.subscribe(new BuildAssertionsController(ctx));
}
