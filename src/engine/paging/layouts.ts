// Layouts: the built-in presets (data files in layouts/) and custom layout files that may extend them.
import * as fs from 'fs';
import * as path from 'path';
import * as jsonc from 'jsonc-parser';
import { getMode, addressMask } from './modes';
import { parseAddress, parseSize, InputError, formatHex } from './numbers';
import { Layout, LayoutSymbol, Region, RegionKind, REGION_KINDS } from './types';

export const DEFAULT_LAYOUT_ID = 'linux-x86_64-4level';

/** A problem in a layout file, with its position (0-based offset, 1-based line and column). */
export interface LayoutProblem {
  message: string;
  offset: number;
  length: number;
  line: number;
  column: number;
}

export interface LayoutLoadResult {
  layout?: Layout;
  problems: LayoutProblem[];
}

/** Find the folder that holds the preset files: `layouts/` beside or above the running module. */
export function presetsDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'layouts');
    if (fs.existsSync(path.join(candidate, `${DEFAULT_LAYOUT_ID}.json`))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`the built-in layout presets were not found near ${__dirname}`);
}

let builtinCache: Layout[] | undefined;

/** All built-in presets, sorted by id. A broken preset file is a packaging error and throws. */
export function builtinLayouts(): Layout[] {
  if (!builtinCache) {
    const dir = presetsDir();
    const layouts: Layout[] = [];
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const full = path.join(dir, file);
      const res = parseLayout(fs.readFileSync(full, 'utf8'), full, [], 'builtin');
      if (!res.layout) throw new Error(`${full}: ${res.problems.map((p) => `${p.line}:${p.column}: ${p.message}`).join('; ')}`);
      layouts.push(res.layout);
    }
    builtinCache = layouts;
  }
  return builtinCache;
}

/** A built-in preset by id, or undefined. */
export function getPreset(id: string): Layout | undefined {
  return builtinLayouts().find((l) => l.id === id);
}

/**
 * The preset of a paging mode among those whose id starts with `prefix` (`linux-`): the one named
 * after the mode (`linux-x86_64-4level`, `linux-arm64-4k-48bit`), else the first in id order.
 * Reads only the preset files that name the mode (a command that needs one preset does not parse
 * them all); a preset that extends another is judged after loading all.
 */
export function modePreset(modeId: string, prefix = 'linux-'): Layout | undefined {
  const pick = (ls: Layout[]) => {
    const c = ls.filter((l) => l.mode === modeId && l.id.startsWith(prefix));
    return c.find((l) => l.id === `${prefix}${modeId}` || l.id === `${prefix}${modeId}bit`) ?? c[0];
  };
  if (builtinCache) return pick(builtinCache);
  const dir = presetsDir();
  const found: Layout[] = [];
  const modeRe = new RegExp(`"mode"\\s*:\\s*"${modeId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`);
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const full = path.join(dir, file);
    const text = fs.readFileSync(full, 'utf8');
    if (/"extends"\s*:/.test(text)) return pick(builtinLayouts());
    if (!modeRe.test(text)) continue;
    const res = parseLayout(text, full, [], 'builtin');
    if (!res.layout) throw new Error(`${full}: ${res.problems.map((p) => `${p.line}:${p.column}: ${p.message}`).join('; ')}`);
    found.push(res.layout);
  }
  return pick(found);
}

/** A layout by id among the presets and the given extra (custom) layouts; custom ones win. */
export function findLayout(id: string, extra: Layout[] = []): Layout | undefined {
  return extra.find((l) => l.id === id) ?? getPreset(id);
}

/** Like findLayout but throws an InputError naming the known ids. */
export function requireLayout(id: string, extra: Layout[] = []): Layout {
  const l = findLayout(id, extra);
  if (!l) throw new InputError(`unknown layout '${id}' (known: ${[...extra, ...builtinLayouts()].map((x) => x.id).join(', ')})`);
  return l;
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1, last = -1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; last = i; }
  return { line, column: offset - last };
}

/**
 * Parse a layout file (JSON with comments allowed). `presets` are the layouts it may extend
 * (defaults to the built-in ones). Never throws: problems come back with positions.
 */
