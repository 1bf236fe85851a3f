// Diagnostics PL001–PL009 for open documents (debounced while typing, recomputed when the layout or a
// setting changes, cleared on close) and the Check Workspace command that fills the Problems panel.
import * as vscode from 'vscode';
import * as path from 'path';
import { checkText, collectValues, Finding, RULES, RuleCode, SeveritySetting, SrcRange, Collected } from '../engine/rules';
import { LayoutService } from '../services';
import { DOCUMENT_SELECTOR, familyOf, FILE_PATTERN } from './selector';
import { documentSkipReason, maxFileBytes } from './limits';
import { skipReason } from '../engine/source';

export const DIAGNOSTIC_SOURCE = 'paging-layout';
const DEBOUNCE_MS = 300;
const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information, hint: vscode.DiagnosticSeverity.Hint,
};

export function toRange(r: SrcRange): vscode.Range {
  return new vscode.Range(r.line, r.character, r.endLine, r.endCharacter);
}

function toUri(file: string, fallback: vscode.Uri): vscode.Uri {
  if (/^[a-z][a-z0-9+.-]+:/i.test(file) && !/^[a-z]:[\\/]/i.test(file)) return vscode.Uri.parse(file);
  return file ? vscode.Uri.file(file) : fallback;
}

/** A diagnostic with the finding it came from (its fixes feed the code actions). */
export interface PagingDiagnostic extends vscode.Diagnostic {
  finding?: Finding;
}

