// The one reader of the `pagingLayout.*` settings. Features ask it for typed values; nothing else
// calls vscode.workspace.getConfiguration for this section. Workspace trust: VS Code hands over only
// the user-settings value of the restricted settings (customLayoutFile, includePaths,
// compileCommands) in an untrusted workspace; on top of that, include directories outside the
// folder and the compileCommands setting are ignored there (settings.ts).
import * as path from 'path';
import * as vscode from 'vscode';
import { RuleCode, SUPPRESSION_CODE } from '../engine/rules';
import {
  AnalysisSettings, booleanFrom, compileCommandsFrom, customLayoutFileFrom, definesFrom, includeDirsFrom, LayoutSetting, layoutSetting,
  maxFileBytesFrom, maxFilesFrom, physicalAddressBitsFrom, RuleSettings, SECTION, SETTING, severitiesFrom, severityFrom, kernelBuildDirFrom,
} from './settings';

type SettingKey = (typeof SETTING)[keyof typeof SETTING];

export class Configuration implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.ConfigurationChangeEvent>();
  /** Fires when any `pagingLayout.*` setting changes (test with `affects`). */
  readonly onDidChange = this.emitter.event;
  private readonly listener: vscode.Disposable;

  constructor() {
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(SECTION)) this.emitter.fire(e); });
  }

  /** Whether a change event touches one of the keys (`rules` covers every `rules.PLnnn`). */
  static affects(e: vscode.ConfigurationChangeEvent, ...keys: SettingKey[]): boolean {
    return keys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`));
  }

  private section(scope?: vscode.Uri): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION, scope);
  }

  get trusted(): boolean { return vscode.workspace.isTrusted; }

  /** `pagingLayout.layout`, and whether it is set in user, workspace or folder settings. */
  layout(): LayoutSetting {
    const cfg = this.section();
    const info = cfg.inspect<string>(SETTING.layout);
    const set = info?.workspaceFolderValue ?? info?.workspaceValue ?? info?.globalValue;
    return layoutSetting(cfg.get(SETTING.layout), set !== undefined);
  }

  /** Make a layout the active one: the workspace setting when a folder is open, else the user setting. */
  async setLayout(id: string): Promise<void> {
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await this.section().update(SETTING.layout, id, target);
  }

  customLayoutFile(): string { return customLayoutFileFrom(this.section().get(SETTING.customLayoutFile)); }

  rules(scope?: vscode.Uri): RuleSettings {
    const cfg = this.section(scope);
    return {
      physicalAddressBits: physicalAddressBitsFrom(cfg.get(SETTING.physicalAddressBits)),
      severities: severitiesFrom((code: RuleCode) => cfg.get(`${SETTING.rules}.${code}`)),
      suppressionProblems: severityFrom(cfg.get(`${SETTING.rules}.${SUPPRESSION_CODE}`)),
    };
  }

  statusBarEnabled(): boolean { return booleanFrom(this.section().get(SETTING.statusBar), true); }
  inlayHintsEnabled(scope?: vscode.Uri): boolean { return booleanFrom(this.section(scope).get(SETTING.inlayHints), true); }
  workspaceIndexEnabled(): boolean { return booleanFrom(this.section().get(SETTING.workspaceIndex), true); }
  /** Files the workspace index reads at most (0: no limit). */
  workspaceIndexMaxFiles(): number { return maxFilesFrom(this.section().get(SETTING.workspaceIndexMaxFiles)); }
  /** Largest document analysed, in bytes. */
  maxFileBytes(): number { return maxFileBytesFrom(this.section().get(SETTING.maxFileSizeMB)); }

  /** Defines, include directories and compile_commands.json for a document in `folder`. */
  analysis(scope: vscode.Uri, folder: string): AnalysisSettings {
    const cfg = this.section(scope);
    const trusted = this.trusted;
    return {
      defines: definesFrom(cfg.get(SETTING.defines)),
      includeDirs: includeDirsFrom(cfg.get(SETTING.includePaths), folder, trusted),
      compileCommands: compileCommandsFrom(cfg.get(SETTING.compileCommands), trusted),
    };
  }

  /** `pagingLayout.kernel.buildDir` for a folder: detect, none, or a directory. */
  kernelBuildDir(scope: vscode.Uri | undefined, folder: string): ReturnType<typeof kernelBuildDirFrom> {
    return kernelBuildDirFrom(this.section(scope).get(SETTING.kernelBuildDir), folder, this.trusted);
  }

  /** The folder a document's relative paths are resolved against: its workspace folder, else its directory. */
  folderOf(uri: vscode.Uri, fileName: string): string {
    return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(fileName);
  }

  dispose(): void { this.listener.dispose(); this.emitter.dispose(); }
}
