// Argument handling shared by the CLI commands, and the file system the engine reads through.
import * as fs from 'node:fs';
import { InputError, Layout, loadLayoutFile, requireLayout, DEFAULT_LAYOUT_ID } from '../engine/paging';
import { KbuildFS } from '../engine/source';

export interface IO {
  out(s: string): void;
  err(s: string): void;
}

export type Command = (args: string[], io: IO) => number | Promise<number>;

/** A usage mistake: printed as one line, exit code 2. */
export class UsageError extends InputError {}

export interface Parsed {
  positional: string[];
  flags: Map<string, string[]>;
}

/**
 * Parse `--name value`, `--name=value`, `-I dir`, `-Ddef` style options. `valued` lists the options that
 * take a value; `boolean` those that don't; anything else starting with '-' is a usage error.
 */
export function parseArgs(args: string[], valued: string[], boolean: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  const put = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { positional.push(...args.slice(i + 1)); break; }
    const eq = /^(--[a-z-]+)=(.*)$/s.exec(a);
    if (eq && valued.includes(eq[1])) { put(eq[1], eq[2]); continue; }
    const short = /^(-[A-Z])(.+)$/s.exec(a);
    if (short && valued.includes(short[1])) { put(short[1], short[2]); continue; }
    if (valued.includes(a)) {
      if (i + 1 >= args.length) throw new UsageError(`${a} needs a value`);
      put(a, args[++i]);
    } else if (boolean.includes(a)) put(a, 'true');
    else if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) throw new UsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  return { positional, flags };
}

export const one = (p: Parsed, k: string): string | undefined => p.flags.get(k)?.at(-1);
export const has = (p: Parsed, k: string): boolean => p.flags.has(k);

/** Custom layouts from --layout-file options (each may extend a preset). */
export function customLayouts(p: Parsed): Layout[] {
  const out: Layout[] = [];
  for (const f of p.flags.get('--layout-file') ?? []) {
    const res = loadLayoutFile(f);
    if (!res.layout) {
      const pr = res.problems[0];
      throw new InputError(`${f}:${pr.line}:${pr.column}: ${pr.message}`);
    }
    out.push(res.layout);
  }
  return out;
}

/** The layout named by --layout (default: the first --layout-file's layout, else the default preset). */
export function chosenLayout(p: Parsed): Layout {
  const extra = customLayouts(p);
  return requireLayout(one(p, '--layout') ?? extra[0]?.id ?? DEFAULT_LAYOUT_ID, extra);
}

export function json(v: unknown): string {
  return JSON.stringify(v, null, 2) + '\n';
}

/**
 * The file system for the engine's kernel-build context (kbuild.ts), bounded reads, never throws.
 * Texts and directory listings are kept for its lifetime: make one per command run.
 */
export function nodeKbuildFS(): KbuildFS {
  const MAX = 16 * 1024 * 1024;
  const texts = new Map<string, string | undefined>();
  // The names in a directory, listed once: an #include looked for in each -I directory in turn
  // mostly misses, and a miss answered from the listing costs no system call (or thrown error).
  const listings = new Map<string, Set<string> | null>();
  const absent = (p: string): boolean => {
    const i = p.lastIndexOf('/');
    if (i <= 0) return false;
    const dir = p.slice(0, i);
    let names = listings.get(dir);
    if (names === undefined) {
      try { names = new Set(fs.readdirSync(dir)); } catch { names = null; }
      listings.set(dir, names);
    }
    return names === null || !names.has(p.slice(i + 1));
  };
  const read = (p: string): string | undefined => {
    if (texts.has(p)) return texts.get(p);
    if (absent(p)) { texts.set(p, undefined); return undefined; }
    let t: string | undefined;
    try {
      // (no stat first: a directory or a missing file throws; sources are far below the limit)
      t = fs.readFileSync(p, 'utf8');
      if (t.length > MAX) t = undefined;
    } catch {
      t = undefined;
    }
    if (texts.size > 4000) texts.clear();
    texts.set(p, t);
    return t;
  };
  // Directory listings, once per process (a name's definition and its includers are looked for in the same directories).
  const dirs = new Map<string, string[] | undefined>();
  const list = (p: string): string[] | undefined => {
    try {
      return fs.readdirSync(p, { withFileTypes: true }).map((d) => {
        let dir = d.isDirectory();
        if (d.isSymbolicLink()) { try { dir = fs.statSync(`${p}/${d.name}`).isDirectory(); } catch { dir = false; } }
        return dir ? d.name + '/' : d.name;
      });
    } catch {
      return undefined;
    }
  };
  return {
    readFile: read,
    exists: (p) => !absent(p) && fs.existsSync(p),
    readLink: (p) => { try { return fs.readlinkSync(p); } catch { return undefined; } },
    listDir: (p) => {
      if (dirs.has(p)) return dirs.get(p);
      const names = list(p);
      dirs.set(p, names);
      return names;
    },
    contains: (p, needle) => {
      if (texts.has(p)) return (texts.get(p) ?? '').includes(needle);
      try {
        const b = fs.readFileSync(p);
        return b.length <= MAX && b.includes(needle);
      } catch {
        return false;
      }
    },
  };
}
