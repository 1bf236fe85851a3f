// Paging Layout: builds the shared context (configuration, layouts, analyses, workspace index) and
// composes the editor features around it. Each feature is one file of src/features with register(ctx).
import * as vscode from 'vscode';
import { AnalysisCache, createPagingContext, DerivedLayouts, KbuildService, LayoutService, PagingContext, WorkspaceIndexClient } from './context';
import * as buildAssertions from './features/buildAssertions';
import * as codeActions from './features/codeActions';
import * as commands from './features/commands';
import * as diagnostics from './features/diagnostics';
import * as docsDrift from './features/docsDrift';
import * as hover from './features/hover';
import * as inlayHints from './features/inlayHints';
import * as mapPanel from './features/mapPanel';
import * as statusBar from './features/statusBar';

export interface PagingLayoutApi {
  layouts: LayoutService;
  /** The workspace index (its state, lookups and the worker's memory). */
  index: WorkspaceIndexClient;
  /** The analyses every feature reads (benchmarks time a hover's own work through it). */
  analyses: AnalysisCache;
  /** The kernel build of each workspace folder. */
  kbuild: KbuildService;
  /** The layout derived from each folder's kernel tree, with its derivation times. */
  derived: DerivedLayouts;
}

const FEATURES: readonly { register(ctx: PagingContext): void }[] = [
  commands, statusBar, hover, inlayHints, diagnostics, docsDrift, buildAssertions, codeActions, mapPanel,
];

export async function activate(extension: vscode.ExtensionContext): Promise<PagingLayoutApi> {
  const ctx = createPagingContext(extension);
  await ctx.layouts.reload();
  for (const f of FEATURES) f.register(ctx);
  // The workspace index: in a worker after activation, when enabled (the saved one first).
  ctx.index.start(extension);
  return { layouts: ctx.layouts, index: ctx.index, analyses: ctx.analyses, kbuild: ctx.kbuild, derived: ctx.derived };
}

export function deactivate(): void {}
