// paging-layout check on hostile trees: a 50 MB file, a binary file, a symlink loop, an unreadable path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

test('check skips a 50 MB file and a binary file with a message, survives a symlink loop, still reports the rest', { timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-hostile-'));
  try {
    const line = '#define A_BASE 0xffff888000000000UL\n';
    fs.writeFileSync(path.join(dir, 'big.h'), line.repeat(Math.ceil(50 * 1024 * 1024 / line.length)));
    fs.writeFileSync(path.join(dir, 'blob.S'), Uint8Array.from({ length: 65536 }, (_, i) => (i * 31) & 0xff));
    fs.writeFileSync(path.join(dir, 'ok.h'), '#define X_START 0xffff7fffffff0000UL\n');
    fs.symlinkSync('.', path.join(dir, 'loop'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.symlinkSync('..', path.join(dir, 'sub', 'up'));
    const r = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const findings = JSON.parse(r.stdout);
    assert.deepEqual(findings.map((f: { code: string; file: string }) => [path.basename(f.file), f.code]), [['ok.h', 'PL001']]);
    assert.match(r.stderr, /big\.h: skipped: file too large \(50 MB > 32 MB\)/);
    assert.match(r.stderr, /blob\.S: skipped: binary file/);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
    const missing = spawnSync(process.execPath, [CLI, 'check', path.join(dir, 'nope.h')], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.h: cannot read \(ENOENT\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
