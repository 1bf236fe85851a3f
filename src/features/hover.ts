// Hovers on numeric literals and on macro/symbol names (at the definition and at every use) in C,
// assembly and linker scripts: the value (grouped hex, decimal, size), the derivation chain with each
// step's value, the alternatives under unknown conditions, and the value decoded against the active
// layout (region, offset, indices, alignment, direct-map capacity) when it looks like an address.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { capacity, decodeAddress, decodeMarkdown, formatDecimal, formatHex, formatSize, getMode, hexDigits, Layout, PagingMode } from '../engine/paging';
import { classifyValue } from '../engine/rules';
import { AnalysisOptions, DefinitionInfo, DocumentAnalysis, DocumentAnalyzer, condText, Derivation, DerivationAlternative, MacroDef, DefineSettings, familyFor, DefineIndex } from '../engine/source';
import { documentSkipReason } from './limits';
import { LayoutService } from '../services';
import { registerInlayHints } from './inlayHints';
import { DOCUMENT_SELECTOR, FILE_PATTERN } from './selector';

// ---------------------------------------------------------------------------------------------
// Per-document analyses, shared with the inlay hints

interface Entry { analyzer: DocumentAnalyzer; version: number; analysis: DocumentAnalysis; key: string }

/** Reads included files from disk with a small cache checked against the modification time. */
class FileReader {
  private cache = new Map<string, { mtime: number; text: string | undefined }>();
  read = (p: string): string | undefined => {
    let st: fs.Stats;
    try { st = fs.statSync(p); } catch { return undefined; }
    if (!st.isFile() || st.size > 4 * 1024 * 1024) return undefined;
    const hit = this.cache.get(p);
    if (hit && hit.mtime === st.mtimeMs) return hit.text;
    let text: string | undefined;
    try { text = fs.readFileSync(p, 'utf8'); } catch { text = undefined; }
    if (this.cache.size > 5000) this.cache.clear();
    this.cache.set(p, { mtime: st.mtimeMs, text });
    return text;
  };
}

/** `-I` directories of compile_commands.json, per directory of the compiled files. */
function compileCommandDirs(file: string, folder: string, setting: string): string[] {
  const cc = setting ? (path.isAbsolute(setting) ? setting : path.join(folder, setting)) : path.join(folder, 'compile_commands.json');
  let entries: { directory?: string; file?: string; command?: string; arguments?: string[] }[];
  try {
    const st = fs.statSync(cc);
    const hit = ccCache.get(cc);
    if (hit && hit.mtime === st.mtimeMs) entries = hit.entries;
    else {
      entries = JSON.parse(fs.readFileSync(cc, 'utf8'));
      if (!Array.isArray(entries)) return [];
      ccCache.set(cc, { mtime: st.mtimeMs, entries });
    }
  } catch { return []; }
  const abs = (dir: string, f: string) => (path.isAbsolute(f) ? f : path.join(dir, f));
  const pick = entries.find((e) => e.file && abs(e.directory ?? folder, e.file) === file)
    ?? entries.find((e) => e.file && path.dirname(abs(e.directory ?? folder, e.file)) === path.dirname(file))
    ?? entries[0];
  if (!pick) return [];
  const args = pick.arguments ?? (pick.command ?? '').split(/\s+/);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = /^-(?:I|isystem)(.*)$/.exec(a);
    if (!m) continue;
    const d = m[1] || args[++i];
    if (d) out.push(abs(pick.directory ?? folder, d));
  }
  return out;
}
const ccCache = new Map<string, { mtime: number; entries: { directory?: string; file?: string; command?: string; arguments?: string[] }[] }>();

export class AnalysisCache implements vscode.Disposable {
  private entries = new Map<string, Entry>();
  private readonly reader = new FileReader();
  private readonly disposables: vscode.Disposable[] = [];
  readonly index = new DefineIndex();

