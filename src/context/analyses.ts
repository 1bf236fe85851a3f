// One analysis per document version, shared by every feature that reads a document: hovers, inlay
// hints, diagnostics and the map's markers. Re-analysed incrementally after edits; dropped when the
// document closes, a setting or the layout changes, or a file it included changed on disk. When the
// workspace index grows or changes, an analysis is kept: its names are looked up in the index through
// one function that always asks the current index (IndexLookup), its values are checked against the
// definitions they used (the index's origin is part of their signature), and the features are told to
// refresh only when an answer it had from the index is now different.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { archDirOf, FileLayoutChoice, getMode, PagingMode } from '../engine/paging';
import { AnalysisOptions, DEFAULT_MODE_ID, DocumentAnalysis, DocumentAnalyzer, Family, familyFor, kbuildIncludeDirs, MacroDef } from '../engine/source';
import { CompileCommands } from './compileCommands';
import { Configuration } from './configuration';
import { DocumentLimits } from './documents';
import { WorkspaceIndexClient } from './indexClient';
import { LayoutService } from './layouts';
import type { EditorBuild } from './kbuild';

const MAX_INCLUDED_FILE_BYTES = 4 * 1024 * 1024;
const MAX_CACHED_FILES = 5000;

/** Names an analysis may have asked of the index and still be kept when the index changes (beyond: made again). */
const MAX_ASKED = 20_000;

interface Entry {
  analyzer: DocumentAnalyzer; version: number; analysis: DocumentAnalysis; key: string;
  /** The index as this analysis sees it. */
  index: IndexLookup;
  /** Files its preprocessing tried to read, with their modification time then (-1: none there). */
  read: Map<string, number>;
}

/** Modification time of a file, -1 when there is none. */
function mtimeOf(p: string): number {
  try { return fs.statSync(p).mtimeMs; } catch { return -1; }
}

/** Reads included files from disk with a small cache checked against the modification time. */
class FileReader {
  private cache = new Map<string, { mtime: number; text: string | undefined }>();
  /** Read `p`; `seen` gets the modification time it had (-1: not there). */
  read(p: string, seen?: Map<string, number>): string | undefined {
    let st: fs.Stats;
    try { st = fs.statSync(p); } catch { seen?.set(p, -1); return undefined; }
    seen?.set(p, st.mtimeMs);
    if (!st.isFile() || st.size > MAX_INCLUDED_FILE_BYTES) return undefined;
    const hit = this.cache.get(p);
    if (hit && hit.mtime === st.mtimeMs) return hit.text;
    let text: string | undefined;
    try { text = fs.readFileSync(p, 'utf8'); } catch { text = undefined; }
    if (this.cache.size > MAX_CACHED_FILES) this.cache.clear();
    this.cache.set(p, { mtime: st.mtimeMs, text });
    return text;
  }
}

/** What identifies an index answer: each definition's signature and where it is, with the index's note. */
function answerKey(defs: readonly MacroDef[] | undefined): string {
  return defs === undefined ? '' : defs.map((d) => d.sig).join('\u0001');
}

/**
 * The workspace index for one document's analysis: `lookup` (the analysis' fallback) always asks the
 * index as it is now. The definitions it returns carry their file, line and the index's note in their
 * signature, so a value the analysis cached is made again when a definition it used moved to another
 * file or changed, not only when its text did. It remembers what it answered, to tell after the index
 * changed whether any answer is different.
 */
class IndexLookup {
  private current: ((name: string) => MacroDef[] | undefined) | undefined;
  private readonly memo = new Map<string, MacroDef[] | undefined>();
  /** Names answered since the analysis was made, with the answer's key. */
  private readonly asked = new Map<string, string>();

  constructor(private readonly index: WorkspaceIndexClient, private readonly file: string) {
    this.current = index.lookupFor(file);
  }

  readonly lookup = (name: string): MacroDef[] | undefined => {
    if (this.memo.has(name)) return this.memo.get(name);
    const r = this.answer(this.current, name);
    this.memo.set(name, r);
    this.asked.set(name, answerKey(r));
    return r;
  };

  private answer(lookup: ((name: string) => MacroDef[] | undefined) | undefined, name: string): MacroDef[] | undefined {
    const defs = lookup?.(name);
    return defs?.map((d) => ({ ...d, sig: `${d.sig}\u0002${d.origin?.file ?? ''}:${d.origin?.line ?? ''}:${d.origin?.note ?? ''}` }));
  }

  /**
   * The index changed: look up again every name answered so far (which also tells the index client
   * which names matter to the open documents); whether any answer is different now. Undefined: too
   * many names to compare, the analysis is better made again.
   */
  refresh(): boolean | undefined {
    this.current = this.index.lookupFor(this.file);
    this.memo.clear();
    if (this.asked.size > MAX_ASKED) return undefined;
    let changed = false;
    for (const [name, key] of this.asked) {
      const r = this.answer(this.current, name);
      this.memo.set(name, r);
      const k = answerKey(r);
      if (k !== key) { changed = true; this.asked.set(name, k); }
    }
    return changed;
  }
}

/** The language family of a document: the engine's rule, from its language id and file name. */
export function familyOfDocument(doc: { languageId: string; fileName: string }): Family {
  return familyFor(doc.languageId, doc.fileName) ?? 'c';
}

