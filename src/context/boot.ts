// The imported memory maps and the boots derived from them, shared by the map, the layout picker,
// hovers and the commands. Imports persist per workspace: the text of each is copied into the
// extension's storage folder (storageUri, or globalStorageUri without a workspace) and the list is
// kept in workspaceState, so that this boot's layouts and hovers come back after a reload.
import * as vscode from 'vscode';
import { Layout } from '../engine/paging';
import { importMemoryMap, ImportFormat, isImportFormat, slug } from '../engine/map';
import { assembleBoots, Boot, BootView, bootViewOf, ImportedMap, importLayoutOf, LIVE_BOOT_NAME, SymbolSource } from '../present/boot';

const STATE_KEY = 'pagingLayout.imports';
const CURRENT_KEY = 'pagingLayout.currentBoot';
const LIVE_KEY = 'pagingLayout.liveReport';
/** Largest import copied into the storage folder (larger ones last until the window closes). */
const MAX_STORED_BYTES = 64 * 1024 * 1024;

interface StoredImport {
  id: string;
  name: string;
  format: ImportFormat;
  source?: string;
  group?: 'live';
  preferredStatic?: string;
  /** File name in the storage folder. */
  file?: string;
}

/** A file of this machine and what reading it gave. */
export interface LiveNote {
  path: string;
  status: string;
  reason: string;
}

export interface AddOptions {
  name: string;
  /** A file URI or a path of this machine. */
  source?: string;
  format?: ImportFormat;
  group?: 'live';
  preferredStatic?: string;
}

export class BootStore implements vscode.Disposable {
  private maps: ImportedMap[] = [];
  private texts = new Map<string, string>();
  private boots: Boot[] = [];
  private builtFor = '';
  private statics: Layout[] = [];
  private currentId: string | undefined;
  private liveNotes: LiveNote[] = [];
  private views = new Map<string, BootView>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires after imports were added or removed (the boots and their layouts may have changed). */
  readonly onDidChange = this.emitter.event;
  /** Resolves once the imports of the last session are read back. */
  readonly ready: Promise<void>;

  constructor(private readonly extension: vscode.ExtensionContext) {
    this.ready = this.restore().catch((e) => { console.error(`paging-layout: imports not restored: ${(e as Error).message}`); });
  }

  get imports(): readonly ImportedMap[] { return this.maps; }
  get live(): readonly LiveNote[] { return this.liveNotes; }

  private storageDir(): vscode.Uri {
    return vscode.Uri.joinPath(this.extension.storageUri ?? this.extension.globalStorageUri, 'imports');
  }

  /** The boots, for the static layouts given (custom layouts and presets); rebuilt when imports or layouts change. */
  bootsFor(statics: Layout[]): Boot[] {
    const key = `${this.maps.map((m) => m.id).join('\0')}\u0001${statics.map((l) => `${l.id}:${l.origin}`).join('\0')}`;
    if (key !== this.builtFor || statics.some((l, i) => l !== this.statics[i])) {
      this.statics = statics;
      this.builtFor = key;
      try { this.boots = assembleBoots(this.maps, statics); } catch (e) {
        console.error(`paging-layout: boots not derived: ${(e as Error).message}`);
        this.boots = [];
      }
      this.views.clear();
    }
    return this.boots;
  }

  /** The boots as last built. */
  get allBoots(): readonly Boot[] { return this.boots; }

  /** This boot's layouts, for the static layouts given. */
  layoutsFor(statics: Layout[]): Layout[] {
    return this.bootsFor(statics).map((b) => b.applied.layout);
  }

  /** An import's own layout, by its id. */
  importLayout(id: string): Layout | undefined {
    const m = this.maps.find((x) => x.id === id);
    return m ? importLayoutOf(m) : undefined;
  }

  /** The boot hovers use: the active layout's boot, else the one imported last. */
  currentBoot(active: Layout | undefined): Boot | undefined {
    return this.boots.find((b) => b.id === active?.id) ?? this.boots.find((b) => b.id === this.currentId) ?? this.boots[this.boots.length - 1];
  }

  /** What hovers and Decode Address read: the current boot's values and symbols (or the System.maps alone). */
  hoverView(active: Layout | undefined): BootView {
    const boot = this.currentBoot(active);
    const key = boot?.id ?? '';
    let v = this.views.get(key);
    if (!v) {
      const linkTime: SymbolSource[] = this.maps.filter((m) => m.result.format === 'system-map' && m.result.symbols && !m.result.symbols.allZero)
        .reverse().map((m) => ({ table: m.result.symbols!, slide: 0n, kind: 'link-time' as const }));
      v = bootViewOf(boot, boot ? undefined : linkTime);
      this.views.set(key, v);
    }
    return v;
  }

  /** The boot that comes from an import. */
  bootOf(importId: string): Boot | undefined {
    return this.boots.find((b) => b.imports[0] === importId) ?? this.boots.find((b) => b.imports.includes(importId));
  }

  private uniqueId(name: string, replacing?: string): string {
    const base = `import-${slug(name)}`;
    let id = base;
    for (let k = 2; this.maps.some((m) => m.id === id && m.id !== replacing); k++) id = `${base}-${k}`;
    return id;
  }

  /** Import a text; an import of the same file replaces the earlier one. Never throws for bad input (the result says what was wrong). */
  async add(text: string, opts: AddOptions): Promise<ImportedMap> {
    const map = this.make(text, opts);
    await this.persist();
    this.emitter.fire();
    return map;
  }

