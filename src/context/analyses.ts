// One analysis per document version, shared by every feature that reads a document: hovers, inlay
// hints, diagnostics and the map's markers. Re-analysed incrementally after edits; dropped when the
// document closes, a setting or the layout changes, or the workspace index grows.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { getMode, PagingMode } from '../engine/paging';
import { AnalysisOptions, DEFAULT_MODE_ID, DocumentAnalysis, DocumentAnalyzer, Family, familyFor } from '../engine/source';
import { CompileCommands } from './compileCommands';
import { Configuration } from './configuration';
import { DocumentLimits } from './documents';
import { WorkspaceIndexClient } from './indexClient';
import { LayoutService } from './layouts';

const MAX_INCLUDED_FILE_BYTES = 4 * 1024 * 1024;
const MAX_CACHED_FILES = 5000;

interface Entry { analyzer: DocumentAnalyzer; version: number; analysis: DocumentAnalysis; key: string }

/** Reads included files from disk with a small cache checked against the modification time. */
class FileReader {
  private cache = new Map<string, { mtime: number; text: string | undefined }>();
  read = (p: string): string | undefined => {
    let st: fs.Stats;
    try { st = fs.statSync(p); } catch { return undefined; }
    if (!st.isFile() || st.size > MAX_INCLUDED_FILE_BYTES) return undefined;
    const hit = this.cache.get(p);
    if (hit && hit.mtime === st.mtimeMs) return hit.text;
    let text: string | undefined;
    try { text = fs.readFileSync(p, 'utf8'); } catch { text = undefined; }
    if (this.cache.size > MAX_CACHED_FILES) this.cache.clear();
    this.cache.set(p, { mtime: st.mtimeMs, text });
    return text;
  };
}

/** The language family of a document: the engine's rule, from its language id and file name. */
export function familyOfDocument(doc: { languageId: string; fileName: string }): Family {
  return familyFor(doc.languageId, doc.fileName) ?? 'c';
}

export class AnalysisCache implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly reader = new FileReader();
  private readonly compileCommands = new CompileCommands();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires after the cached analyses were dropped because their inputs changed (settings, layout, index). */
  readonly onDidInvalidate = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(
    private readonly config: Configuration,
    private readonly layouts: LayoutService,
    private readonly limits: DocumentLimits,
    private readonly index: WorkspaceIndexClient,
  ) {
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((d) => this.entries.delete(d.uri.toString())),
      config.onDidChange(() => this.invalidate()),
      layouts.onDidChange(() => this.invalidate()),
      index.onDidIndex(() => this.invalidate()),
    );
  }

  private invalidate(): void {
    this.entries.clear();
    this.emitter.fire();
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); this.entries.clear(); }

  /** The paging mode of the active layout. */
  get mode(): PagingMode { return getMode(this.layouts.layout.mode) ?? getMode(DEFAULT_MODE_ID)!; }

  private options(doc: vscode.TextDocument): AnalysisOptions {
    const onDisk = doc.uri.scheme === 'file';
    const folder = this.config.folderOf(doc.uri, doc.fileName);
    const s = this.config.analysis(doc.uri, folder);
    const includeDirs = [...s.includeDirs];
    if (onDisk) includeDirs.push(...this.compileCommands.includeDirs(doc.fileName, folder, s.compileCommands));
    return {
      file: onDisk ? doc.fileName : undefined, languageId: doc.languageId, family: familyOfDocument(doc),
      mode: this.mode, defines: s.defines, includeDirs, readFile: onDisk ? this.reader.read : undefined,
      fallback: this.index.lookupFor(doc.fileName),
    };
  }

  /** A throw-away analysis of some text with the document's options (no caching). */
  analyzeFragment(doc: vscode.TextDocument, text: string): DocumentAnalysis {
    return new DocumentAnalyzer(this.options(doc)).analyze(text);
  }

  /** The analysis of the document's current version, or undefined for a document the features leave alone. */
  get(doc: vscode.TextDocument): DocumentAnalysis | undefined {
    if (this.limits.skipReason(doc)) return undefined;
    const k = doc.uri.toString();
    let e = this.entries.get(k);
    const opts = this.options(doc);
    const key = JSON.stringify([opts.mode?.id, opts.defines, opts.includeDirs, opts.family, doc.languageId, opts.fallback !== undefined]);
    if (e && e.version === doc.version && e.key === key) return e.analysis;
    try {
      if (!e || e.key !== key) {
        const analyzer = new DocumentAnalyzer(opts);
        e = { analyzer, version: doc.version, analysis: analyzer.analyze(doc.getText()), key };
      } else {
        e = { ...e, version: doc.version, analysis: e.analyzer.analyze(doc.getText()) };
      }
    } catch (err) {
      console.error(`paging-layout: analysis failed for ${k}: ${(err as Error).message}`);
      return undefined;
    }
    this.entries.set(k, e);
    return e.analysis;
  }
}
