// Status-bar items: the active layout (a click opens the layout picker), and the workspace index while
// it builds, loads or when it left files out (how far it is; a click stops it or starts it again).
import * as path from 'path';
import * as vscode from 'vscode';
import { Configuration, PagingContext } from '../context';
import { indexReadyMessage, indexStatusItem } from '../context/indexStatus';
import { FileStatus, statusItem } from '../present';

export function register(ctx: PagingContext): void {
  const { layouts, config, documents } = ctx;
  const item = vscode.window.createStatusBarItem('pagingLayout.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Paging Layout';
  item.command = 'pagingLayout.selectLayout';
  const update = () => {
    // The active editor's file: its own layout (another architecture's file, its kernel build's) and its build.
    const doc = vscode.window.activeTextEditor?.document;
    let file: FileStatus | undefined;
    let layout = layouts.current.layout;
    // No editor: the first folder's kernel build, as a file at the top of the tree would have it.
    const folder = !doc ? vscode.workspace.workspaceFolders?.[0] : undefined;
    const probe = doc && documents.applies(doc) ? doc.uri : folder?.uri.scheme === 'file' ? vscode.Uri.joinPath(folder.uri, 'Makefile') : undefined;
    if (probe) {
      const f = layouts.forFile(probe, doc ? doc.fileName : probe.fsPath);
      const b = f.build;
      if (doc || b) {
        layout = f.layout;
        file = {
          reason: f.reason,
          build: b && { name: path.basename(b.context.buildDir), configFile: b.configFile, how: b.how, because: b.layout.because },
          buildProblem: ctx.kbuild.problemFor(probe),
        };
      }
    }
    const s = statusItem(layout, layouts.current.fallbackReason, layouts.current.inferred, file, layouts.current.pending);
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
  ctx.subscribe(item, layouts.onDidChange(() => { update(); sync(); }), vscode.window.onDidChangeActiveTextEditor(() => { update(); sync(); }),
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
