// Diagnostics PL001–PL009 for open documents (debounced while typing, recomputed when the layout, a
// setting or the document's analysis inputs change, cleared on close) and the Check Workspace command
// that fills the Problems panel. An open document's language family, and the inputs of its check, come
// from its analysis in the shared cache: the hover and the diagnostics read a file the same way.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { checkAnalysis, checkText, collectIncluded, Collected, Finding, shownFindings, SUPPRESSION_CODE } from '../engine/rules';
import { DocumentAnalysis, Family, familyFor } from '../engine/source';
import { checkInWorkers, Configuration, DIAGNOSTIC_SOURCE, EXCLUDED_FOLDERS, FILE_PATTERN, PagingContext, toRange, WorkerCheckSettings } from '../context';
import { checkSummary, skippedNote } from '../present';

const DEBOUNCE_MS = 300;
/** Documents with more lines are not checked while open (Check Workspace still reads them from disk). */
const MAX_CHECKED_LINES = 200_000;
const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information, hint: vscode.DiagnosticSeverity.Hint,
};

function toUri(file: string, fallback: vscode.Uri): vscode.Uri {
  if (/^[a-z][a-z0-9+.-]+:/i.test(file) && !/^[a-z]:[\\/]/i.test(file)) return vscode.Uri.parse(file);
  return file ? vscode.Uri.file(file) : fallback;
}

/** What one check reads: the text, the language family, and for an open document its analysis. */
interface CheckInput {
  text: string;
  uri: vscode.Uri;
  family: Family;
  analysis?: DocumentAnalysis;
  doc?: vscode.TextDocument;
}

