// The extension-host side of bench/indexEditor.bench.mjs (loaded as the extension tests module by
// code-server with a kernel tree as the workspace). First run ("cold"): the index is built from
// scratch while the map opens and hovers run on a header, with a timer-lag probe on the extension
// host's thread; then memory after indexing. After the driver reloads the window ("warm"): how soon the
// saved index is back. Results go to the console as `BENCH {json}` lines; `BENCH-DONE` ends a run.
import * as fs from 'fs';
import * as inspector from 'inspector';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { AnalysisCache, LayoutService } from '../src/context';
import { hoverMarkdown } from '../src/present';

const EXTENSION_ID = 'paging-layout.paging-layout';
const HEADER = 'arch/x86/include/asm/pgtable_64_types.h';
const BUILDING = ['loading', 'walking', 'indexing', 'checking'];
/** The marker the first run leaves for the run after the reload. */
const MARKER = path.join(os.tmpdir(), `paging-layout-index-editor-bench-${process.env.PAGING_LAYOUT_BENCH_ID ?? 'default'}.json`);

interface IndexStateLike {
  phase: string; done: number; total: number; files: number; definitions: number; bytes: number; skipped: number; elapsedMs: number;
  fromStorage?: { reread: number; removed: number };
  worker?: { heapUsed: number; heapTotal: number; segmentBytes: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const state = async (memory = false) => (await vscode.commands.executeCommand<IndexStateLike>('pagingLayout.indexState', { memory }))!;
const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor(q * a.length))];
}

/** Every task of this thread longer than the probe's period shows as a late timer. */
class LagProbe {
  private timer: NodeJS.Timeout;
  private last = performance.now();
  readonly long: { atMs: number; lagMs: number; phase: string }[] = [];
  max = 0;
  phase = 'start';
  readonly t0 = performance.now();
  constructor(private readonly period = 5) {
    this.timer = setInterval(() => {
      const now = performance.now();
      const lag = now - this.last - this.period;
      this.last = now;
      if (lag > this.max && BUILDING.includes(this.phase)) this.max = lag;
      if (lag > 50) this.long.push({ atMs: Math.round(now - this.t0), lagMs: Math.round(lag), phase: this.phase });
    }, period);
  }
  stop(): void { clearInterval(this.timer); }
  /** Long tasks while the index was building. */
  whileBuilding(): { atMs: number; lagMs: number; phase: string }[] { return this.long.filter((l) => BUILDING.includes(l.phase)); }
}


/** Open the map and wait until it has painted its rows: the time from the command, in ms. */
async function mapFirstPaint(): Promise<number> {
  const mapT = performance.now();
  await vscode.commands.executeCommand('pagingLayout.showMap');
  for (;;) {
    const m = await vscode.commands.executeCommand<{ rows: string[] }>('pagingLayout.mapSnapshot');
    if ((m?.rows.length ?? 0) > 5) break;
    if (performance.now() - mapT > 60_000) throw new Error('the map did not paint within 60 s');
    await sleep(10);
  }
  return performance.now() - mapT;
}

