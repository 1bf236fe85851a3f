// Commands: select layout, decode an address, compare layouts, page-table overhead, capacity.
import * as vscode from 'vscode';
import { decodeAddress, decodeJson, diffJson, diffLayouts, diffMarkdown, formatSize, InputError, Layout, mapMarkdown, modeOf, MODES, overheadJson, pageTableOverhead, parseAddress, parseSize } from '../engine/paging';
import { LayoutService, PagingContext } from '../context';
import { decodeResultMarkdown, overheadResultMarkdown } from '../present';

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

async function pickLayout(layouts: LayoutService, placeHolder: string, activeId?: string): Promise<Layout | undefined> {
  const items = layouts.allLayouts().map((l) => ({
    label: l.id === activeId ? `$(check) ${l.id}` : l.id,
    description: modeOf(l).title,
    detail: l.origin === 'builtin' ? l.title : `${l.title} — ${vscode.workspace.asRelativePath(l.origin)}`,
    layout: l,
  }));
  const custom = items.filter((i) => i.layout.origin !== 'builtin');
  const builtin = items.filter((i) => i.layout.origin === 'builtin');
  const sep = (label: string) => ({ label, kind: vscode.QuickPickItemKind.Separator } as const);
  const all = [...(custom.length ? [sep('workspace'), ...custom] : []), sep('presets'), ...builtin];
  const picked = await vscode.window.showQuickPick(all as (typeof items[number])[], { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked?.layout;
}

export function register(ctx: PagingContext): void {
  const { layouts } = ctx;
  const results = new ResultDocuments();
  const reg = (id: string, fn: (...args: any[]) => unknown) => ctx.subscribe(vscode.commands.registerCommand(id, fn));
  ctx.subscribe(results, vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, results));

  reg('pagingLayout.selectLayout', async (id?: string) => {
    const chosen = typeof id === 'string' ? id : (await pickLayout(layouts, 'Layout used for hovers, diagnostics and the map', layouts.layout.id))?.id;
    if (chosen) await layouts.select(chosen);
    return chosen;
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
      if (opts?.show !== false) await results.show(`decode-${text.trim()}`, decodeResultMarkdown(text, d));
      return decodeJson(d);
    } catch (e) {
      void vscode.window.showErrorMessage(`Paging Layout: ${errorText(e)}`);
      return undefined;
    }
  });

  reg('pagingLayout.compareLayouts', async (a?: string, b?: string, opts?: { show?: boolean }) => {
    const all = layouts.allLayouts();
    const la = typeof a === 'string' ? all.find((l) => l.id === a) : await pickLayout(layouts, 'First layout (before)');
    if (!la) return undefined;
    const lb = typeof b === 'string' ? all.find((l) => l.id === b) : await pickLayout(layouts, `Compare ${la.id} with…`);
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
}
