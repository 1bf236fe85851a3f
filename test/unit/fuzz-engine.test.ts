// Property-based tests of the layout engine: hostile input never throws out of the public API,
// decode and format round-trip, and the arithmetic agrees with itself across every preset.
// Seed and run count: PAGING_LAYOUT_FUZZ_SEED (default 20260101) and PAGING_LAYOUT_FUZZ_RUNS
// (default 300); `npm run fuzz` runs far more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  builtinLayouts, canonicalForm, decodeAddress, formatHex, getMode, InputError, isCanonical, MODES, pageTableOverhead, parseAddress,
  parseLayout, parseSize, regionAt, slotRange, topLevelEntries, formatSize, Region,
} from '../../src/engine';

const seed = Number(process.env.PAGING_LAYOUT_FUZZ_SEED ?? 20260101);
const numRuns = Number(process.env.PAGING_LAYOUT_FUZZ_RUNS ?? 300);
const opts = { seed, numRuns };
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
/** Values near interesting boundaries are far more likely than uniform ones to find bugs. */
const address = fc.oneof(u64, fc.constantFrom(...builtinLayouts().flatMap((l) => l.regions.flatMap((r) => [r.start, r.end, r.end + 1n, r.start - 1n])))
  .map((v) => v & ((1n << 64n) - 1n)));
const layouts = builtinLayouts();

/** Only InputError may escape a parser; anything else is a bug. */
function onlyInputErrors(fn: () => unknown): void {
  try { fn(); } catch (e) { if (!(e instanceof InputError)) throw e; }
}

test('parseAddress and parseSize: arbitrary text gives a value or an InputError', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.stringMatching(/^(0x)?[0-9a-fA-F_']{0,24}[uUlLhH]{0,3}$/)), (s) => {
    onlyInputErrors(() => { const v = parseAddress(s); assert.ok(v >= 0n && v < 1n << 64n); });
    onlyInputErrors(() => { const v = parseSize(s); assert.ok(v >= 0n && v <= 1n << 64n); });
  }), opts);
});

test('formatHex and parseAddress round-trip every 64-bit value, grouped or not', () => {
  fc.assert(fc.property(u64, (v) => {
    assert.equal(parseAddress(formatHex(v)), v);
    assert.equal(parseAddress(formatHex(v, { grouped: true })), v);
    assert.equal(parseAddress(v.toString()), v);
    assert.equal(parseAddress(formatHex(v) + 'ULL'), v);
  }), opts);
});

test('decode on every preset: never throws, indices recompose the canonical address, region contains it', () => {
  fc.assert(fc.property(address, fc.constantFrom(...layouts), (v, layout) => {
    const d = decodeAddress(v, layout);
    const mode = d.mode;
    const width = (1n << BigInt(mode.addressBits)) - 1n;
    assert.equal(d.value, v & width);
    let low = d.pageOffset;
    for (const [i, l] of mode.levels.entries()) low += BigInt(d.indices[i].index) << BigInt(l.shift);
    const vaMask = (1n << BigInt(mode.vaBits)) - 1n;
    assert.equal(low, d.canonicalForm & vaMask);
    assert.ok(isCanonical(mode, d.canonicalForm));
    assert.equal(canonicalForm(mode, d.canonicalForm), d.canonicalForm);
    assert.equal(d.canonical, d.canonicalForm === d.value);
    if (d.region) assert.ok(d.region.start <= d.value && d.value <= d.region.end);
    // Presets cover their whole address space.
    assert.ok(d.region, `${layout.id}: ${formatHex(d.value)} has no region`);
    assert.equal(d.slot, d.indices[0].index);
    assert.equal(d.slot - d.slotFromEnd, topLevelEntries(mode));
    if (d.largestPage) assert.equal(d.value % d.largestPage, 0n);
  }), opts);
});

test('slotRange(n) decodes back to slot n in every mode', () => {
  fc.assert(fc.property(fc.constantFrom(...MODES), fc.nat(), (mode, n) => {
    const slot = n % topLevelEntries(mode);
    const r = slotRange(mode, slot);
    for (const a of [r.start, r.end]) {
      const l = mode.levels[0];
      assert.equal(Number((a >> BigInt(l.shift)) & ((1n << BigInt(l.bits)) - 1n)), slot);
      assert.ok(isCanonical(mode, a));
    }
    assert.equal(r.end - r.start + 1n, r.size);
  }), opts);
});

