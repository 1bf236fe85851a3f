// The index worker: one long-lived thread that builds, saves and updates the workspace index so
// that the extension host's thread never reads a tree. It receives the folders to index, priorities
// (folders of the files being looked at), file changes and a cancel; it sends segments (shared memory),
// progress, log lines and its memory use. Bundled into the extension (scripts/build.mjs) and started
// by indexClient.ts; the compiled file runs the same way in the unit tests.
import * as os from 'os';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import * as v8 from 'v8';
import { BatchScanner, IndexStore, Publication, ScanHelper, ScanPart, StoreStatus } from './indexStore';
import { packFiles, PackedFiles } from './indexView';

/** Messages to the worker. */
export type ToIndexWorker =
  | { type: 'start'; roots: string[]; maxFiles: number; storageFile?: string; priority: string[]; rebuild?: boolean }
  | { type: 'prioritize'; dirs: string[] }
  | { type: 'cancel' }
  | { type: 'update'; changed: string[]; deleted: string[]; folders?: string[] }
  | { type: 'stats' }
  | { type: 'save' };

/** Messages from the worker. */
export type FromIndexWorker =
  | { type: 'segment'; id: number; buffer: ArrayBufferLike; offset: number; bits: number; count: number; files: [number, string][] | PackedFiles; dead: number[]; replaces?: number[]; update: boolean }
  | { type: 'status'; status: StoreStatus }
  | { type: 'log'; message: string }
  | { type: 'stats'; heapUsed: number; heapTotal: number; segmentBytes: number; files: number; definitions: number }
  | { type: 'saved'; ok: boolean };

/** How long changes wait before the index is saved again. */
const SAVE_DELAY_MS = 5000;

/** What the extension host gives the worker: its own code when it runs bundled (to start the scan helper). */
interface IndexWorkerData { code?: string; role?: 'scan' }

/**
 * The scan helper: a second thread for a cold build on a machine with more than one core. It reads and
 * scans the batches of files it is sent and sends back their sites (transferred, not copied).
 */
function startHelper(data: IndexWorkerData): { scan: ScanHelper; stop(): void } | undefined {
  if (os.cpus().length < 2) return undefined;
  let w: Worker;
  try {
    w = data.code ? new Worker(data.code, { eval: true, workerData: { role: 'scan', code: data.code } }) : new Worker(__filename, { workerData: { role: 'scan' } });
  } catch { return undefined; }
  let next = 0;
  const waiting = new Map<number, { resolve(p: ScanPart): void; reject(e: Error): void }>();
  w.on('message', (m: { id: number; part: ScanPart }) => { waiting.get(m.id)?.resolve(m.part); waiting.delete(m.id); });
  const fail = (e: Error) => { for (const x of waiting.values()) x.reject(e); waiting.clear(); };
  w.on('error', fail);
  w.on('exit', () => fail(new Error('the scan helper stopped')));
  return {
    scan: (files) => new Promise<ScanPart>((resolve, reject) => { const id = ++next; waiting.set(id, { resolve, reject }); w.postMessage({ id, files }); }),
    stop: () => { void w.terminate(); },
  };
}

function helperMain(port: NonNullable<typeof parentPort>): void {
  const scanner = new BatchScanner();
  port.on('message', (m: { id: number; files: string[] }) => {
    const part = scanner.scan(m.files);
    // the per-file arrays are moved, the segment is shared memory
    port.postMessage({ id: m.id, part }, [part.sizes.buffer, part.mtimes.buffer, part.counts.buffer] as ArrayBuffer[]);
  });
}

