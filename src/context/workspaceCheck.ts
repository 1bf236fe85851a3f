// Check Workspace off the extension host's thread: the files are checked by the CLI's own check
// workers (dist/cli.js started as a worker with the `paging-layout-check` role: the same fast
// whole-tree code path as `paging-layout check`, quoted includes and all), in batches handed out as
// workers free up. The extension host only turns the findings into diagnostics. No `vscode` import.
import * as os from 'os';
import { Worker } from 'worker_threads';
import type { Reported } from '../cli/check';
import type { Layout } from '../engine/paging';
import type { RuleCode, SeveritySetting } from '../engine/rules';

export interface WorkerCheckSettings {
  layout: Layout;
  physicalAddressBits: number;
  severities: Partial<Record<RuleCode, SeveritySetting>>;
  /** Files larger than this are skipped (pagingLayout.maxFileSizeMB). */
  maxFileBytes?: number;
}

export interface WorkerCheckProgress {
  /** Files checked so far (of `total`), findings so far. */
  done: number;
  total: number;
  findings: number;
}

export interface WorkerCheckResult {
  /** Findings of each checked file that has some (files without findings are left out). */
  findings: Map<string, Reported['f'][]>;
  files: number;
  /** Files skipped (too large, binary) or unreadable, one sentence each. */
  notes: string[];
  cancelled: boolean;
  /** Worker threads started (a worker that failed is replaced while files are left). */
  workers: number;
}

/** Files per message to a worker. */
const BATCH = 64;
/** A worker's heap, as the CLI bounds it. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 192 };

/** Workers for a check: the cores but one (the extension host keeps one), at least one, at most four. */
export function checkJobs(): number {
  return Math.max(1, Math.min(4, os.cpus().length - 1));
}

/**
 * Check `files` with the CLI's check workers (`cli` is the path of dist/cli.js). `onResults` gets each
 * batch's findings as it arrives; `cancelled()` is asked before each batch is handed out.
 */
export async function checkInWorkers(cli: string, files: readonly string[], settings: WorkerCheckSettings, hooks: {
  jobs?: number;
  cancelled?: () => boolean;
  /** Each batch: the findings of its files that have some, the progress, and every file of the batch (to clear the others). */
  onResults?: (byFile: Map<string, Reported['f'][]>, progress: WorkerCheckProgress, checked: readonly string[]) => void;
} = {}): Promise<WorkerCheckResult> {
  const findings = new Map<string, Reported['f'][]>();
  const notes: string[] = [];
  let next = 0, done = 0, total = 0, cancelled = false, workers = 0;
  const init = { role: 'paging-layout-check', layout: settings.layout, physicalAddressBits: settings.physicalAddressBits, severities: settings.severities, maxFileBytes: settings.maxFileBytes };
  const code = `require(${JSON.stringify(cli)});`;
  const jobs = Math.max(1, Math.min(hooks.jobs ?? checkJobs(), Math.ceil(files.length / BATCH)));
  const one = () => new Promise<void>((resolve) => {
    let w: Worker;
    try { w = new Worker(code, { eval: true, workerData: init, resourceLimits: WORKER_LIMITS }); workers++; } catch (e) {
      notes.push(`cannot start a check worker: ${(e as Error).message}`);
      resolve();
      return;
    }
    let current: string[] = [];
    let failed = false;
    const feed = () => {
      if (!cancelled && hooks.cancelled?.()) cancelled = true;
      current = cancelled ? [] : files.slice(next, next + BATCH);
      next += current.length;
      w.postMessage(current.length ? { files: current } : {});
    };
    w.on('message', (m: { out: Reported[]; unreadable: string[] }) => {
      const batch = new Map<string, Reported['f'][]>();
      for (const r of m.out) {
        // as `paging-layout check` shows them: a finding a comment suppresses, and a suppression that covers nothing, are left out
        if (r.suppressed || r.unused) continue;
        let l = batch.get(r.file);
        if (!l) batch.set(r.file, (l = []));
        l.push(r.f);
      }
      for (const [f, l] of batch) findings.set(f, l);
      for (const u of m.unreadable) notes.push(u);
      done += current.length;
      for (const l of batch.values()) total += l.length;
      hooks.onResults?.(batch, { done, total: files.length, findings: total }, current);
      feed();
    });
    w.on('error', (e) => { failed = true; notes.push(`a check worker failed on ${current.length} files: ${e.message}`); });
    // A worker that failed (out of its heap on one batch) is replaced while files are left: its batch only is lost.
    w.on('exit', () => { if (failed && !cancelled && next < files.length) one().then(resolve); else resolve(); });
    feed();
  });
  await Promise.all(Array.from({ length: jobs }, one));
  return { findings, files: done, notes, cancelled, workers };
}
