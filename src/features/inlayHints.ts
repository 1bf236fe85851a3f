// Inlay hints: the evaluated value after `#define`s whose body is an expression (not a bare literal),
// and after assembly `.set`/`.equ`/`NAME = expr`/`equ` lines and linker-script assignments. The labels
// come from src/present/inlayHints.ts. Setting: pagingLayout.inlayHints.enabled.
import * as vscode from 'vscode';
import { DOCUMENT_SELECTOR, PagingContext } from '../context';
import { hintColumn, hintFor } from '../present';

/** Time budget of one request: a huge header's hints stop here rather than stall the editor. */
const BUDGET_MS = 200;

class DefinitionInlayHints implements vscode.InlayHintsProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.emitter.event;
  constructor(private readonly ctx: PagingContext) {}

  refresh(): void { this.emitter.fire(); }

  provideInlayHints(doc: vscode.TextDocument, range: vscode.Range, token: vscode.CancellationToken): vscode.InlayHint[] {
    if (!this.ctx.config.inlayHintsEnabled(doc.uri)) return [];
    const a = this.ctx.analyses.get(doc);
    if (!a) return [];
    const out: vscode.InlayHint[] = [];
    const started = Date.now();
    for (const d of a.definitions) {
      if (d.endLine < range.start.line || d.line > range.end.line) continue;
      if (token.isCancellationRequested || Date.now() - started > BUDGET_MS) break;
      const h = hintFor(a, d);
      if (!h) continue;
      const line = Math.min(d.endLine, doc.lineCount - 1);
      const hint = new vscode.InlayHint(new vscode.Position(d.endLine, hintColumn(a, d, doc.lineAt(line).text)), h.label, vscode.InlayHintKind.Type);
      hint.paddingLeft = true;
      hint.tooltip = h.tooltip;
      out.push(hint);
    }
    return out;
  }

  dispose(): void { this.emitter.dispose(); }
}

export function register(ctx: PagingContext): void {
  const provider = new DefinitionInlayHints(ctx);
  ctx.subscribe(
    provider,
    vscode.languages.registerInlayHintsProvider(DOCUMENT_SELECTOR, provider),
    // New analyses (a setting, the layout or the workspace index changed): new values.
    ctx.analyses.onDidInvalidate(() => provider.refresh()),
  );
}
