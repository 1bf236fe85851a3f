// compile_commands.json read fully: `-D`, `-U`, `-I`, `-isystem`, `-iquote`, `-idirafter`, `-include`,
// `-imacros`, `@response` files, `arguments` or a shell-quoted `command`, paths relative to the entry's
// `directory`. A header or `.S` file (which generators such as the kernel's do not list) takes the
// flags of a translation unit that includes it, else of a sibling `.c`, else of the nearest unit.
// Pure: files are read through a callback.
//
// The command is split by POSIX shell word rules (quotes, backslashes) and nothing else: a compile
// command is a list of words, and a shell library's variable, glob and operator handling (shell-quote
// turns `-DX=$Y` into `-DX=` and `$(srctree)` into operators) would change the words it was given.

import { DefineSettings } from './preprocessor';

export interface CompileEntry {
  directory: string;
  file: string;
  arguments?: string[];
  command?: string;
  output?: string;
}

export interface CompileFlags {
  /** `-D`/`-U` in order (a later one wins): value text, or null for `-U`. */
  defines: DefineSettings;
  /** `-iquote` directories (quoted includes only). */
  quoteDirs: string[];
  /** `-I` directories. */
  includeDirs: string[];
  /** `-isystem` directories. */
  systemDirs: string[];
  /** `-idirafter` directories. */
  afterDirs: string[];
  /** `-include FILE`, in order. */
  forcedIncludes: string[];
  /** `-imacros FILE`, in order (their macros only). */
  macroIncludes: string[];
  /** `-nostdinc` was given (the kernel's units). */
  nostdinc: boolean;
  /** Unreadable response files, options without their value. */
  problems: string[];
}

export interface FlagsIO {
  /** Reads a file (response files, translation units); undefined when it cannot be read. */
  readFile?(path: string): string | undefined;
}

/** A path's parent directory (POSIX). */
export function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
}

/** `b` resolved against `a` (POSIX), with `.` and `..` folded. */
export function resolvePath(a: string, b: string): string {
  const parts = (b.startsWith('/') ? b : `${a}/${b}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') { if (out.length) out.pop(); continue; }
    out.push(p);
  }
  return '/' + out.join('/');
}

/**
 * Split a command line into words as a POSIX shell does: blanks separate words; single quotes keep
 * everything; double quotes keep everything but `\"`, `\\`, `\$`, `` \` ``; a backslash outside quotes
 * escapes the next character. Undefined when a quote is not closed.
 */
export function splitCommand(cmd: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) { out.push(cur); cur = ''; inWord = false; }
      continue;
    }
    inWord = true;
    if (c === '\\') {
      if (i + 1 < cmd.length) {
        if (cmd[i + 1] === '\n') { i++; continue; } // line continuation
        cur += cmd[++i];
      }
      continue;
    }
    if (c === "'") {
      const e = cmd.indexOf("'", i + 1);
      if (e < 0) return undefined;
      cur += cmd.slice(i + 1, e);
      i = e;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < cmd.length && cmd[j] !== '"'; j++) {
        if (cmd[j] === '\\' && j + 1 < cmd.length && '"\\$`\n'.includes(cmd[j + 1])) {
          if (cmd[j + 1] !== '\n') cur += cmd[j + 1];
          j++;
        } else cur += cmd[j];
      }
      if (j >= cmd.length) return undefined;
      i = j;
      continue;
    }
    cur += c;
  }
  if (inWord) out.push(cur);
  return out;
}

const VALUED: Record<string, keyof CompileFlags | 'D' | 'U'> = {
  '-D': 'D', '-U': 'U', '-I': 'includeDirs', '-isystem': 'systemDirs', '-iquote': 'quoteDirs', '-idirafter': 'afterDirs',
  '-include': 'forcedIncludes', '-imacros': 'macroIncludes', '--include-directory': 'includeDirs',
};
/** Options whose value follows without a space too (`-Idir`, `-DX=1`, `-isystemdir`). */
const ATTACHED = ['-isystem', '-iquote', '-idirafter', '-include', '-imacros', '-D', '-U', '-I'];

