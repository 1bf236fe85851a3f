// Paging Layout: composes the editor features around one layout engine.
import * as vscode from 'vscode';
import { LayoutService } from './services';
import { registerCommands } from './features/commands';
import { registerStatusBar } from './features/statusBar';
import { registerHover } from './features/hover';
import { registerDiagnostics } from './features/diagnostics';
import { registerCodeActions } from './features/codeActions';
import { registerMapPanel } from './features/mapPanel';

export interface PagingLayoutApi {
  layouts: LayoutService;
}

export async function activate(ctx: vscode.ExtensionContext): Promise<PagingLayoutApi> {
  const layouts = new LayoutService();
  ctx.subscriptions.push(layouts);
  await layouts.reload();
  registerCommands(ctx, layouts);
  registerStatusBar(ctx, layouts);
  registerHover(ctx, layouts);
  registerDiagnostics(ctx, layouts);
  registerCodeActions(ctx, layouts);
  registerMapPanel(ctx, layouts);
  return { layouts };
}

export function deactivate(): void {}
