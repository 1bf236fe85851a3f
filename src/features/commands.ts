// Commands: select layout, decode an address, compare layouts, page-table overhead, capacity, and
// read this machine's memory maps.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { decodeAddress, decodeJson, diffJson, diffLayouts, diffMarkdown, formatSize, InputError, Layout, mapMarkdown, modeOf, MODES, overheadJson, pageTableOverhead, parseAddress, parseSize } from '../engine/paging';
import { bootMarkdown, ImportFormat, LiveFile, liveReportMarkdown, readLiveMachine } from '../engine/map';
import { PagingContext } from '../context';
import { decodeResultMarkdown, overheadResultMarkdown } from '../present';
import { symbolMarkdown, symbolsAt } from '../present/boot';

const RESULT_SCHEME = 'paging-layout';

/** Read-only Markdown documents that hold command results, shown in the Markdown preview. */
class ResultDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly docs = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private counter = 0;
  provideTextDocumentContent(uri: vscode.Uri): string { return this.docs.get(uri.path) ?? ''; }
  dispose(): void { this.emitter.dispose(); this.docs.clear(); }
  async show(title: string, markdown: string, preview = true): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: RESULT_SCHEME, path: `/${++this.counter}/${title.replace(/[^\w.-]+/g, '-')}.md` });
    this.docs.set(uri.path, markdown);
    if (this.docs.size > 50) this.docs.delete(this.docs.keys().next().value!);
    if (preview) await vscode.commands.executeCommand('markdown.showPreview', uri);
    else await vscode.window.showTextDocument(uri, { preview: true });
    return uri;
  }
}

function errorText(e: unknown): string {
  return e instanceof InputError ? e.message : `unexpected error: ${(e as Error).message}`;
}

/**
 * The layout picker: the layouts derived from the workspace's kernel trees first (named after the
 * tree and its configuration; with `pending`, also those still being derived or that failed, so that
 * the choice can be made at once), then custom layouts, this boot's layouts and the presets.
 */
