// Unit stage: node's test runner over the compiled unit tests, with a closing "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const dir = 'out/test/unit';
const files = readdirSync(dir).filter((f) => f.endsWith('.test.js')).map((f) => `${dir}/${f}`);
if (!files.length) { console.error('unit: no compiled tests in out/test/unit (run tsc -p . first)'); process.exit(1); }
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
const count = (name) => Number((r.stdout.match(new RegExp(`^ℹ ${name} (\\d+)$`, 'm')) ?? [])[1] ?? NaN);
const passed = count('pass'), failed = count('fail');
if (Number.isNaN(passed)) { console.log('unit: the test runner printed no summary'); console.log('0 passed, 1 failed'); process.exit(1); }
console.log(`${passed} passed, ${failed} failed`);
process.exit(r.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