  private make(text: string, opts: AddOptions): ImportedMap {
    const result = importMemoryMap(text, { name: opts.name, format: opts.format });
    const same = opts.source && opts.group !== 'live' ? this.maps.find((m) => m.source === opts.source && m.group !== 'live') : undefined;
    const id = this.uniqueId(opts.group === 'live' ? `this-machine${opts.name.replace(/[\\/]+/g, '-')}` : opts.name, same?.id);
    const map: ImportedMap = { id, name: opts.name, result, source: opts.source, group: opts.group, preferredStatic: opts.preferredStatic };
    this.maps = same ? this.maps.map((m) => (m === same ? map : m)) : [...this.maps, map];
    if (same && same.id !== id) this.texts.delete(same.id);
    this.texts.set(id, text);
    this.builtFor = '';
    this.bootsFor(this.statics);
    const boot = this.bootOf(id);
    if (boot) this.currentId = boot.id;
    return map;
  }

  /** Replace the files read from this machine with a new reading. */
  async setLive(files: { path: string; text: string; format: ImportFormat }[], notes: LiveNote[], preferredStatic?: string): Promise<Boot | undefined> {
    this.dropLive();
    for (const f of files) this.make(f.text, { name: f.path, source: f.path, format: f.format, group: 'live', preferredStatic });
    this.liveNotes = notes;
    const boot = this.boots.find((b) => b.name === LIVE_BOOT_NAME);
    if (boot) this.currentId = boot.id;
    await this.persist();
    this.emitter.fire();
    return boot;
  }

  private dropLive(): void {
    for (const m of this.maps) if (m.group === 'live') this.texts.delete(m.id);
    this.maps = this.maps.filter((m) => m.group !== 'live');
    this.liveNotes = [];
    this.builtFor = '';
  }

  /** Forget an import (or 'all', or 'live': the files of this machine). */
  async remove(id: string): Promise<boolean> {
    const before = this.maps.length;
    if (id === 'all') { this.maps = []; this.texts.clear(); this.liveNotes = []; } else if (id === 'live') this.dropLive();
    else {
      const m = this.maps.find((x) => x.id === id);
      if (m?.group === 'live') this.dropLive();
      else { this.maps = this.maps.filter((x) => x.id !== id); this.texts.delete(id); }
    }
    if (this.maps.length === before && id !== 'all') return false;
    this.builtFor = '';
    this.bootsFor(this.statics);
    if (!this.boots.some((b) => b.id === this.currentId)) this.currentId = undefined;
    await this.persist();
    this.emitter.fire();
    return true;
  }

  // ---- persistence --------------------------------------------------------------------------------

  private saving: Promise<void> = Promise.resolve();

  /** Writes the imports out, one write after the other. */
  private persist(): Promise<void> {
    this.saving = this.saving.then(() => this.write(), (e) => { console.error(`paging-layout: imports not saved: ${(e as Error).message}`); });
    return this.saving;
  }

  private async write(): Promise<void> {
    const dir = this.storageDir();
    const stored: StoredImport[] = [];
    try { await vscode.workspace.fs.createDirectory(dir); } catch { /* exists, or no storage: kept in memory only */ }
    const keep = new Set<string>();
    for (const m of this.maps) {
      const text = this.texts.get(m.id);
      let file: string | undefined;
      if (text !== undefined && text.length <= MAX_STORED_BYTES) {
        file = `${m.id}.txt`;
        try { await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, file), new TextEncoder().encode(text)); keep.add(file); } catch { file = undefined; }
      }
      stored.push({ id: m.id, name: m.name, format: m.result.format, source: m.source, group: m.group, preferredStatic: m.preferredStatic, file });
    }
    // Copies of imports that were removed.
    try {
      for (const [name] of await vscode.workspace.fs.readDirectory(dir)) {
        if (name.endsWith('.txt') && !keep.has(name)) await vscode.workspace.fs.delete(vscode.Uri.joinPath(dir, name)).then(undefined, () => undefined);
      }
    } catch { /* nothing stored */ }
    await this.extension.workspaceState.update(STATE_KEY, stored);
    await this.extension.workspaceState.update(CURRENT_KEY, this.currentId);
    await this.extension.workspaceState.update(LIVE_KEY, this.liveNotes);
  }

  private async restore(): Promise<void> {
    const stored = this.extension.workspaceState.get<StoredImport[]>(STATE_KEY);
    if (!Array.isArray(stored) || !stored.length) return;
    const dir = this.storageDir();
    for (const s of stored) {
      if (!s || typeof s.id !== 'string' || typeof s.name !== 'string' || typeof s.file !== 'string' || !isImportFormat(s.format)) continue;
      let text: string;
      try { text = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, s.file))).toString('utf8'); } catch { continue; }
      const result = importMemoryMap(text, { name: s.name, format: s.format });
      this.maps.push({ id: s.id, name: s.name, result, source: s.source, group: s.group === 'live' ? 'live' : undefined, preferredStatic: s.preferredStatic });
      this.texts.set(s.id, text);
    }
    const current = this.extension.workspaceState.get<string>(CURRENT_KEY);
    this.currentId = typeof current === 'string' ? current : undefined;
    const notes = this.extension.workspaceState.get<LiveNote[]>(LIVE_KEY);
    this.liveNotes = Array.isArray(notes) ? notes.filter((n) => n && typeof n.path === 'string') : [];
    this.builtFor = '';
  }

  dispose(): void { this.emitter.dispose(); }
}
