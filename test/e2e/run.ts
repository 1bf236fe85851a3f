// UI-test runner: loads every test/e2e/*.test.js, and for each file starts code-server with the
// packaged VSIX installed (fresh user data, fresh copy of examples/), opens the workbench in
// headless Chromium, runs the file's tests in order, and saves a screenshot per test under
// test-results/e2e/. Prints each result and the closing line `N passed, N failed`.
//
//   npm run test:e2e                        (packages the VSIX and compiles first)
//   node out/test/e2e/run.js [filter]       (filter: substring of file or test name; or PAGING_LAYOUT_E2E_GREP)
// Environment: PAGING_LAYOUT_E2E_TIMEOUT (s per test, default 90), PAGING_LAYOUT_VERBOSE=1.
import * as fs from 'fs';
import * as path from 'path';
import { installVsix, launchChromium, mkTemp, ROOT, startCodeServer } from '../support/codeServer';
import { registry, setCurrentFile, UiTest } from './lib/harness';
import { RESULTS_DIR, Workbench } from './lib/workbench';

const VSIX = path.join(ROOT, 'dist', 'paging-layout.vsix');
const TEST_TIMEOUT = Number(process.env.PAGING_LAYOUT_E2E_TIMEOUT ?? 90) * 1000;
const VERBOSE = process.env.PAGING_LAYOUT_VERBOSE === '1';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, rej) => { timer = setTimeout(() => rej(new Error(`${what} timed out after ${ms / 1000} s`)), ms); })])
    .finally(() => clearTimeout(timer));
}

function indent(e: unknown): string {
  const s = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return s.split('\n').slice(0, 25).map((l) => `      ${l}`).join('\n');
}

let passed = 0, failed = 0;

async function main(): Promise<number> {
  if (!fs.existsSync(VSIX)) { console.log(`ERROR: ${path.relative(ROOT, VSIX)} is missing: run \`npm run package\` first`); return 1; }
  const filter = process.argv[2] ?? process.env.PAGING_LAYOUT_E2E_GREP ?? '';
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) { setCurrentFile(f.replace(/\.test\.js$/, '')); require(path.join(__dirname, f)); }
  const tests = registry.filter((t) => !filter || t.file.includes(filter) || t.name.includes(filter));
  if (!tests.length) { console.log(`ERROR: no UI tests${filter ? ` match "${filter}"` : ''}`); console.log('0 passed, 1 failed'); return 1; }

  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const extensionsDir = mkTemp('e2e-ext');
  installVsix(VSIX, extensionsDir);
  console.log(`installed ${path.relative(ROOT, VSIX)} into code-server; ${tests.length} UI tests in ${new Set(tests.map((t) => t.file)).size} files`);

  const browser = await launchChromium();
  try {
    const byFile = new Map<string, UiTest[]>();
    for (const t of tests) byFile.set(t.file, [...(byFile.get(t.file) ?? []), t]);
    for (const [file, list] of byFile) {
      const cs = await startCodeServer({ extensionsDir, log: VERBOSE ? (l) => console.log(`[code-server] ${l}`) : undefined });
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      if (VERBOSE) page.on('console', (m) => console.log(`[console] ${m.text()}`));
      const wb = new Workbench(page);
      const ctx = { wb, workspace: cs.workspace, file: (rel: string) => path.join(cs.workspace, rel) };
      try {
        let startError: unknown;
        try {
          await page.goto(cs.url());
          await wb.ready();
        } catch (e) {
          startError = e;
          await wb.screenshot(`${file}--workbench-start`).catch(() => undefined);
        }
        for (const t of list) {
          const title = `${file} › ${t.name}`;
          const t0 = Date.now();
          let err: unknown = startError ? new Error(`the workbench did not start with the extension: ${(startError as Error).message}`) : undefined;
          if (!err) {
            try { await withTimeout(t.fn(ctx), TEST_TIMEOUT, t.name); } catch (e) { err = e; }
          }
          const shot = await wb.screenshot(`${file}--${t.name}`).catch(() => undefined);
          const ms = Date.now() - t0;
          if (err) {
            failed++;
            console.log(`  FAIL  ${title} (${ms} ms)\n${indent(err)}${shot ? `\n      screenshot: ${path.relative(ROOT, shot)}` : ''}`);
          } else {
            passed++;
            console.log(`  pass  ${title} (${ms} ms)`);
          }
        }
      } finally {
        await context.close().catch(() => undefined);
        await cs.stop();
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.log(`ERROR: ${indent(e)}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