async function pickLayout(ctx: PagingContext, placeHolder: string, activeId?: string, pending = false): Promise<string | undefined> {
  const { layouts } = ctx;
  const isBoot = (l: Layout) => l.origin.startsWith('boot:');
  const items = layouts.allLayouts().filter((l) => l.origin !== 'derived').map((l) => ({
    label: l.id === activeId ? `$(check) ${l.id}` : l.id,
    description: modeOf(l).title,
    detail: l.origin === 'builtin' || isBoot(l) ? l.title : `${l.title} — ${vscode.workspace.asRelativePath(l.origin)}`,
    id: l.id,
    origin: l.origin,
  }));
  const derived = ctx.derived.entries().filter((e) => pending || (e.state === 'ready' && e.layout)).map((e) => {
    const l = e.state !== 'failed' ? e.layout : undefined;
    const out = l?.unplaced?.length ?? 0;
    const detail = e.state === 'failed' ? `$(error) ${e.error}`
      : !l ? `deriving from the headers of ${e.build.context.sourceTree} for ${e.build.configFile}…`
        : `${l.regions.length} regions placed${out ? `, ${out} not placed` : ''}${l.regions.some((r) => r.randomised) ? `, ${l.regions.filter((r) => r.randomised).length} randomised at boot` : ''} · ${e.id}${e.state === 'pending' ? ' · deriving again…' : ''}`;
    return { label: e.id === activeId ? `$(check) ${e.label}` : e.label, description: l ? modeOf(l).title : e.build.layout.because, detail, id: e.id, origin: 'derived' };
  });
  const custom = items.filter((i) => i.origin !== 'builtin' && !i.origin.startsWith('boot:'));
  const boots = items.filter((i) => i.origin.startsWith('boot:'));
  const builtin = items.filter((i) => i.origin === 'builtin');
  const sep = (label: string) => ({ label, kind: vscode.QuickPickItemKind.Separator } as const);
  const all = [...(derived.length ? [sep('kernel tree'), ...derived] : []), ...(custom.length ? [sep('workspace'), ...custom] : []), ...(boots.length ? [sep('this boot (imported)'), ...boots] : []), sep('presets'), ...builtin];
  const picked = await vscode.window.showQuickPick(all as (typeof items[number])[], { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked?.id;
}

export function register(ctx: PagingContext): void {
  const { layouts } = ctx;
  const results = new ResultDocuments();
  const reg = (id: string, fn: (...args: any[]) => unknown) => ctx.subscribe(vscode.commands.registerCommand(id, fn));
  ctx.subscribe(results, vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, results));

  reg('pagingLayout.selectLayout', async (id?: string) => {
    const chosen = typeof id === 'string' ? id : await pickLayout(ctx, 'Layout used for hovers, diagnostics and the map', layouts.current.pending ? ctx.config.layout().id : layouts.layout.id, true);
    if (chosen) await layouts.select(chosen);
    return chosen;
  });

  /** Derive each folder's layout from its kernel tree again (after a change the file watcher missed); returns each folder's outcome. */
  reg('pagingLayout.deriveLayoutAgain', async () => {
    const entries = ctx.derived.entries();
    if (!entries.length) { void vscode.window.showInformationMessage('Paging Layout: no workspace folder has a kernel build with a layout recipe (pagingLayout.kernel.buildDir).'); return []; }
    ctx.derived.rederive();
    await Promise.all(entries.map((e) => ctx.derived.settled(e.id)));
    return ctx.derived.entries().map((e) => ({ id: e.id, state: e.state, error: e.error, regions: e.layout?.regions.length ?? 0, workerMs: e.workerMs, roundTripMs: e.roundTripMs, hostMs: e.hostMs }));
  });

  /** With an address argument: no prompt, result returned (and shown unless {show:false}). */
  reg('pagingLayout.decodeAddress', async (arg?: string, opts?: { show?: boolean }) => {
    const text = typeof arg === 'string' ? arg : await vscode.window.showInputBox({
      title: 'Paging Layout: Decode Address', prompt: `Address to decode in ${layouts.layout.id}`, placeHolder: '0xffff888000000000',
      validateInput: (v) => { try { parseAddress(v); return undefined; } catch (e) { return errorText(e); } },
    });
    if (!text) return undefined;
    try {
      const d = decodeAddress(parseAddress(text), layouts.layout);
      // With imported symbols: the symbol the address is in, relocated by the boot's text slide.
      const sources = ctx.boot.imports.length ? ctx.boot.hoverView(layouts.layout).symbols : [];
      const symbols = symbolMarkdown(d.value, sources);
      if (opts?.show !== false) await results.show(`decode-${text.trim()}`, decodeResultMarkdown(text, d) + (symbols ? `\n${symbols}\n` : ''));
      return { ...decodeJson(d), symbols: symbolsAt(d.value, sources).map((h) => ({ text: h.text, kind: h.kind, detail: h.detail })) };
    } catch (e) {
      void vscode.window.showErrorMessage(`Paging Layout: ${errorText(e)}`);
      return undefined;
    }
  });

  reg('pagingLayout.compareLayouts', async (a?: string, b?: string, opts?: { show?: boolean }) => {
    const all = layouts.allLayouts();
    const find = (id: string | undefined) => (id === undefined ? undefined : all.find((l) => l.id === id));
    const la = find(typeof a === 'string' ? a : await pickLayout(ctx, 'First layout (before)'));
    if (!la) return undefined;
    const lb = find(typeof b === 'string' ? b : await pickLayout(ctx, `Compare ${la.id} with…`));
    if (!lb) return undefined;
    const diff = diffLayouts(la, lb);
    if (opts?.show !== false) await results.show(`compare-${la.id}-${lb.id}`, diffMarkdown(diff));
    return diffJson(diff);
  });

  reg('pagingLayout.pageTableOverhead', async (sizeArg?: string, pageArg?: string, opts?: { show?: boolean }) => {
    const mode = modeOf(layouts.layout);
    const sizeText = typeof sizeArg === 'string' ? sizeArg : await vscode.window.showInputBox({
      title: 'Paging Layout: Page-Table Overhead', prompt: 'Memory to map (e.g. 64G, 1TiB, 0x40000000)', placeHolder: '1TiB',
      validateInput: (v) => { try { parseSize(v); return undefined; } catch (e) { return errorText(e); } },
    });
    if (!sizeText) return undefined;
    let page: bigint | undefined;
    if (typeof pageArg === 'string') page = parseSize(pageArg);
    else {
      const pick = await vscode.window.showQuickPick(mode.leafPageSizes.map((p) => ({ label: formatSize(p), page: p })), { placeHolder: `Page size (${mode.title})` });
      page = pick?.page;
    }
    if (page === undefined) return undefined;
    try {
      const size = parseSize(sizeText);
      const rows = mode.leafPageSizes.map((p) => pageTableOverhead(size, p, mode));
      const o = pageTableOverhead(size, page, mode);
      if (opts?.show !== false) await results.show(`overhead-${sizeText}`, overheadResultMarkdown(o, rows));
      return overheadJson(o);
    } catch (e) {
      void vscode.window.showErrorMessage(`Paging Layout: ${errorText(e)}`);
      return undefined;
    }
  });

  reg('pagingLayout.showLayoutTable', async (id?: string) => {
    const l = (typeof id === 'string' && layouts.allLayouts().find((x) => x.id === id)) || layouts.layout;
    await results.show(`layout-${l.id}`, mapMarkdown(l));
  });

  reg('pagingLayout.listModes', () => MODES.map((m) => m.id));

  reg('pagingLayout.rebuildIndex', async () => { await ctx.index.rebuild(); return ctx.index.state; });
  reg('pagingLayout.stopIndexing', async () => { await ctx.index.stop(); return ctx.index.state; });
  /** The index's state (phase, files, definitions, memory); with {memory:true} also the worker's memory. */
  reg('pagingLayout.indexState', async (opts?: { memory?: boolean }) => ({ ...ctx.index.state, ...(opts?.memory ? { worker: await ctx.index.workerMemory() } : {}) }));

  /**
   * This machine's /proc/iomem, /proc/self/maps, /proc/kallsyms, /proc/vmallocinfo and debugfs page-table
   * dump, read where the extension host runs (on a remote or code-server window: the machine under
   * test): what was read goes on the map as overlays and makes the boot "this machine"; a report says
   * for each file that was not read why. `{ show: false }`: no report document and no map.
   */
  reg('pagingLayout.readThisMachine', async (opts?: { show?: boolean }) => {
    const texts = new Map<string, string>();
    const reader = async (file: string): Promise<LiveFile> => {
      try {
        const buf = await fs.promises.readFile(file);
        const text = buf.subarray(0, MAX_LIVE_BYTES).toString('utf8');
        texts.set(file, text);
        return { text };
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        return { error: err.code ?? 'EIO', message: err.message };
      }
    };
    const base = layouts.staticOf(layouts.layout);
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Paging Layout: reading this machine\'s memory maps' },
      () => readLiveMachine(reader, { arch: process.arch, layout: base, name: 'this machine' }));
    const files: { path: string; text: string; format: ImportFormat }[] = [];
    for (const s of report.sources) {
      const text = texts.get(s.path);
      if ((s.status === 'read' || s.status === 'hidden') && text !== undefined) files.push({ path: s.path, text, format: s.format });
    }
    const boot = await ctx.boot.setLive(files, report.sources.map((s) => ({ path: s.path, status: s.status, reason: s.reason })), base.id);
    const notRead = report.sources.filter((s) => s.status === 'unreadable' || s.status === 'empty');
    const hidden = report.sources.filter((s) => s.status === 'hidden');
    if (opts?.show !== false) {
      const md = liveReportMarkdown(report) + '\n' + (boot ? bootMarkdown(boot.values, boot.applied) : 'No boot values could be read.\n')
        + (boot ? `\nThis boot's layout: \`${boot.id.replace(/`/g, "'")}\` (on the map and in **Select Layout**).\n` : '');
      await results.show('this-machine', md);
      await vscode.commands.executeCommand('pagingLayout.showMap', boot?.id ?? base.id);
      const read = report.sources.length - notRead.length;
      const text = `Paging Layout: read ${read} of ${report.sources.length} memory maps of this machine${hidden.length ? ` (${hidden.length} with hidden addresses)` : ''}`
        + (notRead.length ? `; not read: ${notRead.map((s) => `${s.path} (${s.reason})`).join('; ')}` : '');
      void vscode.window.showInformationMessage(text);
    }
    return {
      boot: boot?.id ?? null,
      context: report.context,
      sources: report.sources.map((s) => ({
        path: s.path, format: s.format, status: s.status, reason: s.reason, code: s.code ?? null,
        entries: s.result ? (s.result.symbols ? s.result.symbols.count : s.result.entries.length) : 0,
      })),
    };
  });
}

/** Largest part of a /proc or debugfs file read (they report size 0 and are read to their end). */
const MAX_LIVE_BYTES = 256 * 1024 * 1024;