async function hoverOnce(uri: vscode.Uri, pos: vscode.Position): Promise<{ ms: number; text: string }> {
  const t = performance.now();
  const hs = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos)) ?? [];
  const ms = performance.now() - t;
  return { ms, text: hs.map((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n')).join('\n') };
}

/** A hover's own work in the extension host, without VS Code's round trip: the document's analysis (cached or made) and the text. */
function hoverWork(api: { analyses: AnalysisCache; layouts: LayoutService }, doc: vscode.TextDocument, pos: vscode.Position): number {
  const t = performance.now();
  const a = api.analyses.get(doc);
  if (a) hoverMarkdown(a, pos.line, pos.character, { layout: api.layouts.layout, mode: api.analyses.mode });
  return performance.now() - t;
}

function emit(kind: string, data: object): void { console.log(`BENCH ${JSON.stringify({ kind, profileStartMs, ...data })}`); }

async function cold(root: string, probe: LagProbe, t0: number): Promise<void> {
  const buildStart = performance.now();
  const doc = await vscode.workspace.openTextDocument(path.join(root, HEADER));
  await vscode.window.showTextDocument(doc, { preview: false });
  const text = doc.getText();
  const at = (needle: string, off = 2) => doc.positionAt(text.indexOf(needle) + off);
  const positions = [at('MODULES_VADDR'), at('VMALLOC_START'), at('__START_KERNEL_map'), at('0xffff'), at('MODULES_END')];
  // a document no provider of ours answers: the round trip of a hover request alone
  const plain = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'nothing to say here\n' });

  const rssBefore = process.memoryUsage().rss;
  // the build the extension started at activation (a fresh user-data folder: nothing saved); if it is
  // over already, one from scratch
  let start = performance.now();
  if (!BUILDING.includes((await state()).phase)) {
    await vscode.commands.executeCommand('pagingLayout.rebuildIndex');
    start = performance.now();
  }
  probe.phase = 'loading';
  // the map first, while the worker indexes
  const mapPaintMs = await mapFirstPaint();
  const phaseAtMap = (await state()).phase;
  await vscode.window.showTextDocument(doc, { preview: false });

  // hovers until the index is ready
  const during: number[] = [], after: number[] = [], baseline: number[] = [], work: number[] = [];
  const api = vscode.extensions.getExtension(EXTENSION_ID)!.exports as { analyses: AnalysisCache; layouts: LayoutService };
  const analysesBefore = { ...api.analyses.stats };
  let resolvedAt: number | undefined, resolvedDone = 0;
  const hoversWhileBuilding = async (from: number) => {
    let s = await state();
    let k = 0;
    while (BUILDING.includes(s.phase) || s.phase === 'idle') {
      probe.phase = s.phase;
      const pos = positions[k++ % positions.length];
      // the work first: after the index grew, it is the one that makes the new analysis
      work.push(hoverWork(api, doc, pos));
      const h = await hoverOnce(doc.uri, pos);
      during.push(h.ms);
      if (resolvedAt === undefined && /0xffff_ffff_c000_0000/.test(h.text)) { resolvedAt = performance.now() - from; resolvedDone = s.done; }
      if (k % 2 === 0) baseline.push((await hoverOnce(plain.uri, new vscode.Position(0, 2))).ms);
      s = await state();
      if (performance.now() - from > 600_000) throw new Error('indexing took more than 10 minutes');
    }
    probe.phase = s.phase;
    return s;
  };
  let s = await hoversWhileBuilding(start);
  const readyMs = performance.now() - start;
  // memory once the index is built (the worker thread lives in this process: its heap is part of the RSS)
  await sleep(2000);
  const mem = await state(true);
  const rssAfter = process.memoryUsage().rss;
  // the index was ready before the map had painted: hovers while a second build runs (the map open)
  let secondBuild = false;
  if (during.length < 20) {
    secondBuild = true;
    await vscode.commands.executeCommand('pagingLayout.rebuildIndex');
    s = await hoversWhileBuilding(performance.now());
  }
  for (let i = 0; i < 200; i++) after.push((await hoverOnce(doc.uri, positions[i % positions.length])).ms);
  const modules = (await hoverOnce(doc.uri, positions[0])).text;
  emit('cold', {
    tree: root, activatedAfterMs: t0, measuredFromMs: Math.round(start - buildStart), files: mem.files, definitions: mem.definitions, skipped: mem.skipped,
    indexReadyMs: Math.round(readyMs), workerElapsedMs: mem.elapsedMs, mapPaintMs: Math.round(mapPaintMs), phaseAtMap, secondBuild,
    hoverResolvedMs: resolvedAt !== undefined ? Math.round(resolvedAt) : null, hoverResolvedAtFiles: resolvedDone,
    hoverDuring: { n: during.length, p50: quantile(during, 0.5), p99: quantile(during, 0.99), max: Math.max(...during) },
    hoverAfter: { n: after.length, p50: quantile(after, 0.5), p99: quantile(after, 0.99), max: Math.max(...after) },
    hoverRoundTrip: { n: baseline.length, p50: quantile(baseline, 0.5), p99: quantile(baseline, 0.99) },
    hoverWorkDuring: { n: work.length, p50: quantile(work, 0.5), p99: quantile(work, 0.99), max: Math.max(...work) },
    // analyses made from scratch while indexing, and index refreshes that kept an analysis (of which changed an answer)
    analysesDuring: { made: api.analyses.stats.made - analysesBefore.made, kept: api.analyses.stats.kept - analysesBefore.kept, changed: api.analyses.stats.changed - analysesBefore.changed },
    lagWhileIndexing: { maxMs: Math.round(probe.max), over50: probe.whileBuilding() },
    rssBeforeMb: mb(rssBefore), rssAfterMb: mb(rssAfter), sharedIndexMb: mb(mem.bytes),
    workerHeapUsedMb: mem.worker ? mb(mem.worker.heapUsed) : null, workerHeapTotalMb: mem.worker ? mb(mem.worker.heapTotal) : null,
    modulesHover: modules.slice(0, 400),
    loadavg: os.loadavg(),
  });
  fs.writeFileSync(MARKER, JSON.stringify({ at: Date.now() }));
}