class DiagnosticsController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Results of the last Check Workspace for files that are not open. */
  private readonly workspaceResults = new Map<string, Finding[]>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly includeCache = new Map<string, { version: number; c: Collected | null }>();

  constructor(private readonly ctx: PagingContext) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) this.schedule(e.document, DEBOUNCE_MS); }),
      vscode.workspace.onDidCloseTextDocument((d) => this.onClose(d.uri)),
      // A closed editor tab clears at once (the document itself may stay loaded for a while).
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed) {
          const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
          if (uri && !this.hasTab(uri)) this.onClose(uri);
        }
      }),
      vscode.workspace.onDidSaveTextDocument(() => this.includeCache.clear()),
      ctx.layouts.onDidChange(() => this.refreshAll()),
      // Defines, include paths, the index: the analyses the checks read were dropped.
      ctx.analyses.onDidInvalidate(() => this.refreshAll()),
      ctx.config.onDidChange((e) => { if (Configuration.affects(e, 'rules', 'physicalAddressBits', 'maxFileSizeMB')) this.refreshAll(); }),
    );
    this.refreshAll();
  }

  private applies(doc: vscode.TextDocument): boolean {
    return this.ctx.documents.applies(doc) && doc.uri.scheme !== 'output' && doc.lineCount < MAX_CHECKED_LINES;
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!this.applies(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); this.checkDocument(doc); }, delay));
  }

  /** Check every open document again (coalesced: several causes of one change give one check). */
  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) if (!d.isClosed) this.schedule(d, 0);
  }

  private hasTab(uri: vscode.Uri): boolean {
    return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString()));
  }

  private onClose(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.ctx.findings.delete(uri);
    const ws = this.workspaceResults.get(key);
    if (ws) this.collection.set(uri, ws.map((f) => this.toDiagnostic(f, uri)));
    else this.collection.delete(uri);
  }

  /** Quoted includes next to a file-system document, collected once per version of the header. */
  private includes(doc: vscode.TextDocument, text: string): Collected[] {
    if (doc.uri.scheme !== 'file' || !/#\s*include\s*"/.test(text)) return [];
    const out: Collected[] = [];
    for (const m of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm)) {
      const target = path.join(path.dirname(doc.uri.fsPath), m[1]);
      const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === target);
      const version = open?.version ?? -1;
      let e = this.includeCache.get(target);
      if (!e || e.version !== version) {
        let c: Collected | null = null;
        try {
          const t = open ? open.getText() : fs.readFileSync(target, 'utf8');
          c = collectIncluded(t, vscode.Uri.file(target).toString(), 'c');
        } catch { c = null; }
        e = { version, c };
        this.includeCache.set(target, e);
      }
      if (e.c) out.push(e.c);
    }
    return out;
  }

  /** Findings of one text (an open document with its analysis, or a file of the workspace). */
  private check(input: CheckInput): Finding[] {
    const { text, uri, family, doc, analysis } = input;
    const s = this.ctx.config.rules(uri);
    try {
      // The file's own layout (another architecture's file, a kernel build's), as check gives it.
      const layout = uri.scheme === 'file' ? this.ctx.layouts.forFile(uri, uri.fsPath).layout : this.ctx.layouts.layout;
      const opts = { layout, physicalAddressBits: s.physicalAddressBits, severities: s.severities, included: doc ? this.includes(doc, text) : [] };
      // An open document: the rules read the analysis the hover reads. A file of the workspace: the whole-tree line source.
      const findings = analysis ? checkAnalysis(analysis, opts) : checkText(text, uri.toString(), { ...opts, family });
      // Inline suppressions as `paging-layout check` applies them: covered findings are left out, a suppression that is not applied is PL000.
      return shownFindings(findings, text, uri.toString(), s.suppressionProblems).map((f) => ({ ...f, file: uri.toString() }));
    } catch (e) {
      console.error(`paging-layout: diagnostics failed for ${uri.toString()}: ${(e as Error).message}`);
      return [];
    }
  }

  /** The check of an open document: its analysis from the shared cache gives the family (undefined: the document is skipped). */
  private inputOf(doc: vscode.TextDocument): CheckInput | undefined {
    const analysis = this.ctx.analyses.get(doc);
    return analysis ? { text: doc.getText(), uri: doc.uri, family: analysis.family, analysis, doc } : undefined;
  }

  private checkDocument(doc: vscode.TextDocument): void {
    if (doc.isClosed || !this.applies(doc)) return;
    const input = this.inputOf(doc);
    if (!input) { this.ctx.findings.delete(doc.uri); this.collection.delete(doc.uri); return; }
    const findings = this.check(input);
    this.ctx.findings.set(doc.uri, findings);
    this.collection.set(doc.uri, findings.map((f) => this.toDiagnostic(f, doc.uri)));
  }

  private toDiagnostic(f: Finding, uri: vscode.Uri): vscode.Diagnostic {
    const d = new vscode.Diagnostic(toRange(f.range), f.message, SEVERITY[f.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: f.code, target: vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'docs', 'rules.md').with({ fragment: f.code.toLowerCase() }) };
    if (f.related.length) {
      d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(toUri(r.file, uri), toRange(r.range)), r.message));
    }
    return d;
  }

  /**
   * Check every C/C++/asm/linker-script file of the workspace; returns the number of findings. Files on
   * disk are checked by the CLI's check workers (workspaceCheck.ts: the whole-tree code path of
   * `paging-layout check`, off this thread); open documents by the analysis their hovers read; files of
   * other file systems (which a worker cannot read) here, a file at a time.
   */
  async checkWorkspace(): Promise<{ files: number; findings: number; cancelled: boolean; skipped?: number; workers?: number }> {
    const { documents } = this.ctx;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Paging Layout: checking the workspace', cancellable: true }, async (progress, token) => {
      const uris = await vscode.workspace.findFiles(FILE_PATTERN, EXCLUDED_FOLDERS, undefined, token);
      let done = 0, total = 0, skipped = 0, workers = 0;
      const step = 100 / Math.max(1, uris.length);
      const report = (n: number) => progress.report({ increment: step * n, message: `${done}/${uris.length} files, ${total} finding${total === 1 ? '' : 's'}` });
      const record = (uri: vscode.Uri, findings: Finding[], open: boolean) => {
        total += findings.length;
        if (findings.length) this.workspaceResults.set(uri.toString(), findings); else this.workspaceResults.delete(uri.toString());
        // an open document's diagnostics are its own check's (it may have been opened meanwhile)
        if (!open && this.openDocument(uri)) return;
        this.collection.set(uri, findings.map((f) => this.toDiagnostic(f, uri)));
      };
      const openDocs = new Map(vscode.workspace.textDocuments.filter((d) => !d.isClosed).map((d) => [d.uri.toString(), d]));
      const onDisk: vscode.Uri[] = [];
      const elsewhere: vscode.Uri[] = [];
      let sinceYield = 0;
      for (const uri of uris) {
        const open = openDocs.get(uri.toString());
        if (!open) { (uri.scheme === 'file' ? onDisk : elsewhere).push(uri); continue; }
        if (token.isCancellationRequested) return { files: done, findings: total, cancelled: true };
        // An open document: the analysis its hover reads (its defines, include paths, the index), as its own diagnostics.
        const input = this.inputOf(open);
        if (!input) { skipped++; continue; }
        const findings = this.check(input);
        this.ctx.findings.set(uri, findings);
        record(uri, findings, true);
        done++;
        if (++sinceYield === 20) { sinceYield = 0; report(20); await new Promise((r) => setTimeout(r, 0)); }
      }
      report(sinceYield);
      const cli = path.join(this.ctx.extension.extensionPath, 'dist', 'cli.js');
      if (onDisk.length && fs.existsSync(cli)) {
        const r = await this.checkFilesInWorkers(cli, onDisk, token, (uri, findings) => { record(uri, findings, false); }, (n) => { done += n; report(n); });
        skipped += r.skipped;
        workers += r.workers;
        if (r.cancelled) return { files: done, findings: total, cancelled: true, workers };
      } else {
        elsewhere.push(...onDisk);
      }
      // Files a worker cannot read (another file system): read through VS Code and checked here, yielding between files.
      for (const uri of elsewhere) {
        if (token.isCancellationRequested) return { files: done, findings: total, cancelled: true, workers };
        let input: CheckInput;
        try {
          const st = await vscode.workspace.fs.stat(uri);
          if (st.size > documents.maxFileBytes()) { skipped++; continue; }
          const bytes = await vscode.workspace.fs.readFile(uri);
          if (documents.fileSkipReason(bytes.length, bytes.subarray(0, 8192))) { skipped++; continue; }
          // A file that is not open has no language id: its name decides, as for the CLI.
          input = { text: Buffer.from(bytes).toString('latin1'), uri, family: familyFor(undefined, uri.fsPath) ?? 'c' };
        } catch { continue; }
        record(uri, this.check(input), false);
        done++;
        report(1);
        await new Promise((r) => setTimeout(r, 0));
      }
      if (skipped) vscode.window.setStatusBarMessage(skippedNote(skipped, documents.maxFileBytes()), 15_000);
      return { files: done, findings: total, cancelled: false, skipped, workers };
    });
  }

  /** The open, not closed, document of a URI. */
  private openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
    const k = uri.toString();
    return vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.toString() === k);
  }

  /**
   * Files on disk checked by the CLI's check workers, with the rule settings of each workspace folder
   * (one run per distinct settings). `onFile` gets every checked file's findings (none: its diagnostics
   * are cleared), `onBatch` the number of files of each batch.
   */
  private async checkFilesInWorkers(cli: string, uris: vscode.Uri[], token: vscode.CancellationToken,
    onFile: (uri: vscode.Uri, findings: Finding[]) => void, onBatch: (files: number) => void): Promise<{ skipped: number; workers: number; cancelled: boolean }> {
    const groups = new Map<string, { settings: WorkerCheckSettings; uris: Map<string, vscode.Uri> }>();
    const byFolder = new Map<string, string>();
    for (const uri of uris) {
      const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri;
      const fk = folder?.toString() ?? '';
      let key = byFolder.get(fk);
      if (key === undefined) {
        const s = this.ctx.config.rules(folder);
        // PL000's severity travels with the rules' (the workers apply suppressions as `check` does).
        const severities = { ...s.severities, [SUPPRESSION_CODE]: s.suppressionProblems } as WorkerCheckSettings['severities'];
        key = JSON.stringify([s.physicalAddressBits, severities]);
        byFolder.set(fk, key);
        if (!groups.has(key)) groups.set(key, { settings: { layout: this.ctx.layouts.layout, physicalAddressBits: s.physicalAddressBits, severities, maxFileBytes: this.ctx.documents.maxFileBytes() }, uris: new Map() });
      }
      groups.get(key)!.uris.set(uri.fsPath, uri);
    }
    let skipped = 0, workers = 0;
    for (const { settings, uris: files } of groups.values()) {
      const r = await checkInWorkers(cli, [...files.keys()], settings, {
        cancelled: () => token.isCancellationRequested,
        onResults: (byFile, _progress, checked) => {
          for (const f of checked) {
            const uri = files.get(f);
            if (uri) onFile(uri, (byFile.get(f) ?? []).map((x) => ({ ...x, file: uri.toString(), fixes: [] } as unknown as Finding)));
          }
          onBatch(checked.length);
        },
      });
      workers += r.workers;
      for (const note of r.notes) {
        if (/ skipped: /.test(note)) skipped++;
        else console.warn(`paging-layout: Check Workspace: ${note}`);
      }
      if (r.cancelled) return { skipped, workers, cancelled: true };
    }
    return { skipped, workers, cancelled: false };
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

export function register(ctx: PagingContext): void {
  const controller = new DiagnosticsController(ctx);
  ctx.subscribe(controller, vscode.commands.registerCommand('pagingLayout.checkWorkspace', async () => {
    const r = await controller.checkWorkspace();
    if (r.findings > 0 && !r.cancelled) void vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.setStatusBarMessage(checkSummary(r), 8000);
    return r;
  }));
}
