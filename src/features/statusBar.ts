// Status-bar items: the active layout (a click opens the layout picker), and the workspace index while
// it builds, loads or when it left files out (how far it is; a click stops it or starts it again).
import * as vscode from 'vscode';
import { Configuration, PagingContext } from '../context';
import { indexReadyMessage, indexStatusItem } from '../context/indexStatus';
import { statusItem } from '../present';

export function register(ctx: PagingContext): void {
  const { layouts, config, documents } = ctx;
  const item = vscode.window.createStatusBarItem('pagingLayout.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Paging Layout';
  item.command = 'pagingLayout.selectLayout';
  const update = () => {
    const s = statusItem(layouts.current.layout, layouts.current.fallbackReason, layouts.current.inferred);
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
    config.onDidChange((e) => { if (Configuration.affects(e, 'statusBar.enabled')) { sync(); syncIndex(); } }));

  // The workspace index: shown whatever the active editor is (indexing is about the workspace).
  const index = vscode.window.createStatusBarItem('pagingLayout.index', vscode.StatusBarAlignment.Right, 99);
  index.name = 'Paging Layout Index';
  let wasBusy = false;
  const syncIndex = () => {
    const state = ctx.index.state;
    const s = indexStatusItem(state);
    const busy = ['loading', 'checking', 'walking', 'indexing'].includes(state.phase);
    if (wasBusy && state.phase === 'ready') vscode.window.setStatusBarMessage(indexReadyMessage(state), 8000);
    wasBusy = busy;
    if (!s.text || !config.statusBarEnabled()) { index.hide(); return; }
    index.text = s.text;
    index.tooltip = s.tooltip;
    index.command = s.command;
    index.backgroundColor = s.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    index.accessibilityInformation = { label: s.accessibilityLabel };
    index.show();
  };
  syncIndex();
  ctx.subscribe(index, ctx.index.onDidChangeStatus(syncIndex));
}