function main(port: NonNullable<typeof parentPort>): void {
  const send = (m: FromIndexWorker) => port.postMessage(m);
  let store: IndexStore | undefined;
  let running = false;
  const priority: string[] = [];
  const pending: { changed: Set<string>; deleted: Set<string>; folders: Set<string> } = { changed: new Set(), deleted: new Set(), folders: new Set() };
  let saveTimer: NodeJS.Timeout | undefined;

  const publish = (p: Publication, update = false) => {
    send({ type: 'segment', id: p.id, buffer: p.segment.buffer, offset: p.segment.starts.byteOffset, bits: p.segment.bits, count: p.segment.count, files: packFiles(p.files), dead: p.dead, replaces: p.replaces, update });
  };
  const status = (s: StoreStatus) => send({ type: 'status', status: s });
  const log = (message: string) => send({ type: 'log', message });

  /** File changes that arrived while a run was going: read now, one publication. */
  const applyPending = () => {
    if (!store || running || (pending.changed.size === 0 && pending.deleted.size === 0 && pending.folders.size === 0)) return;
    const t0 = Date.now();
    let n = 0;
    // folders created or deleted: their files (the watcher names the folder only)
    if (pending.folders.size) {
      const r = store.foldersChanged(pending.folders);
      n += r.removed;
      for (const f of r.found) if (!pending.deleted.has(f)) pending.changed.add(f);
      pending.folders.clear();
    }
    for (const f of pending.deleted) if (store.removeFile(f)) n++;
    for (const f of pending.changed) if (store.updateFile(f)) n++;
    pending.changed.clear(); pending.deleted.clear();
    for (const p of store.publish()) publish(p, true);
    // many segments, or many definitions of changed files: one segment again
    if (store.worthCompacting()) { const c = store.compact(); if (c) publish(c); }
    store.status.definitions = store.definitionCount;
    store.status.done = store.fileCount;
    store.status.total = store.fileCount;
    status({ ...store.status, message: `${n} changed file${n === 1 ? '' : 's'} read again in ${Date.now() - t0} ms` });
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => { store?.save(); }, SAVE_DELAY_MS);
  };

  port.on('message', (m: ToIndexWorker) => {
    switch (m.type) {
      case 'start': {
        if (running) return;
        store = new IndexStore({ roots: m.roots, maxFiles: m.maxFiles, storageFile: m.storageFile, log });
        priority.push(...m.priority);
        running = true;
        const s = store;
        // a cold build reads with two threads (the saved index needs none)
        const helper = startHelper((workerData ?? {}) as IndexWorkerData);
        s.helper = helper?.scan;
        void s.run({
          publish: (p) => publish(p),
          progress: status,
          pause: () => new Promise((r) => setImmediate(r)),
          priority: () => priority.shift(),
          rebuild: m.rebuild,
        }).finally(() => { helper?.stop(); s.helper = undefined; }).then((final) => {
          running = false;
          status(final);
          applyPending();
        }, (e: Error) => {
          running = false;
          log(`indexing failed: ${e.message}`);
          status({ ...s.status, phase: 'failed', message: e.message });
        });
        return;
      }
      case 'prioritize':
        for (const d of m.dirs) if (!priority.includes(d)) priority.push(d);
        return;
      case 'cancel':
        if (store) store.cancelled = true;
        return;
      case 'update':
        for (const f of m.deleted) { pending.deleted.add(f); pending.changed.delete(f); }
        for (const f of m.changed) { pending.changed.add(f); pending.deleted.delete(f); }
        for (const d of m.folders ?? []) pending.folders.add(d);
        applyPending();
        return;
      case 'save':
        clearTimeout(saveTimer);
        send({ type: 'saved', ok: !!store && !running && store.save() });
        return;
      case 'stats': {
        const h = v8.getHeapStatistics();
        let bytes = 0;
        for (const s of store?.segments ?? []) bytes += s.segment.byteLength;
        send({ type: 'stats', heapUsed: h.used_heap_size, heapTotal: h.total_heap_size, segmentBytes: bytes, files: store?.fileCount ?? 0, definitions: store?.definitionCount ?? 0 });
        return;
      }
    }
  });
}

if (!isMainThread && parentPort) {
  if ((workerData as IndexWorkerData | undefined)?.role === 'scan') helperMain(parentPort); else main(parentPort);
}