async function warm(root: string, probe: LagProbe, t0: number, scriptStart: number): Promise<void> {
  // the extension loads the saved index by itself after activation: watch it come back
  let firstLookups: number | undefined;
  let s = await state();
  const begin = performance.now();
  while (s.phase !== 'ready') {
    probe.phase = s.phase === 'idle' ? 'loading' : s.phase;
    if (firstLookups === undefined && s.files > 0) firstLookups = performance.now() - scriptStart;
    if (performance.now() - begin > 120_000) throw new Error(`the saved index was not ready within 120 s (phase ${s.phase})`);
    await sleep(5);
    s = await state();
  }
  const readyAt = performance.now() - scriptStart;
  probe.phase = 'ready';
  const doc = await vscode.workspace.openTextDocument(path.join(root, HEADER));
  await vscode.window.showTextDocument(doc, { preview: false });
  const text = doc.getText();
  const h = await hoverOnce(doc.uri, doc.positionAt(text.indexOf('MODULES_VADDR') + 2));
  // the peers of the cold run's numbers, with no index being built: map first paint, hovers
  await sleep(1000);
  const mapPaintMs = await mapFirstPaint();
  await vscode.window.showTextDocument(doc, { preview: false });
  const positions = ['MODULES_VADDR', 'VMALLOC_START', '__START_KERNEL_map', '0xffff', 'MODULES_END'].map((n) => doc.positionAt(text.indexOf(n) + 2));
  const idle: number[] = [];
  for (let i = 0; i < 200; i++) idle.push((await hoverOnce(doc.uri, positions[i % positions.length])).ms);
  await sleep(2000);
  const mem = await state(true);
  emit('warm', {
    tree: root, activatedAfterMs: t0, fromStorage: s.fromStorage ?? null, files: s.files, definitions: s.definitions,
    workerElapsedMs: s.elapsedMs, lookupsAfterScriptStartMs: firstLookups !== undefined ? Math.round(firstLookups) : 0, readyAfterScriptStartMs: Math.round(readyAt),
    modulesResolved: /0xffff_ffff_c000_0000/.test(h.text), hoverMs: h.ms, mapPaintIdleMs: Math.round(mapPaintMs),
    hoverIdle: { n: idle.length, p50: quantile(idle, 0.5), p99: quantile(idle, 0.99), max: Math.max(...idle) },
    lagWhileLoading: { maxMs: Math.round(probe.max), over50: probe.whileBuilding() },
    rssMb: mb(process.memoryUsage().rss), sharedIndexMb: mb(mem.bytes), workerHeapUsedMb: mem.worker ? mb(mem.worker.heapUsed) : null,
    loadavg: os.loadavg(),
  });
  fs.rmSync(MARKER, { force: true });
}

/** With PAGING_LAYOUT_BENCH_PROFILE=DIR: a CPU profile of the extension host's thread for each run (to name its long tasks). */
/** When the CPU profile started, in the probe's time (ms): the driver places each long task in the profile with it. */
let profileStartMs = 0;

function startProfile(probe: LagProbe): (() => Promise<void>) | undefined {
  const dir = process.env.PAGING_LAYOUT_BENCH_PROFILE;
  if (!dir) return undefined;
  const label = fs.existsSync(MARKER) ? 'warm' : 'cold';
  const session = new inspector.Session();
  session.connect();
  const post = (m: string, p?: object) => new Promise<unknown>((resolve, reject) => session.post(m, p ?? {}, (e, r) => (e ? reject(e) : resolve(r))));
  void post('Profiler.enable').then(() => post('Profiler.setSamplingInterval', { interval: 500 })).then(() => post('Profiler.start'))
    .then(() => { profileStartMs = performance.now() - probe.t0; });
  return async () => {
    const r = await post('Profiler.stop') as { profile: object };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `host-${label}-${Date.now()}.cpuprofile`), JSON.stringify(r.profile));
    session.disconnect();
  };
}

export async function run(): Promise<void> {
  const scriptStart = performance.now();
  const probe = new LagProbe();
  const stopProfile = startProfile(probe);
  try {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!root) throw new Error('no workspace folder');
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
    // activation without any file open: workspaceContains of the tree's top-level names
    while (!ext.isActive) {
      if (performance.now() - scriptStart > 60_000) throw new Error('the extension did not activate within 60 s without a file open');
      await sleep(10);
    }
    const t0 = Math.round(performance.now() - scriptStart);
    if (fs.existsSync(MARKER)) await warm(root, probe, t0, scriptStart);
    else await cold(root, probe, t0);
  } catch (e) {
    emit('error', { message: (e as Error).message });
  } finally {
    probe.stop();
    await stopProfile?.().catch(() => undefined);
    console.log('BENCH-DONE');
  }
}
