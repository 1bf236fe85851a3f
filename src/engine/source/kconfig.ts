// A kernel configuration as the compiler sees it: `.config` (`CONFIG_X=y`, `=m`, numbers, strings,
// `# CONFIG_X is not set`) or `include/generated/autoconf.h` (`#define CONFIG_X 1`), turned into the
// macros Kbuild gives every translation unit. With a configuration known, a `CONFIG_` symbol that it
// does not list is not set, as for gcc (Kconfig writes no line for symbols without a prompt).

import type { DefineSettings } from './preprocessor';
import { MacroDef, MacroLookup, parseDefine } from './macros';
import { tokenize } from './scanner';

export interface ConfigProblem {
  line: number;
  message: string;
}

export interface KernelConfig {
  /** The macros: name -> body text (`1`, `64`, `0x1000000`, `"string"`), null for "known not set". */
  values: Map<string, string | null>;
  /** Which form it was read from. */
  source: '.config' | 'autoconf.h';
  file?: string;
  /** Lines that are neither an assignment, a "not set" comment, a comment nor blank. */
  problems: ConfigProblem[];
}

const ASSIGN = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/;
const NOT_SET = /^#\s*(CONFIG_[A-Za-z0-9_]+) is not set\s*$/;
const DEFINE = /^#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s+(.*?))?\s*$/;

function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** A `.config` value as autoconf.h writes it: y -> 1, m -> the _MODULE macro, n -> not set, others kept. */
function putValue(values: Map<string, string | null>, name: string, raw: string): string | undefined {
  const v = raw.trim();
  if (v === 'y') { values.set(name, '1'); return undefined; }
  if (v === 'm') { values.set(name, null); values.set(name + '_MODULE', '1'); return undefined; }
  if (v === 'n' || v === '') { values.set(name, null); return undefined; }
  if (/^"(?:[^"\\]|\\.)*"$/.test(v)) { values.set(name, v); return undefined; }
  if (/^-?(?:0[xX][0-9a-fA-F]+|\d+)$/.test(v)) { values.set(name, v); return undefined; }
  return `${name}=${v}: expected y, m, n, a number or a "string"`;
}

/** Parse a `.config` file. Never throws; unreadable lines are listed in `problems` with their number. */
export function parseDotConfig(text: string, file?: string): KernelConfig {
  const values = new Map<string, string | null>();
  const problems: ConfigProblem[] = [];
  const ls = lines(text);
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i].trim();
    if (l === '') continue;
    const a = ASSIGN.exec(l);
    if (a) {
      const bad = putValue(values, a[1], a[2]);
      if (bad) problems.push({ line: i + 1, message: bad });
      continue;
    }
    const n = NOT_SET.exec(l);
    if (n) {
      // A "not set" line never overrides a value given earlier in the file (Kconfig writes one or the other).
      if (!values.has(n[1])) values.set(n[1], null);
      continue;
    }
    if (l.startsWith('#')) continue;
    problems.push({ line: i + 1, message: `not a configuration line: ${l.length > 80 ? l.slice(0, 80) + '…' : l}` });
  }
  return { values, source: '.config', file, problems };
}

/** Parse `include/generated/autoconf.h` (`#define CONFIG_X value` lines). */
export function parseAutoconf(text: string, file?: string): KernelConfig {
  const values = new Map<string, string | null>();
  const problems: ConfigProblem[] = [];
  const ls = lines(text);
  let inComment = false;
  for (let i = 0; i < ls.length; i++) {
    let l = ls[i].trim();
    if (inComment) {
      const e = l.indexOf('*/');
      if (e < 0) continue;
      l = l.slice(e + 2).trim();
      inComment = false;
    }
    if (l.startsWith('/*')) {
      if (!l.includes('*/', 2)) inComment = true;
      continue;
    }
    if (l === '' || l.startsWith('//')) continue;
    const d = DEFINE.exec(l);
    if (d) {
      values.set(d[1], d[2] === undefined || d[2] === '' ? '' : d[2]);
      continue;
    }
    if (/^#\s*(ifndef|ifdef|endif|if|else|undef|pragma)\b/.test(l)) continue;
    problems.push({ line: i + 1, message: `not a #define line: ${l.length > 80 ? l.slice(0, 80) + '…' : l}` });
  }
  return { values, source: 'autoconf.h', file, problems };
}

/**
 * The configuration as preprocessor defines (`-D`), with `CONFIG_X=n`-style "not set" entries for the
 * symbols the file names as not set. An empty autoconf body (`#define X`) stays empty.
 */
export function configDefines(cfg: KernelConfig): DefineSettings {
  const out: DefineSettings = {};
  for (const [k, v] of cfg.values) out[k] = v === null ? null : v === '' ? ' ' : v;
  return out;
}

/** `IS_BUILTIN(CONFIG_X)`: set to y (defined as 1). */
export function isBuiltin(cfg: KernelConfig, name: string): boolean {
  const v = cfg.values.get(name);
  return v !== undefined && v !== null && v.trim() === '1';
}

/** `IS_MODULE(CONFIG_X)`: set to m (`CONFIG_X_MODULE` defined as 1). */
export function isModule(cfg: KernelConfig, name: string): boolean {
  return isBuiltin(cfg, name + '_MODULE');
}

/** `IS_ENABLED(CONFIG_X)`: y or m. */
export function isEnabled(cfg: KernelConfig, name: string): boolean {
  return isBuiltin(cfg, name) || isModule(cfg, name);
}

/** `IS_REACHABLE(CONFIG_X)`: built in, or a module when the code itself is built as a module (`MODULE`). */
export function isReachable(cfg: KernelConfig, name: string, buildingModule = false): boolean {
  return isBuiltin(cfg, name) || (isModule(cfg, name) && buildingModule);
}

/** Whether a name is a Kconfig symbol (what "config complete" applies to). */
export function isConfigName(name: string): boolean {
  return name.startsWith('CONFIG_');
}

const parsed = new Map<string, KernelConfig>();

/**
 * Parse a configuration file by its name (`.config` or `autoconf.h`), cached by path and text: a
 * configuration is read once per process however many evaluations use it.
 */
export function readKernelConfig(file: string, text: string): KernelConfig {
  const key = file + '\u0000' + text.length;
  const hit = parsed.get(key);
  if (hit && hit.file === file && (hit as KernelConfig & { text?: string }).text === text) return hit;
  const cfg = /autoconf\.h$/.test(file) ? parseAutoconf(text, file) : parseDotConfig(text, file);
  Object.defineProperty(cfg, 'text', { value: text, enumerable: false });
  if (parsed.size > 16) parsed.clear();
  parsed.set(key, cfg);
  return cfg;
}

/**
 * The configuration as a macro lookup (its symbols only; made when first asked): an unlisted CONFIG_
 * name is unknown here, and not set for an evaluation with `configComplete`.
 */
export function configLookup(cfg: KernelConfig): MacroLookup {
  const made = new Map<string, MacroDef[]>();
  return (name) => {
    if (!cfg.values.has(name)) return undefined;
    const v = cfg.values.get(name)!;
    if (v === null) return [];
    let d = made.get(name);
    if (!d) {
      const def = parseDefine({ kind: 'ident', text: name, start: 0, end: name.length }, tokenize(v), [], { note: `configuration ${cfg.file ?? ''}`.trim() });
      d = def ? [def] : [];
      made.set(name, d);
    }
    return d;
  };
}