export class AnalysisCache implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly reader = new FileReader();
  /** Analyses made from scratch and index refreshes that kept them (for tests and benchmarks). */
  readonly stats = { made: 0, kept: 0, changed: 0 };
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
      index.onDidIndex(() => this.onIndex()),
    );
  }

  /**
   * The index grew or changed: each analysis is kept when the files it read are unchanged; the features
   * refresh when one of them got a different answer from the index (or was dropped).
   */
  private onIndex(): void {
    let changed = false;
    for (const [k, e] of this.entries) {
      let same = true;
      for (const [p, t] of e.read) if (mtimeOf(p) !== t) { same = false; break; }
      const r = same ? e.index.refresh() : undefined;
      // With a complete configuration the evaluator memoises its #if decisions per lookup (configuredLookup):
      // a different answer from the index then needs a lookup of its own, that is, the analysis made again.
      if (r === undefined || (r && e.analysis.options.configComplete)) { this.entries.delete(k); changed = true; continue; }
      this.stats.kept++;
      if (r) { this.stats.changed++; changed = true; }
    }
    if (changed) this.emitter.fire();
  }

  private invalidate(): void {
    this.entries.clear();
    this.emitter.fire();
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); this.entries.clear(); }

  /** The paging mode of the active layout. */
  get mode(): PagingMode { return getMode(this.layouts.layout.mode) ?? getMode(DEFAULT_MODE_ID)!; }

  /**
   * The paging mode and the kernel build a document is analysed with: its file's layout (LayoutService.forFile),
   * and the build's configuration when the file is of the build's architecture (a file under another
   * `arch/` is read without it). Without a chosen layout, the build's own paging mode.
   */
  modeFor(doc: vscode.TextDocument): { mode: PagingMode; build?: EditorBuild; treeIncludes?: string[]; file: FileLayoutChoice } {
    const f = this.layouts.forFile(doc.uri, doc.fileName);
    const dir = archDirOf(doc.fileName);
    const build = f.build && (dir === undefined || dir === f.build.context.arch) ? f.build : undefined;
    const own = build && !f.explicit && !('error' in build.mode) ? build.mode.mode : undefined;
    // Another architecture's file of the build's source tree: that architecture's include paths of the tree, no configuration.
    const treeIncludes = f.build && !build && dir ? kbuildIncludeDirs(f.build.context.sourceTree, f.build.context.sourceTree, dir) : undefined;
    return { mode: own ?? getMode(f.layout.mode) ?? getMode(DEFAULT_MODE_ID)!, build, treeIncludes, file: f };
  }

  /**
   * The options of a document's analysis and the key of the inputs that decide it; `index` and `read` are
   * the entry's (a throw-away analysis gets its own).
   */
  private options(doc: vscode.TextDocument, index = new IndexLookup(this.index, doc.fileName), read?: Map<string, number>): { opts: AnalysisOptions; key: string } {
    const onDisk = doc.uri.scheme === 'file';
    const folder = this.config.folderOf(doc.uri, doc.fileName);
    const s = this.config.analysis(doc.uri, folder);
    const { mode, build, treeIncludes } = this.modeFor(doc);
    const includeDirs = [...s.includeDirs];
    // A kernel build: its configuration (complete: an unlisted CONFIG_ is not set) under the user's defines, and Kbuild's include paths.
    if (build) includeDirs.push(...build.context.includeDirs);
    else if (treeIncludes) includeDirs.push(...treeIncludes);
    const db = !build && onDisk ? this.compileCommands.flags(doc.fileName, folder, s.compileCommands) : undefined;
    if (db) includeDirs.push(...db.includeDirs);
    // The user's defines over the build's configuration, or over the unit's -D/-U of compile_commands.json.
    const defines = build ? { ...build.context.defines, ...s.defines } : db && Object.keys(db.defines).length ? { ...db.defines, ...s.defines } : s.defines;
    const opts: AnalysisOptions = {
      file: onDisk ? doc.fileName : undefined, languageId: doc.languageId, family: familyOfDocument(doc),
      mode, defines, includeDirs, readFile: onDisk ? (p) => this.reader.read(p, read) : undefined,
      fallback: index.lookup, ...(build ? { configComplete: true } : {}),
    };
    // (a kernel build's configuration is named by the build, not spelled out: it has thousands of symbols)
    const key = JSON.stringify([mode.id, build ? [build.serial, s.defines] : defines, includeDirs, opts.family, doc.languageId]);
    return { opts, key };
  }

  /** A throw-away analysis of some text with the document's options (no caching). */
  analyzeFragment(doc: vscode.TextDocument, text: string): DocumentAnalysis {
    return new DocumentAnalyzer(this.options(doc).opts).analyze(text);
  }

  /** The analysis of the document's current version, or undefined for a document the features leave alone. */
  get(doc: vscode.TextDocument): DocumentAnalysis | undefined {
    if (this.limits.skipReason(doc)) return undefined;
    const k = doc.uri.toString();
    let e = this.entries.get(k);
    const index = e?.index ?? new IndexLookup(this.index, doc.fileName);
    const read = e?.read ?? new Map<string, number>();
    const { key } = this.options(doc, index, read);
    if (e && e.version === doc.version && e.key === key) return e.analysis;
    try {
      if (!e || e.key !== key) {
        const fresh = { index: new IndexLookup(this.index, doc.fileName), read: new Map<string, number>() };
        const analyzer = new DocumentAnalyzer(this.options(doc, fresh.index, fresh.read).opts);
        e = { analyzer, version: doc.version, analysis: analyzer.analyze(doc.getText()), key, ...fresh };
        this.stats.made++;
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
