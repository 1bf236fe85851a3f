// What the hover says: for a numeric literal, its value (grouped hex, decimal, size) and, when it
// looks like an address, where it falls in the active layout; for a macro or symbol name, the
// derivation with each step's value, the alternatives under unknown conditions, runtime variables
// and assumptions. Pure: an analysis and a position in, Markdown text out.
import * as path from 'path';
import { capacity, decodeAddress, decodeMarkdown, formatDecimal, formatHex, formatSize, hexDigits, Layout, PagingMode } from '../engine/paging';
import { classifyValue } from '../engine/rules';
import { condText, DefinitionInfo, Derivation, DerivationAlternative, DocumentAnalysis, MacroDef, Token } from '../engine/source';
import { BootMacroValue, bootMacro, bootMacroMarkdown, BootView, symbolMarkdown } from './boot';
import { codeBlock, commandLink, escapeMarkdown } from './markdown';

/** The layout a value is read against, and its paging mode. */
export interface LayoutView {
  layout: Layout;
  mode: PagingMode;
}

/** Where a literal stands: the name that owns it, the punctuation around it, a linker location counter. */
export interface LiteralContext {
  name?: string;
  before?: string;
  after?: string;
  linkerLocation?: boolean;
}

/** Commands the hover's links run (the hover must trust exactly these). */
export const HOVER_COMMANDS = ['pagingLayout.decodeAddress', 'pagingLayout.showMap'] as const;

/** Below this a value gets no hover of its own unless it looks like an address: loop bounds, bit numbers. */
const SMALL_VALUE = 0x1000n;

const ghex = (v: bigint, digits: number) => formatHex(v, { grouped: true, digits });

/** `0xffff_8800_0000_0000` · decimal · size (the size only where it can mean something). */
export function valueLine(v: bigint, mode: PagingMode): string {
  const digits = v > 0xffffffffn ? 16 : hexDigits(mode.addressBits) > 8 && v > 0xffffn ? 16 : 8;
  const parts = [`\`${ghex(v, v < 0x10000n ? 4 : digits)}\``, formatDecimal(v)];
  // Not for upper-half 64-bit addresses ("~16 EiB").
  if (v >= 1024n && (mode.addressBits === 32 || v < 1n << 63n)) parts.push(formatSize(v));
  return parts.join(' · ');
}

/** The part of the hover that relates a value to the active layout, when the value looks like an address. */
export function layoutSection(value: bigint, view: LayoutView, lit: LiteralContext & { text?: string }): string | undefined {
  const like = classifyValue({ value, name: lit.name, text: lit.text, before: lit.before, after: lit.after, linkerLocation: lit.linkerLocation, addressBits: view.mode.addressBits });
  if (!like.address && !(like.role === 'unknown' && value >= SMALL_VALUE)) return undefined;
  let d;
  try { d = decodeAddress(value, view.layout); } catch { return undefined; }
  const lines = [decodeMarkdown(d)];
  // A direct-map base: how much physical memory a mapping starting here can cover.
  if (d.region && d.region.kind === 'direct-map' && (d.value === d.region.start || (lit.name && /PAGE_OFFSET|DIRECTMAP/.test(lit.name)))) {
    const c = capacity(value, view.layout);
    lines.push('', `capacity of a linear map from here: ${c.toRegionEnd !== undefined ? `${formatSize(c.toRegionEnd)} to the end of ${d.region.name}` : ''}${c.toRegionEnd !== c.toNextRegion ? `, ${formatSize(c.toNextRegion)} to the next region` : ''}`);
  }
  return lines.join('\n');
}

/** *Decode* and *Show on map* links for a value. */
export function commandLinks(value: bigint, layout: Layout): string {
  const hex = '0x' + value.toString(16);
  return `${commandLink('Decode', HOVER_COMMANDS[0], [hex])} · ${commandLink('Show on map', HOVER_COMMANDS[1], [{ address: hex, layoutId: layout.id }])}`;
}

function alternativeText(a: DerivationAlternative, mode: PagingMode, showChain: boolean): string {
  const lines: string[] = [];
  const cond = a.conditions.length ? ` — if \`${a.conditions.map(condText).join(' && ')}\`` : '';
  if (showChain && a.chain.length > 1) lines.push('```c\n' + a.chain.join('\n  = ') + '\n```');
  if (a.u64 !== undefined) lines.push(`${valueLine(a.u64, mode)}${cond}`);
  else lines.push(`*${escapeMarkdown(a.error ?? 'cannot evaluate')}*${cond}`);
  return lines.join('\n\n');
}

function originText(def: MacroDef | undefined): string {
  const o = def?.origin;
  if (!o) return '';
  if (o.builtin) return ` — ${o.note ?? 'built in'}`;
  const where = o.file ? `${path.basename(o.file)}${o.line !== undefined ? `:${o.line + 1}` : ''}` : o.line !== undefined ? `line ${o.line + 1}` : '';
  return where ? ` — ${where}${o.note && o.note !== 'workspace index' ? ` (${o.note})` : ''}` : '';
}

