// Hovers on numeric literals and on macro/symbol names (at the definition and at every use) in C,
// assembly and linker scripts. What they say comes from src/present/hover.ts; this file finds the
// document's analysis (and the imported boot, whose values and symbols hovers show) and turns the
// Markdown into a VS Code hover.
import * as vscode from 'vscode';
import { DOCUMENT_SELECTOR, PagingContext } from '../context';
import { contextNote, HOVER_COMMANDS, hoverMarkdown, lineOnlyNote } from '../present';

/** Longest line of a too-large file that still gets a hover of its own. */
const MAX_LINE_ONLY = 100_000;

class PagingHoverProvider implements vscode.HoverProvider {
  constructor(private readonly ctx: PagingContext) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const { analyses, documents, layouts, boot } = this.ctx;
    let a = analyses.get(doc);
    let lineOnly: string | undefined;
    if (!a) {
      // A file too large for a full analysis still gets literal hovers from its current line.
      const reason = documents.skipReason(doc);
      const text = doc.lineAt(pos.line).text;
      if (!reason || /binary/.test(reason) || text.length > MAX_LINE_ONLY) return undefined;
      a = analyses.analyzeFragment(doc, text);
      lineOnly = reason;
    }
    // The file's layout (another architecture's file, a kernel build's configuration) and the mode its analysis assumed.
    const { mode, build, file } = analyses.modeFor(doc);
    const bootView = boot.imports.length && !file.reason ? boot.hoverView(layouts.layout) : undefined;
    const h = hoverMarkdown(a, lineOnly ? 0 : pos.line, pos.character, { layout: file.layout, mode: a.mode ?? mode }, bootView);
    if (!h) return undefined;
    const md = new vscode.MarkdownString(h.markdown + contextNote(file.reason ? file.layout.id : undefined, file.reason, build && { configFile: build.configFile }) + (lineOnly ? lineOnlyNote(lineOnly) : ''));
    md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
    return new vscode.Hover(md, new vscode.Range(pos.line, h.start, pos.line, h.end));
  }
}

export function register(ctx: PagingContext): void {
  ctx.subscribe(vscode.languages.registerHoverProvider(DOCUMENT_SELECTOR, new PagingHoverProvider(ctx)));
}