export class DiagnosticsController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Findings by document URI, for the code actions. */
  private readonly findings = new Map<string, Finding[]>();
  /** Results of the last Check Workspace for files that are not open. */
  private readonly workspaceResults = new Map<string, Finding[]>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly includeCache = new Map<string, { version: number; c: Collected | null }>();

  constructor(private readonly ctx: vscode.ExtensionContext, private readonly layouts: LayoutService) {
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
      layouts.onDidChange(() => this.refreshAll()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pagingLayout.rules') || e.affectsConfiguration('pagingLayout.physicalAddressBits')) this.refreshAll();
      }),
    );
    this.refreshAll();
  }

  /** Fixes of the finding behind a diagnostic (matched by code and range). */
  findingFor(doc: vscode.TextDocument, d: vscode.Diagnostic): Finding | undefined {
    const code = typeof d.code === 'object' ? d.code.value : d.code;
    return this.findings.get(doc.uri.toString())?.find((f) => f.code === code && toRange(f.range).isEqual(d.range));
  }

  private settings(uri?: vscode.Uri): { physicalAddressBits: number; severities: Partial<Record<RuleCode, SeveritySetting>> } {
    const cfg = vscode.workspace.getConfiguration('pagingLayout', uri);
    const severities: Partial<Record<RuleCode, SeveritySetting>> = {};
    for (const r of RULES) {
      const s = cfg.get<string>(`rules.${r.code}`);
      if (s && ['off', 'hint', 'information', 'warning', 'error'].includes(s)) severities[r.code] = s as SeveritySetting;
    }
    return { physicalAddressBits: cfg.get<number>('physicalAddressBits', 52), severities };
  }

  private applies(doc: vscode.TextDocument): boolean {
    return vscode.languages.match(DOCUMENT_SELECTOR, doc) > 0 && doc.uri.scheme !== 'output' && doc.lineCount < 200_000;
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!this.applies(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); this.analyze(doc); }, delay));
  }

  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) if (this.applies(d) && !d.isClosed) this.analyze(d);
  }

  private hasTab(uri: vscode.Uri): boolean {
    return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString()));
  }

  private onClose(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.findings.delete(key);
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
          // eslint-disable-next-line @typescript-eslint/no-var-requires
          const t = open ? open.getText() : (require('fs') as typeof import('fs')).readFileSync(target, 'utf8');
          c = collectValues(t, vscode.Uri.file(target).toString(), { family: 'c', evaluate: false });
        } catch { c = null; }
        e = { version, c };
        this.includeCache.set(target, e);
      }
      if (e.c) out.push(e.c);
    }
    return out;
  }

  /** Findings of one text (an open document or a file of the workspace). */
  check(text: string, uri: vscode.Uri, family: 'c' | 'gas' | 'nasm' | 'ld', doc?: vscode.TextDocument): Finding[] {
    const s = this.settings(uri);
    try {
      return checkText(text, uri.toString(), {
        layout: this.layouts.layout, family, physicalAddressBits: s.physicalAddressBits, severities: s.severities,
        layoutApplies: undefined, included: doc ? this.includes(doc, text) : [],
      }).map((f) => ({ ...f, file: uri.toString() }));
    } catch (e) {
      console.error(`paging-layout: diagnostics failed for ${uri.toString()}: ${(e as Error).message}`);
      return [];
    }
  }

  analyze(doc: vscode.TextDocument): void {
    if (doc.isClosed) return;
    if (documentSkipReason(doc)) { this.findings.delete(doc.uri.toString()); this.collection.delete(doc.uri); return; }
    const findings = this.check(doc.getText(), doc.uri, familyOf(doc), doc);
    this.findings.set(doc.uri.toString(), findings);
    this.collection.set(doc.uri, findings.map((f) => this.toDiagnostic(f, doc.uri)));
  }

  toDiagnostic(f: Finding, uri: vscode.Uri): PagingDiagnostic {
    const d: PagingDiagnostic = new vscode.Diagnostic(toRange(f.range), f.message, SEVERITY[f.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: f.code, target: vscode.Uri.joinPath(this.ctx.extensionUri, 'docs', 'rules.md').with({ fragment: f.code.toLowerCase() }) };
    if (f.related.length) {
      d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(toUri(r.file, uri), toRange(r.range)), r.message));
    }
    d.finding = f;
    return d;
  }

  /** Check every C/C++/asm/linker-script file of the workspace; returns the number of findings. */
  async checkWorkspace(): Promise<{ files: number; findings: number; cancelled: boolean; skipped?: number }> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Paging Layout: checking the workspace', cancellable: true }, async (progress, token) => {
      const uris = await vscode.workspace.findFiles(FILE_PATTERN, '**/{node_modules,.git,out,dist}/**', undefined, token);
      let done = 0, total = 0, skipped = 0;
      const step = 100 / Math.max(1, uris.length);
      for (const uri of uris) {
        if (token.isCancellationRequested) return { files: done, findings: total, cancelled: true };
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        let text: string;
        try {
          if (open) {
            if (documentSkipReason(open)) { skipped++; continue; }
            text = open.getText();
          } else {
            const st = await vscode.workspace.fs.stat(uri);
            if (st.size > maxFileBytes()) { skipped++; continue; }
            const bytes = await vscode.workspace.fs.readFile(uri);
            if (skipReason(bytes.length, bytes.subarray(0, 8192), maxFileBytes())) { skipped++; continue; }
            text = Buffer.from(bytes).toString('latin1');
          }
        } catch { continue; }
        const fake = { fileName: uri.fsPath, languageId: '' } as vscode.TextDocument;
        const findings = this.check(text, uri, open ? familyOf(open) : familyOf(fake), open);
        total += findings.length;
        if (open) this.findings.set(uri.toString(), findings);
        if (findings.length) this.workspaceResults.set(uri.toString(), findings); else this.workspaceResults.delete(uri.toString());
        this.collection.set(uri, findings.map((f) => this.toDiagnostic(f, uri)));
        done++;
        if (done % 20 === 0 || done === uris.length) {
          progress.report({ increment: step * 20, message: `${done}/${uris.length} files, ${total} finding${total === 1 ? '' : 's'}` });
          await new Promise((r) => setTimeout(r, 0));
        }
      }
      if (skipped) vscode.window.setStatusBarMessage(`$(info) Paging Layout: ${skipped} file${skipped === 1 ? '' : 's'} skipped (larger than ${Math.round(maxFileBytes() / 1048576)} MB, or binary)`, 15_000);
      return { files: done, findings: total, cancelled: false, skipped };
    });
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

let controller: DiagnosticsController | undefined;

/** The controller of the running extension (for the code actions). */
export function diagnosticsController(): DiagnosticsController | undefined {
  return controller;
}

export function registerDiagnostics(ctx: vscode.ExtensionContext, layouts: LayoutService): DiagnosticsController {
  controller = new DiagnosticsController(ctx, layouts);
  ctx.subscriptions.push(controller);
  ctx.subscriptions.push(vscode.commands.registerCommand('pagingLayout.checkWorkspace', async () => {
    const r = await controller!.checkWorkspace();
    const msg = `Paging Layout: ${r.cancelled ? 'check cancelled after' : 'checked'} ${r.files} file${r.files === 1 ? '' : 's'}, ${r.findings} finding${r.findings === 1 ? '' : 's'}.`;
    if (r.findings > 0 && !r.cancelled) void vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.setStatusBarMessage(msg, 8000);
    return r;
  }));
  return controller;
}
