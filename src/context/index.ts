// The extension's shared state, built once in extension.ts and handed to every feature's
// register(ctx): the typed configuration, the layout service, the analysis cache with the
// workspace index client, the document limits, the findings behind the diagnostics, and the imported
// memory maps with the boots derived from them.
import * as vscode from 'vscode';
import * as path from 'path';
import { AnalysisCache } from './analyses';
import { AssertionSites } from './assertionSites';
import { BootStore } from './boot';
import { Configuration } from './configuration';
import { DocumentLimits } from './documents';
import { FindingStore } from './findings';
import { WorkspaceIndexClient } from './indexClient';
import { LayoutService } from './layouts';
import { KbuildService } from './kbuild';
import { DerivedLayouts } from './derived';

export { AnalysisCache, familyOfDocument } from './analyses';
export { AddOptions, BootStore, LiveNote } from './boot';
export { Configuration } from './configuration';
export { DOCUMENT_SELECTOR, DocumentLimits, EXCLUDED_FOLDERS, FILE_PATTERN, LANGUAGE_IDS } from './documents';
export { DIAGNOSTIC_SOURCE, diagnosticCode, FindingStore, toRange } from './findings';
export { WorkspaceIndexClient } from './indexClient';
export { LayoutChoice, LayoutService, WORKSPACE_LAYOUT_FILE } from './layouts';
export { EditorBuild, KbuildService } from './kbuild';
export { DerivedEntry, DerivedLayouts } from './derived';
export { checkInWorkers } from './workspaceCheck';
export type { WorkerCheckSettings } from './workspaceCheck';

export interface PagingContext {
  /** The VS Code extension context: subscriptions, extensionUri. */
  readonly extension: vscode.ExtensionContext;
  readonly config: Configuration;
  readonly layouts: LayoutService;
  /** The kernel build of each workspace folder (pagingLayout.kernel.buildDir, detected by default). */
  readonly kbuild: KbuildService;
  /** The layout derived from each folder's kernel tree (its build and the recipe of its architecture), in a worker. */
  readonly derived: DerivedLayouts;
  readonly documents: DocumentLimits;
  readonly index: WorkspaceIndexClient;
  readonly analyses: AnalysisCache;
  readonly findings: FindingStore;
  /** Imported memory maps and the boots derived from them (this boot's layouts, values and symbols). */
  readonly boot: BootStore;
  /** The workspace's build-time assertions (scanned off this thread on first need), by the names they mention. */
  readonly assertions: AssertionSites;
  /** Dispose these with the extension. */
  subscribe(...disposables: vscode.Disposable[]): void;
}

/** Build the shared state; its parts are disposed with the extension. Call `layouts.reload()` before the features read a layout. */
export function createPagingContext(extension: vscode.ExtensionContext): PagingContext {
  const config = new Configuration();
  const boot = new BootStore(extension);
  const kbuild = new KbuildService(config);
  const derived = new DerivedLayouts(kbuild, path.join(extension.extensionPath, 'dist', 'cli.js'));
  const layouts = new LayoutService(config, boot, kbuild, derived);
  const documents = new DocumentLimits(config);
  const index = new WorkspaceIndexClient(config);
  const analyses = new AnalysisCache(config, layouts, documents, index);
  const findings = new FindingStore();
  const assertions = new AssertionSites(path.join(extension.extensionPath, 'dist', 'cli.js'), () => documents.maxFileBytes(), () => index.whenSettled());
  const subscribe = (...disposables: vscode.Disposable[]) => { extension.subscriptions.push(...disposables); };
  subscribe(config, boot, kbuild, derived, layouts, index, analyses, assertions, vscode.workspace.onDidCloseTextDocument((d) => documents.forget(d.uri)));
  return { extension, config, layouts, kbuild, derived, documents, index, analyses, findings, boot, assertions, subscribe };
}
export { deriveDocsInWorker, DocsDerivation } from './docsDrift';