const KIND_WORDS: Record<string, string> = {
  define: '#define', 'function-macro': '#define', set: '.set', equ: 'equ', assign: '=', 'nasm-equ': 'equ', 'nasm-assign': '%assign',
  'ld-assign': 'symbol', 'ld-dot': 'location counter', 'ld-origin': 'ORIGIN', 'ld-length': 'LENGTH',
};

/** What a hover adds for an imported boot: the macro's value in the boot, and the symbols an address is in. */
export interface BootHover {
  view: BootView;
  macro?: BootMacroValue;
}

/** The symbols an address is in, as a hover paragraph (empty without symbol imports). */
function symbolsPart(value: bigint, boot: BootHover | undefined): string {
  const s = boot ? symbolMarkdown(value, boot.view.symbols) : '';
  return s ? `\n\n${s}` : '';
}

/** The hover of a macro or symbol: kind and origin, each alternative with its chain and value, then the layout section. */
export function derivationMarkdown(name: string, d: Derivation, view: LayoutView, info?: DefinitionInfo, boot?: BootHover): string {
  const first = d.alternatives[0];
  const kind = info ? KIND_WORDS[info.kind] : first?.def?.kind === 'symbol' ? 'symbol' : 'macro';
  let md = `**${escapeMarkdown(name)}** *${kind ?? 'macro'}*${originText(first?.def)}`;
  if (info?.activity === 'inactive') md += ' — *inactive branch*';
  md += '\n\n';
  if (first?.def?.params) {
    md += `function-like macro \`${escapeMarkdown(name)}(${first.def.params.join(', ')})\`\n\n`;
    return md + codeBlock(first.def.bodyText, 'c') + indexFootnote(d);
  }
  const alts = d.alternatives.slice(0, 6);
  md += alts.map((a) => alternativeText(a, view.mode, true)).join('\n\n---\n\n');
  if (d.alternatives.length > alts.length) md += `\n\n*… ${d.alternatives.length - alts.length} more alternatives*`;
  const runtime = [...new Set(d.alternatives.flatMap((a) => a.runtime))];
  if (runtime.length) md += `\n\n${runtime.map((r) => `\`${escapeMarkdown(r)}\``).join(', ')}: runtime variable${runtime.length > 1 ? 's' : ''} (set at boot, e.g. by KASLR); pin ${runtime.length > 1 ? 'them' : 'it'} in \`pagingLayout.defines\` to evaluate`;
  const assumptions = [...new Set(d.alternatives.flatMap((a) => a.assumptions))];
  if (assumptions.length) md += `\n\nassumes ${assumptions.map((x) => `\`${escapeMarkdown(x)}\``).join(', ')}`;
  if (boot?.macro) md += `\n\n${bootMacroMarkdown(boot.macro)}`;
  const deps = d.deps.filter((x) => x.alternatives.some((a) => a.chain.length > 2));
  if (deps.length) {
    md += '\n\n' + codeBlock(deps.slice(0, 6).map((x) => x.alternatives.slice(0, 2).map((a) => a.chain.join(' = ') + (a.conditions.length && x.alternatives.length > 1 ? `   /* if ${a.conditions.map(condText).join(' && ')} */` : '')).join('\n')).join('\n'), 'c');
  }
  const v = first?.u64;
  const values = new Set(d.alternatives.map((a) => a.u64));
  if (v !== undefined) {
    const section = layoutSection(v, view, { name });
    if (section) md += `\n\n---\n\n${values.size > 1 ? `*first alternative:* ` : ''}${section}${symbolsPart(v, boot)}\n\n${commandLinks(v, view.layout)}`;
    else if (v >= SMALL_VALUE) md += symbolsPart(v, boot);
  } else if (boot?.macro?.value !== undefined && boot.view.boot) {
    // Only the boot knows the value: where it is in the boot's layout.
    const bootView = { layout: boot.view.boot.layout, mode: view.mode };
    const section = layoutSection(boot.macro.value, bootView, { name });
    if (section) md += `\n\n---\n\n*in boot ${escapeMarkdown(boot.view.boot.name)}:* ${section}${symbolsPart(boot.macro.value, boot)}\n\n${commandLinks(boot.macro.value, bootView.layout)}`;
  }
  return md + indexFootnote(d);
}

/**
 * The names of a derivation (itself and what it uses, a few levels deep) found through the workspace
 * index rather than through the file's own definitions and includes, as a footnote with their files.
 */
export function indexFootnote(d: Derivation): string {
  const found = new Map<string, string>();
  const visit = (x: Derivation, depth: number) => {
    const def = x.alternatives[0]?.def;
    const o = def?.origin;
    if (o?.note?.startsWith('workspace index') && !found.has(x.name)) found.set(x.name, o.file ? `${path.basename(o.file)}${o.line !== undefined ? `:${o.line + 1}` : ''}` : '');
    if (depth < 4) for (const y of x.deps) visit(y, depth + 1);
  };
  visit(d, 0);
  if (!found.size) return '';
  const list = [...found].slice(0, 6).map(([n, where]) => `\`${escapeMarkdown(n)}\`${where ? ` (${escapeMarkdown(where)})` : ''}`);
  const more = found.size > 6 ? `, … ${found.size - 6} more` : '';
  return `\n\n*resolved through the workspace index, not through this file's includes: ${list.join(', ')}${more}*`;
}