test('page-table overhead: never less than one entry per page, monotonic in the size', () => {
  fc.assert(fc.property(fc.constantFrom(...MODES), fc.bigInt({ min: 1n, max: 1n << 50n }), fc.bigInt({ min: 1n, max: 1n << 40n }), (mode, a, extra) => {
    const page = mode.leafPageSizes[0];
    const span = 1n << BigInt(mode.addressBits);
    const size = a % span || 1n, bigger = size + extra > span ? span : size + extra;
    const o1 = pageTableOverhead(size, page, mode), o2 = pageTableOverhead(bigger, page, mode);
    assert.ok(o1.tableBytes <= o2.tableBytes);
    assert.ok(o1.levels.at(-1)!.bytes >= o1.pages * BigInt(mode.entrySize));
    assert.ok(formatSize(o1.tableBytes).length > 0);
  }), { ...opts, numRuns: Math.min(numRuns, 200) });
});

const regionArb = fc.record({
  name: fc.oneof(fc.string(), fc.constantFrom('direct map', 'vmalloc', 'hypervisor hole')),
  start: fc.oneof(u64.map((v) => formatHex(v)), fc.string(), fc.integer()),
  end: fc.oneof(u64.map((v) => formatHex(v)), fc.string(), fc.constant(null)),
  size: fc.option(fc.oneof(fc.constantFrom('2MiB', '1T', '0', 'lots', '0x1000'), fc.string()), { nil: undefined }),
  kind: fc.oneof(fc.constantFrom('direct-map', 'user', 'unused', 'bogus'), fc.integer()),
  remove: fc.option(fc.boolean(), { nil: undefined }),
}, { requiredKeys: [] });
const layoutArb = fc.record({
  id: fc.oneof(fc.constantFrom('mine', 'x y', ''), fc.string()),
  extends: fc.option(fc.constantFrom(...layouts.map((l) => l.id), 'nope'), { nil: undefined }),
  mode: fc.option(fc.constantFrom(...MODES.map((m) => m.id), 'vax'), { nil: undefined }),
  regions: fc.option(fc.array(regionArb, { maxLength: 8 }), { nil: undefined }),
  symbols: fc.option(fc.array(fc.record({ name: fc.string(), value: fc.oneof(fc.string(), u64.map((v) => formatHex(v))) }), { maxLength: 3 }), { nil: undefined }),
}, { requiredKeys: [] });

test('parseLayout: random and corrupted layout files give a layout or positioned problems, never an exception', () => {
  fc.assert(fc.property(layoutArb, fc.nat(), fc.oneof(fc.constant(''), fc.string({ maxLength: 3 })), (obj, cut, junk) => {
    const text = JSON.stringify(obj, null, 1);
    for (const t of [text, text.slice(0, cut % (text.length + 1)) + junk + text.slice(cut % (text.length + 1))]) {
      const res = parseLayout(t, 'fuzz.json');
      if (res.layout) {
        const mode = getMode(res.layout.mode)!;
        for (let i = 0; i < res.layout.regions.length; i++) {
          const r: Region = res.layout.regions[i];
          assert.ok(r.start <= r.end && r.end < 1n << BigInt(mode.addressBits));
          if (i) assert.ok(res.layout.regions[i - 1].end < r.start);
          assert.equal(regionAt(res.layout, r.start), r);
        }
      } else {
        assert.ok(res.problems.length > 0);
        for (const p of res.problems) {
          assert.ok(p.line >= 1 && p.column >= 1 && p.message.length > 0, JSON.stringify(p));
          assert.ok(!/\n/.test(p.message));
        }
      }
    }
  }), opts);
});

test('parseLayout: arbitrary bytes never throw', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1'))), (t) => {
    const res = parseLayout(t, 'bytes.json');
    assert.ok(res.layout || res.problems.length);
  }), opts);
});

test('regressions found by fuzzing', () => {
  // parseSize('0x_') used to escape as a SyntaxError from BigInt().
  assert.throws(() => parseSize('0x_'), InputError);
  // A custom layout that extends a 64-bit preset but switches to a 32-bit mode used to load with regions too wide for it.
  const res = parseLayout('{"id":"x","extends":"linux-arm64-4k-39bit","mode":"x86_32"}', 'x.json');
  assert.equal(res.layout, undefined);
  assert.match(res.problems[0].message, /does not fit the 32-bit addresses of mode 'x86_32'/);
});

test('regression found by fuzzing: a layout id with a newline gives a one-line problem', () => {
  const res = parseLayout('{"id":"mi\\ne","mode":"x86_64-4level"}', 'x.json');
  assert.equal(res.layout, undefined);
  assert.doesNotMatch(res.problems[0].message, /\n/);
  assert.match(res.problems[0].message, /layout id 'mi e'/);
});
