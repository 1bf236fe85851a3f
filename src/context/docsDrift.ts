// The derivations a documentation check (PL010) compares a tree's layout tables with, made off the
// extension host's thread: dist/cli.js started as a worker with the `paging-layout-docs` role (the
// code path of `paging-layout check --docs`). Kept per kernel build (its serial) by the caller. No `vscode` import.
import { Worker } from 'worker_threads';
import type { DocsDerivation, DocsWorkerReply } from '../cli/docs';

export type { DocsDerivation };

/** Derive the documentation variants of a build in a worker; rejects with one sentence on failure. */
export function deriveDocsInWorker(cli: string, buildDir: string, timeoutMs = 60_000): Promise<DocsDerivation> {
  return new Promise((resolve, reject) => {
    let w: Worker;
    try {
      w = new Worker(`require(${JSON.stringify(cli)});`, { eval: true, workerData: { role: 'paging-layout-docs', buildDir }, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    } catch (e) { reject(new Error(`cannot start the documentation worker: ${(e as Error).message}`)); return; }
    const timer = setTimeout(() => { void w.terminate(); reject(new Error(`the derivation of ${buildDir} took longer than ${timeoutMs / 1000} s`)); }, timeoutMs);
    w.once('message', (m: DocsWorkerReply) => {
      clearTimeout(timer);
      void w.terminate();
      if ('ok' in m) resolve(m.ok); else reject(new Error(m.error));
    });
    w.once('error', (e) => { clearTimeout(timer); reject(e); });
    w.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the documentation worker stopped (exit ${code})`)); });
  });
}
