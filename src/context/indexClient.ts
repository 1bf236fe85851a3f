// The workspace index of `#define`s and assembler symbols, fed in the background: hovers evaluate
// macros defined in files that are not #included through it.
import * as vscode from 'vscode';
import { DefineIndex, MacroDef } from '../engine/source';
import { Configuration } from './configuration';
import { EXCLUDED_FOLDERS } from './documents';

const INDEXED_FILES = '**/*.{h,S,inc,lds.S,asm}';
const WATCHED_FILES = '**/*.{h,S,inc,asm}';
const MAX_INDEXED_FILE_BYTES = 2 * 1024 * 1024;
/** Delay after activation before indexing starts, so that opening the first file is not slowed down. */
const START_DELAY_MS = 2000;

export class WorkspaceIndexClient implements vscode.Disposable {
  readonly index = new DefineIndex();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when an indexing run has added files. */
  readonly onDidIndex = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private startTimer?: NodeJS.Timeout;
  private watching = false;

  constructor(private readonly config: Configuration) {}

  get fileCount(): number { return this.index.fileCount; }

  /** Macro lookup for a file (definitions nearest to it first), or undefined while nothing is indexed. */
  lookupFor(file: string): ((name: string) => MacroDef[] | undefined) | undefined {
    return this.index.fileCount > 0 ? this.index.macroLookup(file) : undefined;
  }

  /** Index in the background after a short delay, when `pagingLayout.workspaceIndex.enabled` (then keep it current). */
  start(): void {
    if (!this.config.workspaceIndexEnabled() || process.env.PAGING_LAYOUT_NO_INDEX) return;
    clearTimeout(this.startTimer);
    this.startTimer = setTimeout(() => { void this.indexWorkspace().then(() => this.watch(), () => undefined); }, START_DELAY_MS);
  }

  /**
   * Index the workspace's headers and assembly files (status-bar progress, cancellable, in small
   * slices so the extension host stays responsive). Returns the number of files read.
   */
  async indexWorkspace(maxFiles = 20_000): Promise<number> {
    if (!vscode.workspace.workspaceFolders?.length) return 0;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Paging Layout: indexing #defines', cancellable: true }, async (progress, token) => {
      const uris = await vscode.workspace.findFiles(INDEXED_FILES, EXCLUDED_FOLDERS, maxFiles, token);
      let done = 0;
      for (const uri of uris) {
        if (token.isCancellationRequested) break;
        try {
          const bytes = await vscode.workspace.fs.readFile(uri);
          if (bytes.byteLength < MAX_INDEXED_FILE_BYTES) this.index.addFile(uri.fsPath, Buffer.from(bytes).toString('utf8'));
        } catch { /* unreadable: skip */ }
        if (++done % 200 === 0) {
          progress.report({ message: `${done}/${uris.length} files` });
          await new Promise((r) => setImmediate(r));
        }
      }
      if (done > 0) this.emitter.fire();
      return done;
    });
  }

  /** Keep the index current as files change on disk. */
  watch(): void {
    if (this.watching) return;
    this.watching = true;
    const w = vscode.workspace.createFileSystemWatcher(WATCHED_FILES);
    const update = async (uri: vscode.Uri) => {
      if (this.index.fileCount === 0) return;
      try { this.index.addFile(uri.fsPath, Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8')); } catch { this.index.removeFile(uri.fsPath); }
    };
    w.onDidChange(update); w.onDidCreate(update); w.onDidDelete((uri) => this.index.removeFile(uri.fsPath));
    this.disposables.push(w);
  }

  dispose(): void {
    clearTimeout(this.startTimer);
    for (const d of this.disposables) d.dispose();
  }
}