export function parseLayout(text: string, file: string, presets?: Layout[], origin?: string): LayoutLoadResult {
  const problems: LayoutProblem[] = [];
  const add = (message: string, node?: jsonc.Node) => {
    const offset = node?.offset ?? 0;
    // One line per problem, whatever the file's strings hold.
    problems.push({ message: message.replace(/[\r\n\u2028\u2029]+/g, ' '), offset, length: node?.length ?? 1, ...lineCol(text, offset) });
  };
  const errors: jsonc.ParseError[] = [];
  const root = jsonc.parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors.slice(0, 5)) {
    problems.push({ message: `JSON syntax error: ${jsonc.printParseErrorCode(e.error)}`, offset: e.offset, length: Math.max(1, e.length), ...lineCol(text, e.offset) });
  }
  if (!root || errors.length) return { problems };
  if (root.type !== 'object') { add('a layout file must hold a JSON object', root); return { problems }; }

  const prop = (obj: jsonc.Node, key: string) => jsonc.findNodeAtLocation(obj, [key]);
  const str = (obj: jsonc.Node, key: string, required = false): string | undefined => {
    const n = prop(obj, key);
    if (!n) { if (required) add(`missing "${key}"`, obj); return undefined; }
    if (n.type !== 'string') { add(`"${key}" must be a string`, n); return undefined; }
    return n.value as string;
  };
  const strList = (obj: jsonc.Node, key: string): string[] => {
    const n = prop(obj, key);
    if (!n) return [];
    if (n.type !== 'array' || n.children!.some((c) => c.type !== 'string')) { add(`"${key}" must be an array of strings`, n); return []; }
    return n.children!.map((c) => c.value as string);
  };

  const id = str(root, 'id', true);
  if (id !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) add(`layout id '${id}' may only contain letters, digits, '.', '_' and '-'`, prop(root, 'id'));
  const extendsId = str(root, 'extends');
  let base: Layout | undefined;
  if (extendsId !== undefined) {
    base = (presets ?? builtinLayouts()).find((l) => l.id === extendsId);
    if (!base) add(`"extends": unknown preset '${extendsId}'`, prop(root, 'extends'));
  }
  const modeId = str(root, 'mode') ?? base?.mode;
  const mode = modeId ? getMode(modeId) : undefined;
  if (!modeId && !base) add('missing "mode" (or "extends" naming a preset)', root);
  else if (!mode) add(`unknown paging mode '${modeId}'`, prop(root, 'mode'));
  const limit = mode ? addressMask(mode) : (1n << 64n) - 1n;

  const addr = (n: jsonc.Node | undefined, what: string): bigint | undefined => {
    if (!n) return undefined;
    if (n.type !== 'string') { add(`${what} must be a string such as "0xffff880000000000" (JSON numbers lose precision above 2^53)`, n); return undefined; }
    try {
      const v = parseAddress(n.value as string);
      if (v > limit) { add(`${what} ${n.value} does not fit in the mode's ${mode!.addressBits}-bit addresses`, n); return undefined; }
      return v;
    } catch (e) { add(`${what}: ${(e as Error).message}`, n); return undefined; }
  };

  const regions: Region[] = base ? base.regions.map((r) => ({ ...r })) : [];
  const regionsNode = prop(root, 'regions');
  if (regionsNode && regionsNode.type !== 'array') add('"regions" must be an array', regionsNode);
  for (const rn of regionsNode?.type === 'array' ? regionsNode.children! : []) {
    if (rn.type !== 'object') { add('a region must be an object', rn); continue; }
    const name = str(rn, 'name', true);
    if (!name) continue;
    const existing = regions.findIndex((r) => r.name === name);
    const removeNode = prop(rn, 'remove');
    if (removeNode?.value === true) {
      if (existing < 0) add(`cannot remove region '${name}': the base layout has no region of that name`, rn);
      else regions.splice(existing, 1);
      continue;
    }
    const old = existing >= 0 ? regions[existing] : undefined;
    const start = addr(prop(rn, 'start'), `region '${name}': "start"`) ?? old?.start;
    let end = addr(prop(rn, 'end'), `region '${name}': "end"`);
    const sizeNode = prop(rn, 'size');
    if (sizeNode && end === undefined) {
      try {
        if (sizeNode.type !== 'string') throw new InputError('must be a string such as "2MiB" or "0x200000"');
        const size = parseSize(sizeNode.value as string);
        if (size === 0n) throw new InputError('must not be 0');
        if (start !== undefined) end = start + size - 1n;
      } catch (e) { add(`region '${name}': "size" ${(e as Error).message}`, sizeNode); }
    } else if (sizeNode && end !== undefined) add(`region '${name}': give "end" or "size", not both`, sizeNode);
    end ??= old?.end;
    const kindText = str(rn, 'kind') ?? old?.kind ?? 'other';
    if (!(REGION_KINDS as readonly string[]).includes(kindText)) add(`region '${name}': unknown kind '${kindText}' (one of ${REGION_KINDS.join(', ')})`, prop(rn, 'kind'));
    if (start === undefined || end === undefined) {
      if (!problems.length) add(`region '${name}' needs "start" and "end" (or "size")`, rn);
      continue;
    }
    if (end < start) { add(`region '${name}': end ${formatHex(end)} is below start ${formatHex(start)}`, prop(rn, 'end') ?? rn); continue; }
    if (end > limit) { add(`region '${name}': end ${formatHex(end)} does not fit in the mode's addresses`, sizeNode ?? rn); continue; }
    const region: Region = {
      name, start, end, kind: kindText as RegionKind,
      description: str(rn, 'description') ?? old?.description ?? '',
      source: `${path.basename(file)}:${lineCol(text, rn.offset).line}`,
    };
    if (old) regions[existing] = region; else regions.push(region);
  }
  // Regions written in this file carve the inherited ones they overlap (e.g. a window inside a hole).
  const own = new Set(regionsNode?.children?.map((c) => jsonc.findNodeAtLocation(c, ['name'])?.value as string) ?? []);
  if (base) {
    for (const mine of regions.filter((r) => own.has(r.name))) {
      for (let i = regions.length - 1; i >= 0; i--) {
        const r = regions[i];
        if (own.has(r.name) || r.end < mine.start || r.start > mine.end) continue;
        const pieces: Region[] = [];
        if (r.start < mine.start) pieces.push({ ...r, end: mine.start - 1n });
        if (r.end > mine.end) pieces.push({ ...r, start: mine.end + 1n, name: pieces.length ? `${r.name} (after ${mine.name})` : r.name });
        regions.splice(i, 1, ...pieces);
      }
    }
  }
  regions.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const tooWide = regions.find((r) => r.end > limit);
  if (tooWide && mode) add(`region '${tooWide.name}' (inherited from '${extendsId}') does not fit the ${mode.addressBits}-bit addresses of mode '${mode.id}'`, prop(root, 'mode'));
  for (let i = 1; i < regions.length; i++) {
    const a = regions[i - 1], b = regions[i];
    if (b.start <= a.end) {
      const node = regionsNode?.children?.find((c) => jsonc.findNodeAtLocation(c, ['name'])?.value === b.name)
        ?? regionsNode?.children?.find((c) => jsonc.findNodeAtLocation(c, ['name'])?.value === a.name);
      add(`region '${b.name}' (${formatHex(b.start)}..${formatHex(b.end)}) overlaps '${a.name}' (${formatHex(a.start)}..${formatHex(a.end)})`, node);
    }
  }

  const symbols: LayoutSymbol[] = base ? base.symbols.map((s) => ({ ...s })) : [];
  const symNode = prop(root, 'symbols');
  for (const sn of symNode?.type === 'array' ? symNode.children! : []) {
    const name = sn.type === 'object' ? str(sn, 'name', true) : undefined;
    const value = sn.type === 'object' ? addr(prop(sn, 'value'), `symbol '${name}': "value"`) : undefined;
    if (!name || value === undefined) { if (sn.type !== 'object') add('a symbol must be an object', sn); continue; }
    const i = symbols.findIndex((s) => s.name === name);
    const s = { name, value, description: str(sn, 'description') };
    if (i >= 0) symbols[i] = s; else symbols.push(s);
  }

  if (problems.length || !id || !mode) return { problems };
  return {
    problems,
    layout: {
      id, title: str(root, 'title') ?? base?.title ?? id, mode: mode.id,
      description: str(root, 'description') ?? base?.description ?? '',
      source: [...(base?.source ?? []), ...strList(root, 'source')],
      notes: [...(base?.notes ?? []), ...strList(root, 'notes')],
      regions, symbols, origin: origin ?? file, extends: extendsId,
    },
  };
}

/** Read and parse a layout file; an unreadable file is reported as a problem, never thrown. */
export function loadLayoutFile(file: string, presets?: Layout[]): LayoutLoadResult {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (st.size > 8 * 1024 * 1024) return { problems: [{ message: `layout file is too large (${st.size} bytes > 8 MiB)`, offset: 0, length: 1, line: 1, column: 1 }] };
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { problems: [{ message: `cannot read layout file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, offset: 0, length: 1, line: 1, column: 1 }] };
  }
  return parseLayout(text, file, presets);
}

/** The region that contains an address (binary search over the sorted regions), or undefined. */
export function regionAt(layout: Layout, addr: bigint): Region | undefined {
  const rs = layout.regions;
  let lo = 0, hi = rs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (addr < rs[mid].start) hi = mid - 1;
    else if (addr > rs[mid].end) lo = mid + 1;
    else return rs[mid];
  }
  return undefined;
}

/** The first region starting above an address. */
export function nextRegionAfter(layout: Layout, addr: bigint): Region | undefined {
  return layout.regions.find((r) => r.start > addr);
}
