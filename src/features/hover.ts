// Hovers on numeric literals: the value decoded against the active layout.
import * as vscode from 'vscode';
import { decodeAddress, decodeMarkdown, formatDecimal, formatSize, parseAddress } from '../engine';
import { LayoutService } from '../services';
import { DOCUMENT_SELECTOR } from './selector';

const LITERAL = /\b(?:0[xX][0-9a-fA-F][0-9a-fA-F_']*|[0-9][0-9a-fA-F]*[hH]|[0-9][0-9']*)(?:[uU]?[lL]{0,2}[uU]?)\b/g;

/** Values below this get no layout hover: loop bounds, bit numbers, small flags. */
const MIN_ADDRESS_LIKE = 0x1000n;

export class LiteralHoverProvider implements vscode.HoverProvider {
  constructor(private readonly layouts: LayoutService) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const line = doc.lineAt(pos.line).text;
    if (line.length > 10_000) return undefined;
    for (const m of line.matchAll(LITERAL)) {
      const start = m.index!, end = start + m[0].length;
      if (pos.character < start || pos.character > end) continue;
      let v: bigint;
      try { v = parseAddress(m[0]); } catch { return undefined; }
      if (v < MIN_ADDRESS_LIKE) return undefined;
      const d = decodeAddress(v, this.layouts.layout);
      const md = new vscode.MarkdownString(`${decodeMarkdown(d)}\n\n${formatDecimal(v)} · ${formatSize(v)}`);
      md.isTrusted = { enabledCommands: ['pagingLayout.decodeAddress'] };
      md.appendMarkdown(`\n\n[Decode](command:pagingLayout.decodeAddress?${encodeURIComponent(JSON.stringify([m[0]]))})`);
      return new vscode.Hover(md, new vscode.Range(pos.line, start, pos.line, end));
    }
    return undefined;
  }
}

export function registerHover(ctx: vscode.ExtensionContext, layouts: LayoutService): void {
  ctx.subscriptions.push(vscode.languages.registerHoverProvider(DOCUMENT_SELECTOR, new LiteralHoverProvider(layouts)));
}