  constructor(private readonly layouts: LayoutService) {
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((d) => this.entries.delete(d.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('pagingLayout')) this.entries.clear(); }),
      layouts.onDidChange(() => this.entries.clear()),
    );
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); this.entries.clear(); }

  get mode(): PagingMode { return getMode(this.layouts.layout.mode) ?? getMode('x86_64-4level')!; }
  get layout(): Layout { return this.layouts.layout; }

  private options(doc: vscode.TextDocument): AnalysisOptions {
    const cfg = vscode.workspace.getConfiguration('pagingLayout', doc.uri);
    const defines = cfg.get<DefineSettings | string[]>('defines', {});
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? path.dirname(doc.fileName);
    const trusted = vscode.workspace.isTrusted;
    const includeDirs: string[] = [];
    for (const d of cfg.get<string[]>('includePaths', [])) {
      const p = d.replace(/\$\{workspaceFolder\}/g, folder);
      const abs = path.isAbsolute(p) ? p : path.join(folder, p);
      if (!trusted && !abs.startsWith(folder)) continue;
      includeDirs.push(abs);
    }
    if (doc.uri.scheme === 'file') includeDirs.push(...compileCommandDirs(doc.fileName, folder, trusted ? cfg.get<string>('compileCommands', '') : ''));
    const defs: DefineSettings = Array.isArray(defines) ? Object.fromEntries(defines.map((d) => { const i = d.indexOf('='); return i < 0 ? [d, true] : [d.slice(0, i), d.slice(i + 1)]; })) : defines ?? {};
    return {
      file: doc.uri.scheme === 'file' ? doc.fileName : undefined, languageId: doc.languageId, family: familyFor(doc.languageId, doc.fileName) ?? 'c',
      mode: this.mode, defines: defs, includeDirs, readFile: doc.uri.scheme === 'file' ? this.reader.read : undefined,
      fallback: this.index.fileCount > 0 ? this.index.macroLookup(doc.fileName) : undefined,
    };
  }

  /** A throw-away analysis of some text with the document's options (no caching). */
  analyzeFragment(doc: vscode.TextDocument, text: string): DocumentAnalysis {
    return new DocumentAnalyzer(this.options(doc)).analyze(text);
  }

  /** The analysis of the document's current version (re-analysed incrementally after edits). */
  get(doc: vscode.TextDocument): DocumentAnalysis | undefined {
    if (documentSkipReason(doc)) return undefined;
    const k = doc.uri.toString();
    let e = this.entries.get(k);
    const opts = this.options(doc);
    const key = JSON.stringify([opts.mode?.id, opts.defines, opts.includeDirs, opts.family, this.index.fileCount > 0]);
    if (e && e.version === doc.version && e.key === key) return e.analysis;
    try {
      if (!e || e.key !== key) {
        const analyzer = new DocumentAnalyzer(opts);
        e = { analyzer, version: doc.version, analysis: analyzer.analyze(doc.getText()), key };
      } else {
        e = { ...e, version: doc.version, analysis: e.analyzer.analyze(doc.getText()) };
      }
    } catch {
      return undefined;
    }
    this.entries.set(k, e);
    return e.analysis;
  }

  /**
   * Index the workspace's headers and assembly files in the background (status-bar progress,
   * cancellable, in small slices so the extension host stays responsive).
   */
  async indexWorkspace(maxFiles = 20_000): Promise<number> {
    if (!vscode.workspace.workspaceFolders?.length) return 0;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Paging Layout: indexing #defines', cancellable: true }, async (progress, token) => {
      const uris = await vscode.workspace.findFiles('**/*.{h,S,inc,lds.S,asm}', '**/{node_modules,.git,out,dist}/**', maxFiles, token);
      let done = 0;
      const started = Date.now();
      for (const uri of uris) {
        if (token.isCancellationRequested) break;
        try {
          const bytes = await vscode.workspace.fs.readFile(uri);
          if (bytes.byteLength < 2 * 1024 * 1024) this.index.addFile(uri.fsPath, Buffer.from(bytes).toString('utf8'));
        } catch { /* unreadable: skip */ }
        if (++done % 200 === 0) {
          progress.report({ message: `${done}/${uris.length} files` });
          await new Promise((r) => setImmediate(r));
        }
      }
      if (done > 0) this.entries.clear();
      void started;
      return done;
    });
  }

  watch(): void {
    const w = vscode.workspace.createFileSystemWatcher('**/*.{h,S,inc,asm}');
    const update = async (uri: vscode.Uri) => {
      if (this.index.fileCount === 0) return;
      try { this.index.addFile(uri.fsPath, Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8')); } catch { this.index.removeFile(uri.fsPath); }
    };
    w.onDidChange(update); w.onDidCreate(update); w.onDidDelete((uri) => this.index.removeFile(uri.fsPath));
    this.disposables.push(w);
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

const ghex = (v: bigint, digits: number) => formatHex(v, { grouped: true, digits });

function valueLine(v: bigint, mode: PagingMode): string {
  const digits = v > 0xffffffffn ? 16 : hexDigits(mode.addressBits) > 8 && v > 0xffffn ? 16 : 8;
  const parts = [`\`${ghex(v, v < 0x10000n ? 4 : digits)}\``, formatDecimal(v)];
  // As a size only where that can mean something: not for upper-half 64-bit addresses ("~16 EiB").
  if (v >= 1024n && (mode.addressBits === 32 || v < 1n << 63n)) parts.push(formatSize(v));
  return parts.join(' · ');
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|]/g, (c) => '\\' + c);
}

/** The part of the hover that relates a value to the active layout, when the value looks like an address. */
function layoutSection(value: bigint, layout: Layout, mode: PagingMode, ctx: { name?: string; text?: string; before?: string; after?: string; linkerLocation?: boolean }): string | undefined {
  const like = classifyValue({ value, name: ctx.name, text: ctx.text, before: ctx.before, after: ctx.after, linkerLocation: ctx.linkerLocation, addressBits: mode.addressBits });
  if (!like.address && !(like.role === 'unknown' && value >= 0x1000n)) return undefined;
  let d;
  try { d = decodeAddress(value, layout); } catch { return undefined; }
  const lines = [decodeMarkdown(d)];
  // A direct-map base: how much physical memory a mapping starting here can cover.
  if (d.region && d.region.kind === 'direct-map' && (d.value === d.region.start || (ctx.name && /PAGE_OFFSET|DIRECTMAP/.test(ctx.name)))) {
    const c = capacity(value, layout);
    lines.push('', `capacity of a linear map from here: ${c.toRegionEnd !== undefined ? `${formatSize(c.toRegionEnd)} to the end of ${d.region.name}` : ''}${c.toRegionEnd !== c.toNextRegion ? `, ${formatSize(c.toNextRegion)} to the next region` : ''}`);
  }
  return lines.join('\n');
}

function commandLinks(value: bigint, layout: Layout): string {
  const hex = '0x' + value.toString(16);
  const dec = `command:pagingLayout.decodeAddress?${encodeURIComponent(JSON.stringify([hex]))}`;
  const map = `command:pagingLayout.showMap?${encodeURIComponent(JSON.stringify([{ address: hex, layoutId: layout.id }]))}`;
  return `[Decode](${dec}) · [Show on map](${map})`;
}

function altText(a: DerivationAlternative, mode: PagingMode, showChain: boolean): string {
  const lines: string[] = [];
  const cond = a.conditions.length ? ` — if \`${a.conditions.map(condText).join(' && ')}\`` : '';
  if (showChain && a.chain.length > 1) lines.push('```c\n' + a.chain.join('\n  = ') + '\n```');
  if (a.u64 !== undefined) lines.push(`${valueLine(a.u64, mode)}${cond}`);
  else lines.push(`*${escapeMd(a.error ?? 'cannot evaluate')}*${cond}`);
  return lines.join('\n\n');
}

function origin(def: MacroDef | undefined): string {
  const o = def?.origin;
  if (!o) return '';
  if (o.builtin) return ` — ${o.note ?? 'built in'}`;
  const where = o.file ? `${path.basename(o.file)}${o.line !== undefined ? `:${o.line + 1}` : ''}` : o.line !== undefined ? `line ${o.line + 1}` : '';
  return where ? ` — ${where}${o.note && o.note !== 'workspace index' ? ` (${o.note})` : ''}` : '';
}

export function derivationMarkdown(name: string, d: Derivation, cache: { layout: Layout; mode: PagingMode }, info?: DefinitionInfo): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const first = d.alternatives[0];
  const kind = info ? ({ define: '#define', 'function-macro': '#define', set: '.set', equ: 'equ', assign: '=', 'nasm-equ': 'equ', 'nasm-assign': '%assign', 'ld-assign': 'symbol', 'ld-dot': 'location counter', 'ld-origin': 'ORIGIN', 'ld-length': 'LENGTH' } as Record<string, string>)[info.kind] : first?.def?.kind === 'symbol' ? 'symbol' : 'macro';
  md.appendMarkdown(`**${escapeMd(name)}** *${kind ?? 'macro'}*${origin(first?.def)}`);
  if (info?.activity === 'inactive') md.appendMarkdown(' — *inactive branch*');
  md.appendMarkdown('\n\n');
  if (first?.def?.params) {
    md.appendMarkdown(`function-like macro \`${escapeMd(name)}(${first.def.params.join(', ')})\`\n\n`);
    md.appendCodeblock(first.def.bodyText, 'c');
    return md;
  }
  const alts = d.alternatives.slice(0, 6);
  md.appendMarkdown(alts.map((a) => altText(a, cache.mode, true)).join('\n\n---\n\n'));
  if (d.alternatives.length > alts.length) md.appendMarkdown(`\n\n*… ${d.alternatives.length - alts.length} more alternatives*`);
  const runtime = [...new Set(d.alternatives.flatMap((a) => a.runtime))];
  if (runtime.length) md.appendMarkdown(`\n\n${runtime.map((r) => `\`${escapeMd(r)}\``).join(', ')}: runtime variable${runtime.length > 1 ? 's' : ''} (set at boot, e.g. by KASLR); pin ${runtime.length > 1 ? 'them' : 'it'} in \`pagingLayout.defines\` to evaluate`);
  const assumptions = [...new Set(d.alternatives.flatMap((a) => a.assumptions))];
  if (assumptions.length) md.appendMarkdown(`\n\nassumes ${assumptions.map((x) => `\`${escapeMd(x)}\``).join(', ')}`);
  const deps = d.deps.filter((x) => x.alternatives.some((a) => a.chain.length > 2));
  if (deps.length) {
    md.appendMarkdown('\n\n');
    md.appendCodeblock(deps.slice(0, 6).map((x) => x.alternatives.slice(0, 2).map((a) => a.chain.join(' = ') + (a.conditions.length && x.alternatives.length > 1 ? `   /* if ${a.conditions.map(condText).join(' && ')} */` : '')).join('\n')).join('\n'), 'c');
  }
  const v = first?.u64;
  const values = new Set(d.alternatives.map((a) => a.u64));
  if (v !== undefined) {
    const section = layoutSection(v, cache.layout, cache.mode, { name });
    if (section) {
      md.appendMarkdown(`\n\n---\n\n${values.size > 1 ? `*first alternative:* ` : ''}${section}\n\n${commandLinks(v, cache.layout)}`);
    }
  }
  return md;
}

export function literalMarkdown(value: bigint, text: string, cache: { layout: Layout; mode: PagingMode }, ctx: { name?: string; before?: string; after?: string; linkerLocation?: boolean }): vscode.MarkdownString | undefined {
  const section = layoutSection(value, cache.layout, cache.mode, { ...ctx, text });
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`\`${escapeMd(text)}\` = ${valueLine(value, cache.mode)}`);
  if (section) md.appendMarkdown(`\n\n---\n\n${section}\n\n${commandLinks(value, cache.layout)}`);
  else if (value < 0x1000n) return undefined; // small numbers: loop bounds, bit numbers, line numbers — no hover
  return md;
}

