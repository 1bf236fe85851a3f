// Inlay hints: the evaluated value after `#define`s whose body is an expression (not a bare literal),
// and after assembly `.set`/`.equ`/`NAME = expr`/`equ` lines and linker-script assignments.
// Setting: pagingLayout.inlayHints.enabled.
import * as vscode from 'vscode';
import { formatHex } from '../engine/paging';
import { condText, DefinitionInfo, DocumentAnalysis } from '../engine/source';
import { AnalysisCache } from './hover';
import { DOCUMENT_SELECTOR } from './selector';

/** A body that is only a literal (`0x1000`, `_AC(0x…, UL)`, `(42)`) needs no hint: the value is in plain sight. */
export function isPlainLiteral(body: string): boolean {
  return /^\(*\s*(?:_AC\(\s*)?-?\s*(?:0[xX][0-9a-fA-F']+|[0-9][0-9a-zA-Z']*|\$[0-9a-fA-F]+)\s*(?:,\s*\w+\s*\))?\s*\)*$/.test(body.trim());
}

function hintText(v: bigint): string {
  if (v < 1024n) return `= ${v}`;
  const digits = v > 0xffffffffn ? 16 : 8;
  return `= ${formatHex(v, { grouped: true, digits })}`;
}

/** Label of one definition's hint, or undefined when it gets none. */
export function hintFor(a: DocumentAnalysis, d: DefinitionInfo): { label: string; tooltip: string } | undefined {
  if (d.params || d.kind === 'function-macro') return undefined;
  if (!d.bodyText || isPlainLiteral(d.bodyText)) return undefined;
  if (d.activity === 'inactive') return undefined;
  const der = a.deriveDefinition(d);
  const vals = der.alternatives.filter((x) => x.u64 !== undefined);
  if (vals.length === 0) {
    const rt = der.alternatives.flatMap((x) => x.runtime);
    return rt.length ? { label: `= runtime (${[...new Set(rt)].join(', ')})`, tooltip: der.alternatives[0].error ?? '' } : undefined;
  }
  const distinct = [...new Set(vals.map((x) => x.u64!))];
  const tooltip = der.alternatives.map((x) => `${x.chain.join(' = ')}${x.conditions.length ? `  if ${x.conditions.map(condText).join(' && ')}` : ''}`).join('\n');
  if (distinct.length === 1) return { label: hintText(distinct[0]), tooltip };
  return { label: distinct.slice(0, 2).map(hintText).join(' | ').replace(/ \| = /g, ' | ') + (distinct.length > 2 ? ' | …' : ''), tooltip };
}

export class DefinitionInlayHints implements vscode.InlayHintsProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.emitter.event;
  constructor(private readonly cache: AnalysisCache) {}

  refresh(): void { this.emitter.fire(); }

  provideInlayHints(doc: vscode.TextDocument, range: vscode.Range, token: vscode.CancellationToken): vscode.InlayHint[] {
    if (!vscode.workspace.getConfiguration('pagingLayout', doc.uri).get<boolean>('inlayHints.enabled', true)) return [];
    const a = this.cache.get(doc);
    if (!a) return [];
    const out: vscode.InlayHint[] = [];
    const started = Date.now();
    for (const d of a.definitions) {
      if (d.endLine < range.start.line || d.line > range.end.line) continue;
      if (token.isCancellationRequested || Date.now() - started > 200) break;
      const h = hintFor(a, d);
      if (!h) continue;
      const lineText = doc.lineAt(Math.min(d.endLine, doc.lineCount - 1)).text;
      // after the body, before a trailing comment
      let col = d.bodyEnd && d.bodyEnd.line === d.endLine ? d.bodyEnd.character : lineText.length;
      if (a.family === 'ld' && lineText[col] === ';') col++;
      const hint = new vscode.InlayHint(new vscode.Position(d.endLine, col), h.label, vscode.InlayHintKind.Type);
      hint.paddingLeft = true;
      hint.tooltip = h.tooltip;
      out.push(hint);
    }
    return out;
  }
}

export function registerInlayHints(ctx: vscode.ExtensionContext, cache: AnalysisCache, onLayoutChange?: vscode.Event<unknown>): DefinitionInlayHints {
  const provider = new DefinitionInlayHints(cache);
  ctx.subscriptions.push(
    vscode.languages.registerInlayHintsProvider(DOCUMENT_SELECTOR, provider),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('pagingLayout')) provider.refresh(); }),
  );
  if (onLayoutChange) ctx.subscriptions.push(onLayoutChange(() => provider.refresh()));
  return provider;
}
