// Status-bar item: the active layout; a click opens the layout picker.
import * as vscode from 'vscode';
import { Configuration, PagingContext } from '../context';
import { statusItem } from '../present';

export function register(ctx: PagingContext): void {
  const { layouts, config, documents } = ctx;
  const item = vscode.window.createStatusBarItem('pagingLayout.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Paging Layout';
  item.command = 'pagingLayout.selectLayout';
  const update = () => {
    const s = statusItem(layouts.current.layout, layouts.current.fallbackReason);
    item.text = s.text;
    item.tooltip = new vscode.MarkdownString(s.tooltip, true);
    item.backgroundColor = s.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.accessibilityInformation = { label: s.accessibilityLabel };
  };
  const sync = () => {
    const editor = vscode.window.activeTextEditor;
    const show = config.statusBarEnabled();
    if (show && editor && documents.applies(editor.document)) item.show();
    else if (show && !editor) item.show();
    else item.hide();
  };
  update();
  sync();
  ctx.subscribe(item, layouts.onDidChange(() => { update(); sync(); }), vscode.window.onDidChangeActiveTextEditor(sync),
    config.onDidChange((e) => { if (Configuration.affects(e, 'statusBar.enabled')) sync(); }));
}