/** Flags of one compiler invocation (its words), relative paths against `directory`. */
export function parseFlags(args: readonly string[], directory: string, io: FlagsIO = {}): CompileFlags {
  const f: CompileFlags = { defines: {}, quoteDirs: [], includeDirs: [], systemDirs: [], afterDirs: [], forcedIncludes: [], macroIncludes: [], nostdinc: false, problems: [] };
  const words = expandResponses(args, directory, io, f.problems, 0);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '-nostdinc') { f.nostdinc = true; continue; }
    let opt: string | undefined;
    let val: string | undefined;
    if (w in VALUED) {
      opt = w;
      if (i + 1 >= words.length) { f.problems.push(`${w} without a value`); break; }
      val = words[++i];
    } else {
      const eq = /^--include-directory=(.*)$/s.exec(w);
      if (eq) { opt = '--include-directory'; val = eq[1]; }
      else {
        for (const a of ATTACHED) {
          if (w.startsWith(a) && w.length > a.length) { opt = a; val = w.slice(a.length); break; }
        }
      }
    }
    if (!opt || val === undefined) continue;
    const kind = VALUED[opt];
    if (kind === 'D') {
      const e = val.indexOf('=');
      const name = (e < 0 ? val : val.slice(0, e)).trim();
      if (!/^[A-Za-z_]\w*$/.test(name)) { f.problems.push(`-D${val}: not a macro name`); continue; }
      delete f.defines[name];
      f.defines[name] = e < 0 ? '1' : val.slice(e + 1) === '' ? ' ' : val.slice(e + 1);
    } else if (kind === 'U') {
      delete f.defines[val];
      f.defines[val] = null;
    } else {
      (f[kind as 'includeDirs'] as string[]).push(resolvePath(directory, val));
    }
  }
  return f;
}

function expandResponses(args: readonly string[], directory: string, io: FlagsIO, problems: string[], depth: number): string[] {
  if (!args.some((a) => a.startsWith('@'))) return args.slice();
  const out: string[] = [];
  for (const a of args) {
    if (!a.startsWith('@') || a.length === 1) { out.push(a); continue; }
    const p = resolvePath(directory, a.slice(1));
    const text = depth < 8 ? io.readFile?.(p) : undefined;
    const words = text === undefined ? undefined : splitCommand(text);
    if (!words) { problems.push(depth >= 8 ? `${a}: response files nested too deep` : text === undefined ? `${a}: response file not readable` : `${a}: unterminated quote`); continue; }
    out.push(...expandResponses(words, directory, io, problems, depth + 1));
  }
  return out;
}

/** The include search path for a quoted or an angle-bracket include (gcc's order). */
export function searchPath(f: CompileFlags, quoted: boolean): string[] {
  return [...(quoted ? f.quoteDirs : []), ...f.includeDirs, ...f.systemDirs, ...f.afterDirs];
}

export interface ParsedDatabase {
  entries: CompileEntry[];
  problems: string[];
}

/** Parse compile_commands.json text. Bad entries are skipped with a message naming their index. */
export function parseCompileCommands(text: string, file = 'compile_commands.json'): ParsedDatabase {
  const problems: string[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { entries: [], problems: [`${file}: not JSON (${(e as Error).message})`] };
  }
  if (!Array.isArray(data)) return { entries: [], problems: [`${file}: expected an array of entries`] };
  const entries: CompileEntry[] = [];
  data.forEach((e: unknown, i) => {
    const o = e as Record<string, unknown>;
    if (!o || typeof o !== 'object' || typeof o.directory !== 'string' || typeof o.file !== 'string' ||
      (!Array.isArray(o.arguments) && typeof o.command !== 'string')) {
      problems.push(`${file}: entry ${i} needs "directory", "file" and "arguments" or "command"`);
      return;
    }
    const dir = resolvePath('/', o.directory);
    entries.push({
      directory: dir, file: resolvePath(dir, o.file),
      ...(Array.isArray(o.arguments) ? { arguments: o.arguments.map(String) } : { command: o.command as string }),
      ...(typeof o.output === 'string' ? { output: o.output } : {}),
    });
  });
  return { entries, problems };
}

export interface FlagsChoice {
  flags: CompileFlags;
  /** The translation unit whose flags these are. */
  unit: string;
  how: 'listed' | 'includer' | 'sibling' | 'nearest';
}

const SOURCE = /\.(c|cc|cpp|cxx|C)$/;

/**
 * The compile database of a build: flags per listed file, and for other files (headers, `.S`) the
 * flags of a unit that includes them, a sibling `.c`, or the nearest unit (the kernel's units share
 * their include paths). Units that look like host tools (no `-nostdinc` among units that have it)
 * are chosen last.
 */
