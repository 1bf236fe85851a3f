// The extension's settings as typed values: defaults, the checks that turn a hand-edited
// settings.json value into something usable, and the workspace-trust rule for the settings that
// point at files. No `vscode` import: configuration.ts reads the raw values, this file decides.
import * as path from 'path';
import { DEFAULT_LAYOUT_ID } from '../engine/paging';
import { RULES, RuleCode, SeveritySetting } from '../engine/rules';
import { DEFAULT_MAX_FILE_BYTES, DefineSettings } from '../engine/source';

/** The configuration section: every setting is `pagingLayout.<key>`. */
export const SECTION = 'pagingLayout';

/** The keys of the settings, as package.json contributes them (without the section). */
export const SETTING = {
  layout: 'layout',
  customLayoutFile: 'customLayoutFile',
  physicalAddressBits: 'physicalAddressBits',
  statusBar: 'statusBar.enabled',
  defines: 'defines',
  includePaths: 'includePaths',
  compileCommands: 'compileCommands',
  kernelBuildDir: 'kernel.buildDir',
  inlayHints: 'inlayHints.enabled',
  workspaceIndex: 'workspaceIndex.enabled',
  workspaceIndexMaxFiles: 'workspaceIndex.maxFiles',
  maxFileSizeMB: 'maxFileSizeMB',
  rules: 'rules',
} as const;

export const DEFAULT_PHYSICAL_ADDRESS_BITS = 52;
const SEVERITY_SETTINGS: readonly string[] = ['off', 'hint', 'information', 'warning', 'error'];

/** The layout setting: the id, and whether someone set it (a workspace layout file wins over the default only). */
export interface LayoutSetting {
  id: string;
  explicit: boolean;
}

/** What the rules read from the settings. */
export interface RuleSettings {
  physicalAddressBits: number;
  severities: Partial<Record<RuleCode, SeveritySetting>>;
  /** Severity of PL000, a suppression comment that is not applied (`pagingLayout.rules.PL000`, default warning). */
  suppressionProblems: SeveritySetting;
}

/** What the analysis of one document reads from the settings. */
export interface AnalysisSettings {
  defines: DefineSettings;
  /** `pagingLayout.includePaths`, absolute, with the workspace-trust rule applied. */
  includeDirs: string[];
  /** The configured compile_commands.json ('' when unset or when the workspace is untrusted). */
  compileCommands: string;
}

export function layoutSetting(value: unknown, setAnywhere: boolean): LayoutSetting {
  const id = typeof value === 'string' && value.trim() ? value.trim() : DEFAULT_LAYOUT_ID;
  return { id, explicit: setAnywhere };
}

/** An integer number of bits in the range package.json allows (32–64), else the default. */
export function physicalAddressBitsFrom(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 32 && value <= 64 ? value : DEFAULT_PHYSICAL_ADDRESS_BITS;
}

/** Severity overrides of `pagingLayout.rules.PLnnn`; values that are not a severity are left out. */
export function severitiesFrom(get: (code: RuleCode) => unknown): Partial<Record<RuleCode, SeveritySetting>> {
  const out: Partial<Record<RuleCode, SeveritySetting>> = {};
  for (const r of RULES) {
    const s = get(r.code);
    if (typeof s === 'string' && SEVERITY_SETTINGS.includes(s)) out[r.code] = s as SeveritySetting;
  }
  return out;
}

/** `pagingLayout.rules.PL000`: a severity, or the default (warning). */
export function severityFrom(s: unknown, fallback: SeveritySetting = 'warning'): SeveritySetting {
  return typeof s === 'string' && SEVERITY_SETTINGS.includes(s) ? s as SeveritySetting : fallback;
}

/** `pagingLayout.maxFileSizeMB` in bytes; anything but a positive finite number gives the default (8 MB). */
export function maxFileBytesFrom(mb: unknown): number {
  return typeof mb === 'number' && Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : DEFAULT_MAX_FILE_BYTES;
}

/** `pagingLayout.workspaceIndex.maxFiles`: a whole number of files, 0 (the default) for no limit; anything else gives 0. */
export function maxFilesFrom(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
}

export function booleanFrom(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/**
 * `pagingLayout.defines` as an object: `{ "NAME": value }` as written, or `["NAME", "NAME=value"]`
 * (a bare name means defined as 1). Values of another type and other shapes are ignored.
 */
export function definesFrom(value: unknown): DefineSettings {
  const out: DefineSettings = {};
  if (Array.isArray(value)) {
    for (const d of value) {
      if (typeof d !== 'string' || !d.trim()) continue;
      const i = d.indexOf('=');
      if (i < 0) out[d.trim()] = true;
      else out[d.slice(0, i).trim()] = d.slice(i + 1);
    }
    return out;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    }
  }
  return out;
}

/** True when `p` is `folder` or lies below it (by path segments, not by string prefix). */
export function isInside(p: string, folder: string): boolean {
  const rel = path.relative(folder, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * `pagingLayout.includePaths` resolved against the workspace folder (`${workspaceFolder}` expanded,
 * relative entries joined). In an untrusted workspace a directory outside the folder is ignored
 * (VS Code already hands over only the user-settings value of this restricted setting there).
 */
export function includeDirsFrom(value: unknown, folder: string, trusted: boolean): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const d of value) {
    if (typeof d !== 'string' || !d) continue;
    const p = d.replace(/\$\{workspaceFolder\}/g, folder);
    const abs = path.isAbsolute(p) ? path.normalize(p) : path.join(folder, p);
    if (!trusted && !isInside(abs, folder)) continue;
    out.push(abs);
  }
  return out;
}

/** `pagingLayout.compileCommands`; ignored in an untrusted workspace (the folder's own compile_commands.json is still read). */
export function compileCommandsFrom(value: unknown, trusted: boolean): string {
  return trusted && typeof value === 'string' ? value : '';
}

/**
 * `pagingLayout.kernel.buildDir`: '' (detect), 'none' (no kernel build), or a directory (absolute, or
 * relative to the workspace folder). A directory named by the setting is ignored in untrusted workspaces.
 */
export function kernelBuildDirFrom(value: unknown, folder: string, trusted: boolean): { mode: 'detect' } | { mode: 'none' } | { mode: 'dir'; dir: string } {
  const v = typeof value === 'string' ? value.trim() : '';
  if (v === '') return { mode: 'detect' };
  if (v.toLowerCase() === 'none') return { mode: 'none' };
  if (!trusted) return { mode: 'detect' };
  return { mode: 'dir', dir: path.isAbsolute(v) ? v : path.join(folder, v) };
}

/** `pagingLayout.customLayoutFile` ('' when unset or not a string). */
export function customLayoutFileFrom(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}
