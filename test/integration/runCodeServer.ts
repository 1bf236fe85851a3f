// Runner 2 (offline): runs the extension-host suite (suite/index.ts) inside code-server's
// extension host, opened in headless Chromium with the `payload` development options
// (extensionDevelopmentPath = this repository, extensionTestsPath = out/test/integration/suite), with
// the fixture extensions of test/integration/fixtures installed.
// Prints each test's result and the closing line `N passed, N failed`; exits non-zero when a
// test fails, the suite never starts, or it does not finish in time. code-server is always stopped.
//
//   node out/test/integration/runCodeServer.js        (npm run test:integration builds first)
// Environment: PAGING_LAYOUT_START_TIMEOUT (s, default 180), PAGING_LAYOUT_SUITE_TIMEOUT (s, default 600),
//              PAGING_LAYOUT_TEST_GREP (mocha grep), PAGING_LAYOUT_VERBOSE=1 (echo the browser console).
import * as fs from 'fs';
import * as path from 'path';
import { launchChromium, ROOT, startCodeServer } from '../support/codeServer';
import { fixtureExtensionsDir } from './fixtureExtensions';

const START_TIMEOUT = Number(process.env.PAGING_LAYOUT_START_TIMEOUT ?? 180) * 1000;
const SUITE_TIMEOUT = Number(process.env.PAGING_LAYOUT_SUITE_TIMEOUT ?? 600) * 1000;
const VERBOSE = process.env.PAGING_LAYOUT_VERBOSE === '1';
const RESULTS = path.join(ROOT, 'test-results', 'integration');

async function main(): Promise<number> {
  const testsIndex = path.join(ROOT, 'out', 'test', 'integration', 'suite', 'index.js');
  for (const f of [testsIndex, path.join(ROOT, 'dist', 'extension.js')]) {
    if (!fs.existsSync(f)) { console.error(`missing ${path.relative(ROOT, f)}: run \`npm run build && tsc -p .\` first`); return fail(0, 1); }
  }
  fs.mkdirSync(RESULTS, { recursive: true });

  let passed = 0, failed = 0, started = false, finished = false;
  let closing: [number, number] | undefined;
  const failures: string[] = [];
  // Installed extensions: only the suite's fixtures (test/integration/fixtures), e.g. an x86 assembly language id.
  const cs = await startCodeServer({ extensionsDir: fixtureExtensionsDir(), log: VERBOSE ? (l) => console.log(`[code-server] ${l}`) : undefined });
  const browser = await launchChromium().catch(async (e) => { await cs.stop(); throw e; });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));

    const onLine = (line: string) => {
      let m: RegExpExecArray | null;
      if ((m = /^suite started: (\d+) tests?$/.exec(line))) { started = true; console.log(line); return true; }
      if ((m = /^pass {2}(.*)$/.exec(line))) { passed++; console.log(`  pass  ${m[1]}`); return true; }
      if ((m = /^skip {2}(.*)$/.exec(line))) { console.log(`  skip  ${m[1]}`); return true; }
      if ((m = /^FAIL {2}(.*)$/.exec(line))) { failed++; failures.push(m[1]); console.log(`  FAIL  ${m[1]}`); return true; }
      if ((m = /^(\d+) passed, (\d+) failed$/.exec(line))) { closing = [Number(m[1]), Number(m[2])]; finished = true; resolveDone(); return true; }
      return false;
    };
    page.on('console', (msg) => {
      // The extension host's console reaches the page as "[Extension Host] text" (sometimes with %c styling).
      // In code-server 4.100 a console.log line of the extension host arrives as " INFO color: #33f text".
      const text = msg.text().replace(/%c/g, '');
      const lines = text.split('\n');
      let inFailure = false;
      for (const [i, raw] of lines.entries()) {
        const line = i > 0 ? raw : raw.replace(/^\s*(?:\[Extension Host\]\s*)?(?:(?:INFO|WARN|ERR|DEBUG|TRACE)\s+)?(?:color:\s*[^\s;]+;?\s*)?/, '');
        if (onLine(line.trimEnd())) { inFailure = line.startsWith('FAIL'); continue; }
        if (inFailure) console.log(`  ${line}`);
        else if (VERBOSE) console.log(`[console] ${raw}`);
      }
    });
    page.on('pageerror', (e) => { if (VERBOSE) console.log(`[pageerror] ${e.message}`); });
    page.on('close', () => resolveDone());

    const url = cs.url([
      ['extensionDevelopmentPath', cs.remoteUri(ROOT)],
      ['extensionTestsPath', cs.remoteUri(testsIndex)],
    ]);
    const t0 = Date.now();
    await page.goto(url);
    const startTimer = setTimeout(() => { if (!started) resolveDone(); }, START_TIMEOUT);
    const suiteTimer = setTimeout(() => resolveDone(), SUITE_TIMEOUT);
    await done;
    clearTimeout(startTimer);
    clearTimeout(suiteTimer);

    if (!page.isClosed()) {
      await page.screenshot({ path: path.join(RESULTS, 'workbench-at-end.png') }).catch(() => undefined);
    }
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (!started) {
      console.log(`ERROR: the extension-host suite did not start within ${START_TIMEOUT / 1000} s (see test-results/integration/workbench-at-end.png; PAGING_LAYOUT_VERBOSE=1 shows the browser console)`);
      return fail(passed, failed + 1);
    }
    if (!finished) {
      console.log(`ERROR: the suite did not finish${page.isClosed() ? ' (the workbench closed early)' : ` within ${SUITE_TIMEOUT / 1000} s`}`);
      return fail(passed, failed + 1);
    }
    if (closing && (closing[0] !== passed || closing[1] !== failed)) {
      console.log(`note: the suite reported ${closing[0]} passed, ${closing[1]} failed; ${passed} pass and ${failed} FAIL lines were seen`);
      passed = closing[0]; failed = closing[1];
    }
    console.log(`extension-host suite finished in ${secs} s`);
    if (passed === 0 && failed === 0) { console.log('ERROR: no tests ran'); return fail(0, 1); }
    return fail(passed, failed);
  } finally {
    await browser.close().catch(() => undefined);
    await cs.stop();
  }
}

function fail(passed: number, failed: number): number {
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`ERROR: ${(e as Error).stack ?? e}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
