// Documentation drift (PL010) on the tree's own layout document (x86-64 mm.rst, arm64 memory.rst,
// RISC-V vm-layout.rst) while it is open: its tables compared with the layout derived from the
// headers for the folder's kernel build. The derivation runs in a worker once per build (and again
// when .config or autoconf.h changes); the tables are parsed and compared on each edit, which is
// cheap. Without a build nothing is reported: the status bar says so once per folder.
import * as path from 'path';
import * as vscode from 'vscode';
import { compareDocs, driftFindings, parseDocTables } from '../engine/map';
import { Configuration, DIAGNOSTIC_SOURCE, deriveDocsInWorker, DocsDerivation, EditorBuild, PagingContext, toRange } from '../context';

const DEBOUNCE_MS = 300;

class DocsDriftController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(`${DIAGNOSTIC_SOURCE}-docs`);
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Derivations per build directory, with the build's serial they were made for. */
  private readonly derivations = new Map<string, { serial: number; p: Promise<DocsDerivation | Error> }>();
  /** Folders told once that no kernel build is known. */
  private readonly told = new Set<string>();

  constructor(private readonly ctx: PagingContext) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) this.schedule(e.document, DEBOUNCE_MS); }),
      vscode.workspace.onDidCloseTextDocument((d) => { this.collection.delete(d.uri); }),
      ctx.kbuild.onDidChange(() => { this.derivations.clear(); this.refreshAll(); }),
      ctx.config.onDidChange((e) => { if (Configuration.affects(e, 'rules')) this.refreshAll(); }),
      { dispose: () => { for (const t of this.timers.values()) clearTimeout(t); } },
    );
    this.refreshAll();
  }

  private applies(doc: vscode.TextDocument): boolean {
    return doc.uri.scheme === 'file' && /\.rst$/i.test(doc.fileName);
  }

  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) if (!d.isClosed) this.schedule(d, 0);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!this.applies(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); void this.check(doc); }, delay));
  }

  private derivation(b: EditorBuild): Promise<DocsDerivation | Error> {
    const hit = this.derivations.get(b.context.buildDir);
    if (hit && hit.serial === b.serial) return hit.p;
    const cli = path.join(this.ctx.extension.extensionPath, 'dist', 'cli.js');
    const p = deriveDocsInWorker(cli, b.context.buildDir).catch((e: Error) => e);
    this.derivations.set(b.context.buildDir, { serial: b.serial, p });
    return p;
  }

  private async check(doc: vscode.TextDocument): Promise<void> {
    if (doc.isClosed) return;
    const b = this.ctx.kbuild.forDocument(doc.uri, doc.fileName);
    if (!b) {
      this.collection.delete(doc.uri);
      // Only a tree's layout document is worth a note (any .rst under Documentation/ of a kernel-looking tree).
      const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? path.dirname(doc.fileName);
      if (/[\\/]Documentation[\\/].*(mm|memory|vm-layout)\.rst$/i.test(doc.fileName) && !this.told.has(folder)) {
        this.told.add(folder);
        vscode.window.setStatusBarMessage('Paging Layout: no kernel build (.config) for this folder; the layout documentation is not compared (PL010)', 10_000);
      }
      return;
    }
    const d = await this.derivation(b);
    if (doc.isClosed) return;
    if (d instanceof Error) {
      this.collection.delete(doc.uri);
      console.warn(`paging-layout: documentation drift: ${d.message}`);
      return;
    }
    const rel = path.relative(d.sourceTree, doc.fileName).split(path.sep).join('/');
    if (!d.recipe.docs?.files.includes(rel)) { this.collection.delete(doc.uri); return; }
    const severity = this.ctx.config.rules(doc.uri).severities.PL010 ?? 'warning';
    if (severity === 'off') { this.collection.delete(doc.uri); return; }
    const report = compareDocs(doc.fileName, parseDocTables(doc.getText()), d.recipe, d.variants);
    const findings = driftFindings(report, d.recipe, (e) => d.sites.get(e) ?? [], severity);
    const level: Record<string, vscode.DiagnosticSeverity> = {
      error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning,
      information: vscode.DiagnosticSeverity.Information, hint: vscode.DiagnosticSeverity.Hint,
    };
    this.collection.set(doc.uri, findings.map((f) => {
      const diag = new vscode.Diagnostic(toRange(f.range), f.message, level[f.severity]);
      diag.source = DIAGNOSTIC_SOURCE;
      diag.code = { value: f.code, target: vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'docs', 'rules.md').with({ fragment: f.code.toLowerCase() }) };
      if (f.related.length) diag.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), toRange(r.range)), r.message));
      return diag;
    }));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function register(ctx: PagingContext): void {
  ctx.subscribe(new DocsDriftController(ctx));
}
