// Baselines: findings already in an earlier JSON or SARIF output are not new, even when their lines move.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprints, parseBaseline, compareWithBaseline, baselinePath, BaselineError, FINGERPRINT_KEY, FindingKey, fnv64 } from '../../src/engine/rules';

const k = (file: string, code: string, subject: string, message: string): FindingKey => ({ file, code, subject, message });

test('the fingerprint hash is FNV-1a 64 over UTF-16 code units: the published vectors and a BigInt reference', () => {
  // Published FNV-1a 64 test vectors (ASCII input).
  assert.equal(fnv64(''), 'cbf29ce484222325');
  assert.equal(fnv64('a'), 'af63dc4c8601ec8c');
  assert.equal(fnv64('foobar'), '85944171f73967e8');
  // The definition, step by step in BigInt: baselines written by earlier versions keep matching.
  const reference = (s: string) => {
    let h = 0xcbf29ce484222325n;
    for (let i = 0; i < s.length; i++) { h ^= BigInt(s.charCodeAt(i)); h = (h * 0x100000001b3n) & 0xffffffffffffffffn; }
    return h.toString(16).padStart(16, '0');
  };
  let seed = 7;
  const next = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  for (let n = 0; n < 2000; n++) {
    let s = '';
    const len = next() % 40;
    for (let i = 0; i < len; i++) s += String.fromCharCode(n % 3 === 0 ? next() % 0x10000 : 32 + (next() % 95));
    assert.equal(fnv64(s), reference(s), JSON.stringify(s));
  }
});

test('fingerprints depend on rule, subject text and message, not on the line; duplicates are counted per file', () => {
  const a = k('a.h', 'PL001', '0xffff7fffffff0000', 'SCRATCH_VADDR = 0xffff7fffffff0000 is not canonical');
  const [f1, f2, f3, f4] = fingerprints([a, { ...a }, { ...a, file: 'b.h' }, { ...a, code: 'PL005' }]);
  assert.match(f1, /^[0-9a-f]{16}:0$/);
  assert.equal(f2, f1.replace(/:0$/, ':1'), 'the second identical finding in a file');
  assert.equal(f3, f1, 'the same finding in another file (the file is compared beside the fingerprint)');
  assert.notEqual(f4.split(':')[0], f1.split(':')[0]);
  assert.equal(fingerprints([{ ...a, message: ' SCRATCH_VADDR =  0xffff7fffffff0000 is not canonical ' }])[0], f1, 'blanks are normalised');
  assert.notEqual(fingerprints([{ ...a, subject: '0xffff7fffffff1000' }])[0], f1);
});

test('a moved finding is unchanged, a changed one is new, a fixed one is absent', () => {
  const before = [k('a.h', 'PL001', '0x1', 'm1'), k('a.h', 'PL005', 'X_START', 'm2'), k('./sub/b.h', 'PL003', 'Y_START', 'm3')];
  const fb = fingerprints(before);
  const baseline = before.map((x, i) => ({ ...x, fingerprint: fb[i], line: 10 + i }));
  const now = [k('a.h', 'PL001', '0x1', 'm1'), k('sub/b.h', 'PL003', 'Y_START', 'm3'), k('a.h', 'PL001', '0x2', 'm4')];
  const fn = fingerprints(now);
  const cmp = compareWithBaseline(now.map((x, i) => ({ ...x, fingerprint: fn[i] })), baseline);
  assert.deepEqual(cmp.states, ['unchanged', 'unchanged', 'new']);
  assert.deepEqual(cmp.absent.map((e) => e.code), ['PL005']);
  // A baseline entry matches one finding at most: a second identical finding is new.
  const twice = [now[0], now[0]];
  const ft = fingerprints(twice);
  assert.deepEqual(compareWithBaseline(twice.map((x, i) => ({ ...x, fingerprint: ft[i] })), baseline).states, ['unchanged', 'new']);
});

test('an older JSON output without fingerprints matches by file, rule and message', () => {
  const old = parseBaseline(JSON.stringify([{ file: './a.h', line: 3, column: 1, endLine: 3, endColumn: 5, severity: 'warning', code: 'PL001', message: 'm1' }]), 'old.json');
  assert.deepEqual(old, [{ file: 'a.h', code: 'PL001', message: 'm1', subject: undefined, fingerprint: undefined, line: 3, column: 1 }]);
  const now = [k('a.h', 'PL001', '0x1', 'm1'), k('a.h', 'PL001', '0x1', 'other')];
  const f = fingerprints(now);
  assert.deepEqual(compareWithBaseline(now.map((x, i) => ({ ...x, fingerprint: f[i] })), old).states, ['unchanged', 'new']);
});

test('SARIF baselines: results with fingerprints and URIs; absent and suppressed results are not findings', () => {
  const sarif = {
    version: '2.1.0',
    runs: [{
      results: [
        { ruleId: 'PL001', message: { text: 'm1' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'dir%20x/a.h' }, region: { startLine: 7, startColumn: 2 } } }], partialFingerprints: { [FINGERPRINT_KEY]: 'abc:0' }, properties: { subject: '0x1' } },
        { ruleId: 'PL005', message: { text: 'gone' }, baselineState: 'absent', locations: [{ physicalLocation: { artifactLocation: { uri: 'a.h' } } }] },
        { ruleId: 'PL004', message: { text: 'hidden' }, suppressions: [{ kind: 'inSource', justification: 'why' }], locations: [{ physicalLocation: { artifactLocation: { uri: 'a.h' } } }] },
      ],
    }],
  };
  assert.deepEqual(parseBaseline(JSON.stringify(sarif), 'b.sarif'), [{ file: 'dir x/a.h', code: 'PL001', message: 'm1', subject: '0x1', fingerprint: 'abc:0', line: 7, column: 2 }]);
});

test('a file that is no baseline gets one sentence naming it', () => {
  assert.throws(() => parseBaseline('not json', 'b.json'), (e: Error) => e instanceof BaselineError && /^b\.json: not a JSON or SARIF output of paging-layout check/.test(e.message));
  assert.throws(() => parseBaseline('{"a":1}', 'b.json'), /b\.json: neither a JSON array nor a SARIF log/);
  assert.throws(() => parseBaseline('[{"file":"a.h"}]', 'b.json'), /b\.json: entry 1 has no file, code or message/);
  assert.throws(() => parseBaseline('{"runs":[{"results":[{"ruleId":"PL001"}]}]}', 'b.sarif'), /b\.sarif: result 1 has no ruleId, message or location/);
  assert.equal(baselinePath('.\\sub\\a.h'), 'sub/a.h');
});