/** The hover of a literal, or undefined for a small number that does not look like an address. */
export function literalMarkdown(value: bigint, text: string, view: LayoutView, lit: LiteralContext, boot?: BootHover): string | undefined {
  const section = layoutSection(value, view, { ...lit, text });
  let md = `\`${escapeMarkdown(text)}\` = ${valueLine(value, view.mode)}`;
  if (section) md += `\n\n---\n\n${section}${symbolsPart(value, boot)}\n\n${commandLinks(value, view.layout)}`;
  else if (value < SMALL_VALUE) return undefined;
  else md += symbolsPart(value, boot); // a symbol's address, even where the number does not read as one
  return md;
}

/** A body that is one literal, maybe in `_AC(…, UL)` and parentheses: the literal's value is the name's. */
const LITERAL_BODY = /^\(?\s*(_AC\(\s*)?[0-9$][\w']*\s*(,\s*\w+\s*\))?\s*\)?$/;

function punctAround(a: DocumentAnalysis, line: number, t: Token): { before?: string; after?: string } {
  const toks = a.scanAt(line)?.tokens ?? [];
  const i = toks.findIndex((x) => x.start === t.start);
  return { before: toks[i - 1]?.kind === 'punct' ? toks[i - 1].text : undefined, after: toks[i + 1]?.kind === 'punct' ? toks[i + 1].text : undefined };
}

/** The hover of the token at (line, character) of an analysis, as Markdown; undefined when there is nothing to say. `boot`: an imported boot's values and symbols. */
export function hoverMarkdown(a: DocumentAnalysis, line: number, character: number, view: LayoutView, boot?: BootView): { markdown: string; start: number; end: number; line: number } | undefined {
  const at = a.tokenAt(line, character);
  if (!at) return undefined;
  const markdown = tokenMarkdown(a, at.line, at.token, view, boot);
  return markdown === undefined ? undefined : { markdown, start: at.token.start, end: at.token.end, line: at.line };
}

function tokenMarkdown(a: DocumentAnalysis, line: number, t: Token, view: LayoutView, boot?: BootView): string | undefined {
  if (t.kind === 'number') {
    const lit = a.literalAt(line, t.start);
    if (!lit) return undefined;
    // The name that owns the value: the definition on this line, if any.
    const owner = a.definitions.find((d) => d.line <= line && d.endLine >= line && d.bodyStart && (d.bodyStart.line < line || d.bodyStart.character <= t.start));
    const name = owner && LITERAL_BODY.test(owner.bodyText) ? owner.name : undefined;
    const around = name ? {} : punctAround(a, line, t);
    return literalMarkdown(lit.value, lit.text, view, { name, ...around, linkerLocation: a.family === 'ld' && owner?.kind === 'ld-dot' }, boot ? { view: boot } : undefined);
  }
  if (t.kind !== 'ident') return undefined;
  const def = a.definitionAt(line, t.start);
  if (def) {
    const d = a.deriveDefinition(def);
    return derivationMarkdown(def.name, d, view, def, boot ? { view: boot, macro: bootMacro(a, def.name, d, boot, def) } : undefined);
  }
  // ld MEMORY attributes / function forms: ORIGIN(ram)
  let name = t.text;
  if (a.family === 'ld' && /^(ORIGIN|LENGTH)$/.test(name)) {
    const toks = a.scanAt(line)?.tokens ?? [];
    const i = toks.findIndex((x) => x.start === t.start);
    if (toks[i + 1]?.text === '(' && toks[i + 3]?.text === ')') name = `${name}(${toks[i + 2].text})`;
  }
  if (!a.isKnown(name)) return undefined;
  const d = a.deriveName(name);
  if (d.alternatives.every((x) => x.errorCode === 'undefined-name' && x.unresolved.includes(name))) return undefined;
  return derivationMarkdown(name, d, view, a.definitionsOf(name)[0], boot ? { view: boot, macro: bootMacro(a, name, d, boot) } : undefined);
}

/** The note a line-only hover ends with (a file too large for a full analysis). */
/**
 * The context a hover's values come from, when it is not just the active layout: the file's own layout
 * and why (`a file under arch/arm64/`), and the kernel build whose configuration was used. Empty otherwise.
 */
export function contextNote(layoutId: string | undefined, reason: string | undefined, build?: { configFile: string }): string {
  const parts: string[] = [];
  if (layoutId && reason) parts.push(`layout ${layoutId}: ${reason}`);
  if (build) parts.push(`configuration: ${build.configFile}`);
  return parts.length ? `\n\n*${parts.map(escapeMarkdownText).join(' · ')}*` : '';
}

function escapeMarkdownText(t: string): string {
  return t.replace(/[\\`*_{}[\]<>#|]/g, (c) => `\\${c}`);
}

export function lineOnlyNote(reason: string): string {
  return `\n\n*${reason}: only this line was analysed*`;
}