export class CompileDatabase {
  private readonly byFile = new Map<string, CompileEntry>();
  private readonly byDir = new Map<string, CompileEntry[]>();
  private readonly flagCache = new Map<CompileEntry, CompileFlags>();
  private readonly choice = new Map<string, FlagsChoice | undefined>();
  readonly problems: string[];
  private kernelish?: boolean;

  constructor(readonly entries: CompileEntry[], private readonly io: FlagsIO = {}, problems: string[] = []) {
    this.problems = problems.slice();
    for (const e of entries) {
      this.byFile.set(e.file, e);
      const d = dirOf(e.file);
      const l = this.byDir.get(d);
      if (l) l.push(e); else this.byDir.set(d, [e]);
    }
  }

  static fromText(text: string, file: string, io: FlagsIO = {}): CompileDatabase {
    const p = parseCompileCommands(text, file);
    return new CompileDatabase(p.entries, io, p.problems);
  }

  /** The words of an entry's command (arguments, or the command split as a shell does). */
  words(e: CompileEntry): string[] {
    if (e.arguments) return e.arguments;
    const w = splitCommand(e.command ?? '');
    if (!w) { this.problems.push(`${e.file}: the command has an unterminated quote`); return []; }
    return w;
  }

  flagsOf(e: CompileEntry): CompileFlags {
    let f = this.flagCache.get(e);
    if (!f) {
      f = parseFlags(this.words(e).slice(1), e.directory, this.io);
      this.flagCache.set(e, f);
    }
    return f;
  }

  /** Flags for a file, listed or not (see the class comment). */
  flagsFor(file: string, maxIncluderReads = 200): FlagsChoice | undefined {
    if (this.choice.has(file)) return this.choice.get(file);
    const r = this.choose(file, maxIncluderReads);
    this.choice.set(file, r);
    return r;
  }

  private choose(file: string, maxReads: number): FlagsChoice | undefined {
    const listed = this.byFile.get(file);
    if (listed) return { flags: this.flagsOf(listed), unit: listed.file, how: 'listed' };
    if (this.entries.length === 0) return undefined;
    const dir = dirOf(file);
    const base = file.slice(dir.length + 1).replace(/\.[^.]*$/, '');
    const kernelish = (this.kernelish ??= this.entries.some((e) => this.flagsOf(e).nostdinc));
    const ok = (e: CompileEntry) => SOURCE.test(e.file) && (!kernelish || this.flagsOf(e).nostdinc);
    // A sibling with the same stem (foo.S -> foo.c), then any unit of the directory.
    const sib = (this.byDir.get(dir) ?? []).filter(ok);
    const same = sib.find((e) => e.file.slice(dir.length + 1).replace(/\.[^.]*$/, '') === base);
    if (same) return { flags: this.flagsOf(same), unit: same.file, how: 'sibling' };
    // A unit that includes the file: the units nearest to it first, a bounded number of reads.
    if (this.io.readFile && /\.(h|hh|hpp|inc)$/.test(file)) {
      const name = file.slice(dir.length + 1);
      const order = nearestFirst(this.entries.filter(ok), file);
      let reads = 0;
      for (const e of order) {
        if (reads++ >= maxReads) break;
        const text = this.io.readFile(e.file);
        if (!text || !text.includes(name)) continue;
        const f = this.flagsOf(e);
        const re = /^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]/gm;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          if (!m[2].endsWith(name)) continue;
          const cands = [...(m[1] === '"' ? [dirOf(e.file)] : []), ...searchPath(f, m[1] === '"')].map((d) => resolvePath(d, m![2]));
          if (cands.includes(file)) return { flags: f, unit: e.file, how: 'includer' };
        }
      }
    }
    if (sib.length) return { flags: this.flagsOf(sib[0]), unit: sib[0].file, how: 'sibling' };
    const near = nearestFirst(this.entries.filter(ok), file)[0] ?? this.entries[0];
    return { flags: this.flagsOf(near), unit: near.file, how: 'nearest' };
  }
}

/** Entries ordered by how many leading directories they share with a file (most first; stable). */
function nearestFirst(entries: CompileEntry[], file: string): CompileEntry[] {
  return entries.map((e, i) => ({ e, i, c: common(e.file, file) })).sort((a, b) => b.c - a.c || a.i - b.i).map((x) => x.e);
}

/** Length of the common directory prefix of two paths (in path segments). */
function common(a: string, b: string): number {
  const x = a.split('/'), y = b.split('/');
  let i = 0;
  while (i < x.length - 1 && i < y.length - 1 && x[i] === y[i]) i++;
  return i;
}
