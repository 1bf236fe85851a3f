// Status-bar item: the active layout; a click opens the layout picker.
import * as vscode from 'vscode';
import { LayoutService } from '../services';
import { modeOf } from '../engine/paging';
import { DOCUMENT_SELECTOR } from './selector';

export function registerStatusBar(ctx: vscode.ExtensionContext, layouts: LayoutService): void {
  const item = vscode.window.createStatusBarItem('pagingLayout.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Paging Layout';
  item.command = 'pagingLayout.selectLayout';
  const update = () => {
    const { layout, fallbackReason } = layouts.current;
    item.text = `${fallbackReason ? '$(warning)' : '$(layers)'} ${layout.id}`;
    const tip = new vscode.MarkdownString(`**Paging Layout**: ${layout.title}\n\n${modeOf(layout).title}` +
      (fallbackReason ? `\n\n$(warning) ${fallbackReason}` : '') + '\n\nClick to choose another layout.', true);
    item.tooltip = tip;
    item.backgroundColor = fallbackReason ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.accessibilityInformation = { label: `Paging layout ${layout.id}. Choose another layout.` };
  };
  const sync = () => {
    const editor = vscode.window.activeTextEditor;
    const show = vscode.workspace.getConfiguration('pagingLayout').get<boolean>('statusBar.enabled', true);
    if (show && editor && vscode.languages.match(DOCUMENT_SELECTOR, editor.document) > 0) item.show();
    else if (show && !editor) item.show();
    else item.hide();
  };
  update();
  sync();
  ctx.subscriptions.push(item, layouts.onDidChange(() => { update(); sync(); }), vscode.window.onDidChangeActiveTextEditor(sync),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('pagingLayout.statusBar')) sync(); }));
}
