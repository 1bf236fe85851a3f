// Code actions on address literals: the quick fixes of the diagnostics (canonicalize, digit-count
// typo candidates), conversions between `0x…`, `_AC(…, UL)`, a shift and a size form, "Show on map"
// and "Decode" (offered by src/present/codeActions.ts). Every edit is a WorkspaceEdit, so undo
// restores the text.
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, DOCUMENT_SELECTOR, familyOfDocument, PagingContext, toRange } from '../context';
import { CommandAction, literalActions } from '../present';

const KINDS = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite, vscode.CodeActionKind.Empty];

function commandAction(c: CommandAction): vscode.CodeAction {
  const a = new vscode.CodeAction(c.title, vscode.CodeActionKind.Empty);
  a.command = { command: c.command, title: c.title, arguments: c.arguments };
  return a;
}

class PagingCodeActionProvider implements vscode.CodeActionProvider {
  constructor(private readonly ctx: PagingContext) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    const want = (k: vscode.CodeActionKind) => !context.only || context.only.contains(k) || k.contains(context.only);
    // Quick fixes of our diagnostics.
    if (want(vscode.CodeActionKind.QuickFix)) {
      for (const d of context.diagnostics) {
        if (d.source !== DIAGNOSTIC_SOURCE) continue;
        for (const fix of this.ctx.findings.findingFor(doc.uri, d)?.fixes ?? []) {
          const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          a.diagnostics = [d];
          a.isPreferred = !!fix.preferred;
          const edit = new vscode.WorkspaceEdit();
          for (const e of fix.edits) edit.replace(doc.uri, toRange(e.range), e.newText);
          a.edit = edit;
          out.push(a);
        }
      }
    }
    // Actions on the number under the cursor, in the forms the document's language accepts.
    const family = this.ctx.analyses.get(doc)?.family ?? familyOfDocument(doc);
    const actions = literalActions(doc.lineAt(range.start.line).text, range.start.character, family, this.ctx.layouts.forFile(doc.uri, doc.fileName).layout.id);
    if (!actions) return out;
    const spanRange = new vscode.Range(range.start.line, actions.span.start, range.start.line, actions.span.end);
    if (want(vscode.CodeActionKind.RefactorRewrite)) {
      for (const form of actions.rewrites) {
        const a = new vscode.CodeAction(form.title, vscode.CodeActionKind.RefactorRewrite);
        const edit = new vscode.WorkspaceEdit();
        edit.replace(doc.uri, spanRange, form.text);
        a.edit = edit;
        out.push(a);
      }
    }
    if (want(vscode.CodeActionKind.Empty)) out.push(commandAction(actions.decode), commandAction(actions.showOnMap));
    return out;
  }
}

export function register(ctx: PagingContext): void {
  ctx.subscribe(vscode.languages.registerCodeActionsProvider(DOCUMENT_SELECTOR, new PagingCodeActionProvider(ctx), { providedCodeActionKinds: KINDS }));
}
