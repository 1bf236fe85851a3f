// The pure part of the workspace index: `#define`s (and assembler `.set`/`.equ`/`=`, NASM `equ`/`%define`)
// of many files, extracted with a fast line scan, looked up by name. The extension feeds it files in
// the background; evaluation asks it for names the document and its includes do not define.

import { MacroDef, makeSymbol, parseDefine } from './evaluate';
import { Family, familyFor, scanLine, tokenize } from './scanner';

export interface IndexedDefine {
  name: string;
  file: string;
  /** 0-based line of the definition. */
  line: number;
  /** Parameters of a function-like macro. */
  params?: string[];
  /** Body as written (continuations joined, comments removed, whitespace collapsed). */
  body: string;
  kind: 'define' | 'symbol';
}

const C_DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\([^)]*\))?(.*)$/;
const GAS_SET = /^[ \t]*(?:[A-Za-z_.$][\w.$]*:[ \t]*)?\.(?:set|equ|equiv|eqv)[ \t]+([A-Za-z_.$][\w.$]*)[ \t]*,(.*)$/i;
const GAS_ASSIGN = /^[ \t]*([A-Za-z_][\w.$]*)[ \t]*=(?!=)(.*)$/;
const NASM_EQU = /^[ \t]*([A-Za-z_.?$][\w.?$#@~]*):?[ \t]+equ[ \t]+(.*)$/i;
const NASM_DEFINE = /^[ \t]*%(?:x|i|ix)?define[ \t]+([A-Za-z_.?$][\w.?$#@~]*)(\([^)]*\))?(.*)$/i;

function cleanBody(s: string, family: Family): string {
  let t = s;
  if (t.includes('/*')) t = t.replace(/\/\*.*?(\*\/|$)/g, ' ');
  if (t.includes('//') && family !== 'nasm') t = t.replace(/\/\/.*$/, '');
  if (family === 'nasm' && t.includes(';')) t = t.replace(/;.*$/, '');
  if (family === 'gas' && t.includes('#')) t = t.replace(/(^|\s)#.*$/, '');
  return t.replace(/\s+/g, ' ').trim();
}

/**
 * Definitions of a file's text, without full lexing: a line scan that looks only at lines that can
 * define something. Bodies continued with a backslash are joined.
 */
export function extractDefines(text: string, family: Family, file = ''): IndexedDefine[] {
  const out: IndexedDefine[] = [];
  const asm = family === 'gas' || family === 'nasm';
  let pos = 0;
  let line = 0;
  const n = text.length;
  while (pos <= n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    // Quick rejection: only lines with '#', '%', '.', '=' or 'equ' can define.
    const first = firstNonSpace(text, pos, end);
    const c = first < end ? text.charCodeAt(first) : 0;
    if (c === 35 /* # */ || (asm && c !== 0) || family === 'ld') {
      let ln = text.slice(pos, end);
      if (ln.endsWith('\r')) ln = ln.slice(0, -1);
      let m: RegExpExecArray | null = null;
      if (c === 35 && (m = C_DEFINE.exec(ln))) {
        const startLine = line;
        // backslash continuations: the pieces are joined once (linear in the lines continued)
        let piece = m[3];
        const parts: string[] = [];
        while (piece.endsWith('\\') && end < n) {
          parts.push(piece.slice(0, -1));
          const next = text.indexOf('\n', end + 1);
          const e2 = next < 0 ? n : next;
          piece = text.slice(end + 1, e2);
          if (piece.endsWith('\r')) piece = piece.slice(0, -1);
          end = e2;
          line++;
        }
        parts.push(piece);
        const body = parts.length === 1 ? piece : parts.join(' ');
        const params = m[2] ? m[2].slice(1, -1).split(',').map((p) => p.trim()).filter((p) => p.length > 0) : undefined;
        out.push({ name: m[1], file, line: startLine, params, body: cleanBody(body, family), kind: 'define' });
      } else if (family === 'gas' && (m = GAS_SET.exec(ln) ?? GAS_ASSIGN.exec(ln))) {
        out.push({ name: m[1], file, line, body: cleanBody(m[2], family), kind: 'symbol' });
      } else if (family === 'nasm' && (m = NASM_DEFINE.exec(ln))) {
        const params = m[2] ? m[2].slice(1, -1).split(',').map((p) => p.trim()).filter((p) => p.length > 0) : undefined;
        out.push({ name: m[1], file, line, params, body: cleanBody(m[3], family), kind: 'define' });
      } else if (family === 'nasm' && (m = NASM_EQU.exec(ln))) {
        out.push({ name: m[1], file, line, body: cleanBody(m[2], family), kind: 'symbol' });
      } else if (family === 'ld' && (m = /^[ \t]*(?:PROVIDE(?:_HIDDEN)?\([ \t]*)?([A-Za-z_][\w.$]*)[ \t]*=(?!=)([^;]*);/.exec(ln))) {
        out.push({ name: m[1], file, line, body: cleanBody(m[2].replace(/\)\s*$/, ''), family), kind: 'symbol' });
      }
    }
    pos = end + 1;
    line++;
  }
  return out;
}

function firstNonSpace(text: string, pos: number, end: number): number {
  while (pos < end) {
    const c = text.charCodeAt(pos);
    if (c !== 32 && c !== 9) return pos;
    pos++;
  }
  return end;
}

/**
 * How near a definition's file is to the file that asks: the directories they share (characters of
 * the common prefix up to its last separator), then how alike their names are (common start and end:
 * `pgtable_64_types.h` is nearer `page_64_types.h` than `page_32_types.h`). Larger is nearer.
 */
export function pathAffinity(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  let dir = i;
  while (dir > 0 && a.charCodeAt(dir - 1) !== 47 && a.charCodeAt(dir - 1) !== 92) dir--;
  const sa = Math.max(a.lastIndexOf('/'), a.lastIndexOf('\\')) + 1, sb = Math.max(b.lastIndexOf('/'), b.lastIndexOf('\\')) + 1;
  const m = Math.min(a.length - sa, b.length - sb);
  let pre = 0;
  while (pre < m && a.charCodeAt(sa + pre) === b.charCodeAt(sb + pre)) pre++;
  let suf = 0;
  while (suf < m && a.charCodeAt(a.length - 1 - suf) === b.charCodeAt(b.length - 1 - suf)) suf++;
  return dir * 1024 + Math.min(1023, pre + suf);
}

/** An index of definitions across files. */
export class DefineIndex {
  private byFile = new Map<string, IndexedDefine[]>();
  /** One definition (the common case) or several. */
  private byName = new Map<string, IndexedDefine | IndexedDefine[]>();
  private defCache = new Map<IndexedDefine, MacroDef | null>();

  /** Add or replace a file's definitions. Returns how many it has. */
  addFile(file: string, text: string, family?: Family): number {
    this.removeFile(file);
    const fam = family ?? familyFor(undefined, file) ?? 'c';
    const defs = extractDefines(text, fam, file);
    this.byFile.set(file, defs);
    for (const d of defs) {
      const cur = this.byName.get(d.name);
      if (cur === undefined) this.byName.set(d.name, d);
      else if (Array.isArray(cur)) cur.push(d);
      else this.byName.set(d.name, [cur, d]);
    }
    return defs.length;
  }

  removeFile(file: string): void {
    const defs = this.byFile.get(file);
    if (!defs) return;
    this.byFile.delete(file);
    // each name once: a file defining one name many times costs one pass over that name's list
    const names = new Set<string>();
    for (const d of defs) {
      this.defCache.delete(d);
      if (names.has(d.name)) continue;
      names.add(d.name);
      const cur = this.byName.get(d.name);
      if (cur === undefined) continue;
      const rest = (Array.isArray(cur) ? cur : [cur]).filter((x) => x.file !== file);
      if (rest.length > 1) this.byName.set(d.name, rest);
      else if (rest.length === 1) this.byName.set(d.name, rest[0]);
      else this.byName.delete(d.name);
    }
  }

  clear(): void {
    this.byFile.clear();
    this.byName.clear();
    this.defCache.clear();
  }

  get fileCount(): number { return this.byFile.size; }
  get defineCount(): number { let n = 0; for (const d of this.byFile.values()) n += d.length; return n; }
  hasFile(file: string): boolean { return this.byFile.has(file); }
  names(): IterableIterator<string> { return this.byName.keys(); }

  /** Every definition of a name, nearest to `near` (a file path) first. */
  lookup(name: string, near?: string): IndexedDefine[] {
    const cur = this.byName.get(name);
    if (!cur) return [];
    if (!Array.isArray(cur)) return [cur];
    const list = cur;
    if (!near) return list.slice();
    return list.slice().sort((a, b) => pathAffinity(b.file, near) - pathAffinity(a.file, near) || a.file.localeCompare(b.file));
  }

  /**
   * Candidates for evaluation: the nearest definition (by path) of a name, as a MacroDef whose origin
   * names its file and how many other files define it differently. Undefined when the index has none.
   */
  macroLookup(near?: string): (name: string) => MacroDef[] | undefined {
    return (name) => {
      const list = this.lookup(name, near);
      if (list.length === 0) return undefined;
      const d = this.toMacro(list[0]);
      if (!d) return undefined;
      const others = new Set(list.slice(1).filter((x) => x.body !== list[0].body).map((x) => x.file)).size;
      return [others ? { ...d, origin: { ...d.origin, note: `workspace index; ${others} other file${others === 1 ? '' : 's'} define it differently` } } : d];
    };
  }

  private toMacro(d: IndexedDefine): MacroDef | undefined {
    const hit = this.defCache.get(d);
    if (hit !== undefined) return hit ?? undefined;
    const def = macroOfIndexed(d);
    this.defCache.set(d, def ?? null);
    return def;
  }
}

/** An indexed definition as a macro (or assembler symbol) the evaluator reads; its origin names its file and line. */
export function macroOfIndexed(d: IndexedDefine, note = 'workspace index'): MacroDef | undefined {
  if (d.kind === 'symbol') {
    const fam = familyFor(undefined, d.file) ?? 'gas';
    return makeSymbol(d.name, tokenize(d.body, fam), [], { file: d.file, line: d.line, note });
  }
  const head = d.params ? `#define ${d.name}(${d.params.join(', ')}) ${d.body}` : `#define ${d.name} ${d.body}`;
  const toks = scanLine(head, 'c', 0).tokens;
  return parseDefine(toks[2], toks.slice(3), [], { file: d.file, line: d.line, note });
}

// The compact form of the index, for whole trees (typed arrays, bodies read back from the files).
export * from './compactIndex';
