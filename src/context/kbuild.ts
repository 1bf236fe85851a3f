// The kernel build of a workspace folder (`pagingLayout.kernel.buildDir`, detected by default): its
// configuration, include paths and architecture, read with the engine's findKbuild and kept until
// the build's `.config` or `autoconf.h` changes. Analyses of the build's files take their defines,
// include directories and paging mode from it; the status bar says which configuration is in effect.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { findKbuild, KbuildContext, kbuildMode, KbuildMode } from '../engine/source';
import { nodeKbuildFS } from '../cli/common';
import { BuildLayout, modePreset } from '../engine/paging';
import { Configuration } from './configuration';

/** A kernel build, as the editor uses it. */
export interface EditorBuild {
  context: KbuildContext;
  /** The paging mode the configuration builds for, or why there is none. */
  mode: KbuildMode | { error: string };
  /** The architecture and the preset of its mode (for layoutForFile). */
  layout: BuildLayout;
  /** The file the configuration was read from (autoconf.h, else .config). */
  configFile: string;
  /** How the build was found: the setting, or detected (`.config in …`, `source link of …`). */
  how: string;
  /** Changes each time a build is read again (analyses made with another one are stale). */
  serial: number;
}


/** Size and time of a build's configuration files (.config and autoconf.h). */
function configStamp(b: EditorBuild): string {
  return ['.config', 'include/generated/autoconf.h'].map((f) => { try { const st = fs.statSync(path.join(b.context.buildDir, f)); return `${st.size}:${st.mtimeMs}`; } catch { return '-'; } }).join('|');
}

/** Subdirectories of a folder that look like O= build directories of it (a `.config` and a `source` link or a generated Makefile). */
function buildSubdirs(folder: string): string[] {
  let names: string[];
  try { names = fs.readdirSync(folder, { withFileTypes: true }).filter((d) => d.isDirectory() || d.isSymbolicLink()).map((d) => d.name); } catch { return []; }
  return names.filter((n) => !n.startsWith('.') && fs.existsSync(path.join(folder, n, '.config')) && (fs.existsSync(path.join(folder, n, 'source')) || fs.existsSync(path.join(folder, n, 'Makefile')))).sort();
}

export class KbuildService implements vscode.Disposable {
  private readonly cache = new Map<string, { build?: EditorBuild; problem?: string; stamp?: string; checked?: number }>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when a folder's build changed (setting, `.config`, `autoconf.h`). */
  readonly onDidChange = this.emitter.event;
  private readonly watchers = new Map<string, vscode.FileSystemWatcher>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private serial = 0;

  constructor(private readonly config: Configuration) {
    this.disposables.push(
      config.onDidChange((e) => { if (Configuration.affects(e, 'kernel.buildDir')) this.reset(); }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reset()),
    );
  }

  private reset(): void {
    this.cache.clear();
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
    this.emitter.fire();
  }

  /** The build of a document: its folder's build when the file is in the build's source tree or build directory. */
  forDocument(uri: vscode.Uri, fileName: string): EditorBuild | undefined {
    if (uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const b = this.forFolder(folder?.uri.fsPath ?? path.dirname(fileName), folder?.uri);
    if (!b) return undefined;
    const inside = (root: string) => fileName === root || fileName.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
    return inside(b.context.sourceTree) || inside(b.context.buildDir) ? b : undefined;
  }

  /** Why the configured build directory is not used (for the status bar), if it is not. */
  problemFor(uri: vscode.Uri): string | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? this.cache.get(folder.uri.fsPath)?.problem : undefined;
  }

  forFolder(folder: string, scope?: vscode.Uri): EditorBuild | undefined {
    const hit = this.cache.get(folder);
    if (hit) {
      // The watcher may be late or absent (a build directory outside the workspace): the configuration
      // files' size and time are compared too, at most every 250 ms.
      if (!hit.build || Date.now() - (hit.checked ?? 0) < 250) return hit.build;
      hit.checked = Date.now();
      if (configStamp(hit.build) === hit.stamp) return hit.build;
      this.cache.delete(folder);
      queueMicrotask(() => this.emitter.fire());
      return this.forFolder(folder, scope);
    }
    const entry: { build?: EditorBuild; problem?: string; stamp?: string; checked?: number } = this.find(folder, scope);
    if (entry.build) { entry.stamp = configStamp(entry.build); entry.checked = Date.now(); this.watch(entry.build); }
    this.cache.set(folder, entry);
    return entry.build;
  }

  private find(folder: string, scope?: vscode.Uri): { build?: EditorBuild; problem?: string } {
    const setting = this.config.kernelBuildDir(scope, folder);
    if (setting.mode === 'none') return {};
    const kfs = nodeKbuildFS();
    const make = (dir: string, how: string): { build?: EditorBuild; problem?: string } => {
      const r = findKbuild(dir, kfs);
      if ('error' in r) return { problem: r.error };
      const ctx = r.context;
      const mode = kbuildMode(ctx);
      const layoutId = 'error' in mode ? undefined : modePreset(mode.mode.id)?.id;
      const because = 'error' in mode ? mode.error : mode.because;
      // (the file findKbuild read the configuration from)
      const configFile = ctx.config.file ?? path.join(ctx.buildDir, ctx.config.source === 'autoconf.h' ? 'include/generated/autoconf.h' : '.config');
      return { build: { context: ctx, mode, layout: { arch: ctx.arch, layoutId, because }, configFile, how, serial: ++this.serial } };
    };
    if (setting.mode === 'dir') {
      const r = make(setting.dir, `pagingLayout.kernel.buildDir: ${setting.dir}`);
      return r.build ? r : { problem: `pagingLayout.kernel.buildDir: ${r.problem}` };
    }
    // Detected: the folder (or a parent) holding .config, the directory of compile_commands.json, or an O= subdirectory.
    const own = make(folder, 'detected');
    if (own.build) { own.build.how = `detected: ${own.build.context.found.slice(0, 2).join('; ')}`; return own; }
    for (const sub of buildSubdirs(folder)) {
      const r = make(path.join(folder, sub), 'detected');
      if (r.build && (r.build.context.sourceTree === folder || r.build.context.buildDir.startsWith(folder))) { r.build.how = `detected: ${r.build.context.found.slice(0, 2).join('; ')}`; return r; }
    }
    return {};
  }

  private watch(b: EditorBuild): void {
    const dir = b.context.buildDir;
    if (this.watchers.has(dir)) return;
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '{.config,include/generated/autoconf.h}'));
    const changed = () => { this.cache.clear(); this.emitter.fire(); };
    w.onDidChange(changed); w.onDidCreate(changed); w.onDidDelete(changed);
    this.watchers.set(dir, w);
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