// ---------------------------------------------------------------------------------------------
// Provider

export class PagingHoverProvider implements vscode.HoverProvider {
  constructor(private readonly cache: AnalysisCache) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    let a = this.cache.get(doc);
    let lineOnly: string | undefined;
    if (!a) {
      // A file too large for a full analysis still gets literal hovers from its current line.
      const reason = documentSkipReason(doc);
      const text = doc.lineAt(pos.line).text;
      if (!reason || /binary/.test(reason) || text.length > 100_000) return undefined;
      a = this.cache.analyzeFragment(doc, text);
      lineOnly = reason;
    }
    const line = lineOnly ? 0 : pos.line;
    const at = a.tokenAt(line, pos.character);
    if (!at) return undefined;
    const t = at.token;
    const range = new vscode.Range(pos.line, t.start, pos.line, t.end);
    const ctxInfo = { layout: this.cache.layout, mode: this.cache.mode };
    const md = this.hoverFor(a, at.line, t, ctxInfo);
    if (!md) return undefined;
    if (lineOnly) md.appendMarkdown(`\n\n*${lineOnly}: only this line was analysed*`);
    md.isTrusted = { enabledCommands: ['pagingLayout.decodeAddress', 'pagingLayout.showMap'] };
    return new vscode.Hover(md, range);
  }

  private hoverFor(a: DocumentAnalysis, line: number, t: { kind: string; text: string; start: number; end: number }, ctx: { layout: Layout; mode: PagingMode }): vscode.MarkdownString | undefined {
    if (t.kind === 'number') {
      const lit = a.literalAt(line, t.start);
      if (!lit) return undefined;
      const toks = a.scanAt(line)?.tokens ?? [];
      const i = toks.findIndex((x) => x.start === t.start);
      const before = toks[i - 1]?.kind === 'punct' ? toks[i - 1].text : undefined;
      const after = toks[i + 1]?.kind === 'punct' ? toks[i + 1].text : undefined;
      // the name that owns the value: the definition on this line, if any
      const owner = a.definitions.find((d) => d.line <= line && d.endLine >= line && d.bodyStart && (d.bodyStart.line < line || d.bodyStart.character <= t.start));
      const body = owner && /^\(?\s*(_AC\(\s*)?[0-9$][\w']*\s*(,\s*\w+\s*\))?\s*\)?$/.test(owner.bodyText) ? owner.name : undefined;
      return literalMarkdown(lit.value, lit.text, ctx, { name: body, before: body ? undefined : before, after: body ? undefined : after, linkerLocation: a.family === 'ld' && owner?.kind === 'ld-dot' });
    }
    if (t.kind !== 'ident') return undefined;
    const def = a.definitionAt(line, t.start);
    if (def) return derivationMarkdown(def.name, a.deriveDefinition(def), ctx, def);
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
    return derivationMarkdown(name, d, ctx, a.definitionsOf(name)[0]);
  }
}

export function registerHover(ctx: vscode.ExtensionContext, layouts: LayoutService, cache?: AnalysisCache): AnalysisCache {
  const c = cache ?? new AnalysisCache(layouts);
  if (!cache) ctx.subscriptions.push(c);
  ctx.subscriptions.push(vscode.languages.registerHoverProvider(DOCUMENT_SELECTOR, new PagingHoverProvider(c)));
  // The inlay hints share the analyses (one analysis per document version for both features).
  registerInlayHints(ctx, c, layouts.onDidChange);
  // The workspace index: in the background after activation, when enabled.
  const cfg = vscode.workspace.getConfiguration('pagingLayout');
  if (cfg.get<boolean>('workspaceIndex.enabled', true) && !process.env.PAGING_LAYOUT_NO_INDEX) {
    setTimeout(() => { void c.indexWorkspace().then(() => c.watch(), () => undefined); }, 2000);
  }
  void FILE_PATTERN;
  return c;
}
