// Code actions on address literals: the quick fixes of the diagnostics (canonicalize, digit-count
// typo candidates), conversions between `0x…`, `_AC(…, UL)`, a shift and a size form, "Show on map"
// and "Decode". Every edit is a WorkspaceEdit, so undo restores the text.
import * as vscode from 'vscode';
import { numberAt, numberForms } from '../engine/rules';
import { LayoutService } from '../services';
import { DIAGNOSTIC_SOURCE, diagnosticsController, toRange } from './diagnostics';
import { DOCUMENT_SELECTOR, familyOf } from './selector';

export class PagingCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite, vscode.CodeActionKind.Empty];

  constructor(private readonly layouts: LayoutService) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    const want = (k: vscode.CodeActionKind) => !context.only || context.only.contains(k) || k.contains(context.only);
    // Quick fixes of our diagnostics.
    if (want(vscode.CodeActionKind.QuickFix)) {
      for (const d of context.diagnostics) {
        if (d.source !== DIAGNOSTIC_SOURCE) continue;
        const f = diagnosticsController()?.findingFor(doc, d);
        for (const fix of f?.fixes ?? []) {
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
    // Actions on the number under the cursor.
    const line = doc.lineAt(range.start.line).text;
    if (line.length > 10_000) return out;
    const span = numberAt(line, range.start.character);
    if (!span || span.value < 0x1000n) return out;
    const spanRange = new vscode.Range(range.start.line, span.start, range.start.line, span.end);
    if (want(vscode.CodeActionKind.RefactorRewrite)) {
      for (const form of numberForms(span, familyOf(doc))) {
        const a = new vscode.CodeAction(form.title, vscode.CodeActionKind.RefactorRewrite);
        const edit = new vscode.WorkspaceEdit();
        edit.replace(doc.uri, spanRange, form.text);
        a.edit = edit;
        out.push(a);
      }
    }
    if (want(vscode.CodeActionKind.Empty)) {
      const hex = '0x' + span.value.toString(16);
      const decode = new vscode.CodeAction(`Decode ${hex} (${this.layouts.layout.id})`, vscode.CodeActionKind.Empty);
      decode.command = { command: 'pagingLayout.decodeAddress', title: 'Decode', arguments: [span.form === 'hex' || span.form === 'decimal' ? span.text : hex] };
      out.push(decode);
      const map = new vscode.CodeAction(`Show ${hex} on map`, vscode.CodeActionKind.Empty);
      map.command = { command: 'pagingLayout.showMap', title: 'Show on map', arguments: [{ address: hex, layoutId: this.layouts.layout.id }] };
      out.push(map);
    }
    return out;
  }
}

export function registerCodeActions(ctx: vscode.ExtensionContext, layouts: LayoutService): void {
  ctx.subscriptions.push(vscode.languages.registerCodeActionsProvider(DOCUMENT_SELECTOR, new PagingCodeActionProvider(layouts), {
    providedCodeActionKinds: PagingCodeActionProvider.kinds,
  }));
}
