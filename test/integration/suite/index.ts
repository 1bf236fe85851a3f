// Entry point of the extension-host test suite (extensionTestsPath). Both runners call run():
// runElectron.ts (VS Code desktop, @vscode/test-electron) and runCodeServer.ts (code-server in
// headless Chromium, offline). Every `*.test.js` file next to this one is loaded (mocha, `tdd`
// interface: suite()/test()). Output is line-based so that the code-server runner can parse it
// from the browser console:
//   suite started: N tests
//   pass  Suite › test title (12 ms)
//   FAIL  Suite › test title            (followed by the indented error and stack)
//   skip  Suite › test title
//   N passed, N failed                  (closing line)
// run() rejects when any test fails, so the desktop runner exits non-zero too.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

const { EVENT_RUN_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

function titleOf(t: Mocha.Runnable): string {
  return t.titlePath().join(' › ');
}

class LineReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    runner.once(EVENT_RUN_BEGIN, () => console.log(`suite started: ${runner.total} tests`));
    runner.on(EVENT_TEST_PASS, (t) => { passed++; console.log(`pass  ${titleOf(t)} (${t.duration ?? 0} ms)`); });
    runner.on(EVENT_TEST_PENDING, (t) => console.log(`skip  ${titleOf(t)}`));
    runner.on(EVENT_TEST_FAIL, (t, err: Error) => {
      failed++;
      const detail = (err && (err.stack || err.message)) || String(err);
      console.log(`FAIL  ${titleOf(t)}\n${detail.split('\n').map((l) => `      ${l}`).join('\n')}`);
    });
    runner.once(EVENT_RUN_END, () => console.log(`${passed} passed, ${failed} failed`));
  }
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    reporter: LineReporter as unknown as typeof Mocha.reporters.Base,
    timeout: Number(process.env.PAGING_LAYOUT_TEST_TIMEOUT ?? 30_000),
    grep: process.env.PAGING_LAYOUT_TEST_GREP || undefined,
  });
  const dir = __dirname;
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(dir, f));
  }
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    } catch (e) {
      console.log(`FAIL  loading the suite\n      ${(e as Error).stack ?? e}`);
      console.log('0 passed, 1 failed');
      reject(e);
    }
  });
}
