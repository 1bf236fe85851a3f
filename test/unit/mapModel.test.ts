// The map's view model: segmented scale, zoom, ruler, comparison sentences, SVG export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinLayouts, diffLayouts, getMode, getPreset, Layout, Region, TiB } from '../../src/engine';
import {
  addrToY, buildCompareView, buildView, describeDiff, drawView, fullWindow, geometry, MIN_WINDOW, markerProblems, panWindow, regionFacts,
  renderSvg, rulerTicks, slotText, weightOf, windowFor, yToAddr, zoomWindow,
} from '../../src/engine/map/model';
import { big, Correlator, hexOf } from '../../src/shared/protocol';

const L = (id: string) => getPreset(id)!;
const x86 = getMode('x86_64-4level')!;

/** A layout of n regions of 4 KiB–2 MiB with gaps, as an imported page-table dump would give. */
function manyRegions(n: number): Layout {
  const regions: Region[] = [];
  let a = 0xffff888000000000n;
  for (let i = 0; i < n; i++) {
    const size = 4096n << BigInt(i % 10);
    regions.push({ name: `r${i}`, start: a, end: a + size - 1n, kind: i % 3 ? 'direct-map' : 'vmalloc', description: '' });
    a += size + (i % 4 === 0 ? 4096n : 0n);
  }
  return { id: 'many', title: 'many', mode: 'x86_64-4level', description: '', source: [], notes: [], regions, symbols: [], origin: 'import:ptdump' };
}

test('the whole-space view keeps a 4 KiB page visible next to the 16 EiB non-canonical hole, and says its scale', () => {
  const v = buildView(L('linux-x86_64-4level'), { height: 800 });
  const hole = v.rows.find((r) => r.regionKind === 'non-canonical')!;
  const page = v.rows.find((r) => r.label === 'user guard page')!;
  assert.ok(page, 'the 4 KiB guard page has a row of its own');
  assert.ok(page.h >= 3, `4 KiB page is ${page.h} px high`);
  assert.ok(hole.h > page.h * 5, 'the hole is drawn much larger');
  assert.ok(hole.h < 800 / 2, 'but it does not eat the picture');
  assert.match(v.scale.text, /segmented/);
  assert.equal(Math.round(v.rows.reduce((s, r) => s + r.h, 0)), 800);
  assert.equal(v.rows.map((r) => r.label).filter((l) => l === 'direct map').length, 1);
});

test('weights grow with log2 of the size', () => {
  assert.equal(weightOf(4096n), 1);
  assert.equal(weightOf(2n << 20n), 10);
  assert.equal(Math.round(weightOf(1n << 64n)), 53);
});

test('addrToY and yToAddr invert each other inside a band', () => {
  const v = buildView(L('linux-x86_64-2.6.27'), { height: 700 });
  for (const a of [0xffff880000000000n, 0xffffffff80000000n, 0x1000n]) {
    const y = addrToY(v.scale, a);
    const back = yToAddr(v.scale, y);
    const row = v.rows.find((r) => r.start <= a && a <= r.end)!;
    const err = back > a ? back - a : a - back;
    assert.ok(err <= (row.end - row.start + 1n) / 1000n + 1n, `${a.toString(16)} → ${y} → ${back.toString(16)}`);
  }
});

test('zooming into a region shows it alone with a linear scale; ruler ticks at slots with numbers', () => {
  const l = L('linux-x86_64-2.6.27');
  const hole = l.regions.find((r) => r.name === 'hypervisor hole')!;
  const w = windowFor(hole.start, hole.end, fullWindow(x86));
  const v = buildView(l, { height: 640, window: w });
  assert.equal(v.rows.length, 1);
  assert.match(v.scale.text, /linear/);
  const slots = v.ticks.filter((t) => t.level === 'slot');
  assert.deepEqual(slots.map((t) => t.label), ['256', '257', '258', '259', '260', '261', '262', '263', '264', '265', '266', '267', '268', '269', '270', '271']);
  const narrow = buildView(l, { height: 640, window: { start: 0xffff880000000000n, end: 0xffff8803ffffffffn } });
  assert.equal(narrow.ticks.filter((t) => t.size === 1n << 30n).length, 15, '1 GiB page boundaries inside a 16 GiB window');
});

test('zoom goes down to 4 KiB pages and the ruler marks every page', () => {
  const l = L('linux-x86_64-4level');
  let w = fullWindow(x86);
  for (let i = 0; i < 200; i++) {
    const v = buildView(l, { height: 600, window: w });
    const y = addrToY(v.scale, 0xffffffff81000000n);
    const next = zoomWindow(v.scale, y, 2, fullWindow(x86));
    if (next.start === w.start && next.end === w.end) break;
    w = next;
  }
  assert.equal(w.end - w.start + 1n, MIN_WINDOW);
  assert.ok(w.start <= 0xffffffff81000000n && 0xffffffff81000000n <= w.end);
  const v = buildView(l, { height: 600, window: w });
  const pages = v.ticks.filter((t) => t.size === 4096n);
  assert.ok(pages.length >= 14, `${pages.length} page ticks`);
  assert.ok(pages.every((t) => t.label), 'each with an address label');
});

test('zoom out and pan stay inside the address space', () => {
  const v = buildView(L('linux-x86_64-4level'), { height: 600, window: { start: 0xffffffff80000000n, end: 0xffffffffbfffffffn } });
  const out = zoomWindow(v.scale, 300, 0.25, fullWindow(x86));
  assert.ok(out.end - out.start > 0x3fffffffn);
  assert.ok(out.end <= 0xffffffffffffffffn);
  const panned = panWindow(v.scale, 10_000, fullWindow(x86));
  assert.equal(panned.end, 0xffffffffffffffffn);
  assert.equal(panned.end - panned.start, v.scale.window.end - v.scale.window.start);
});

test('5,000 regions: clustered into at most height/16 bands, built quickly, zoom reaches single regions', () => {
  const l = manyRegions(5000);
  const t0 = performance.now();
  const v = buildView(l, { height: 800 });
  const ms = performance.now() - t0;
  assert.ok(v.rows.length <= 50, `${v.rows.length} rows`);
  assert.ok(v.rows.filter((r) => r.h >= 13).length >= 20, 'most bands are tall enough for a label');
  assert.ok(v.rows.some((r) => r.kind === 'cluster' && r.count > 10));
  assert.ok(ms < 150, `built in ${ms.toFixed(1)} ms`);
  const clusterCount = v.rows.reduce((s, r) => s + (r.kind === 'region' ? 1 : r.kind === 'cluster' ? r.count : 0), 0);
  assert.equal(clusterCount, 5000, 'every region is in exactly one row');
  const r = l.regions[2500];
  const near = buildView(l, { height: 800, window: windowFor(r.start, r.end, fullWindow(x86)) });
  assert.ok(near.rows.some((x) => x.label === 'r2500'));
  const prims = drawView(v, { width: 900 });
  assert.ok(prims.length < 3000, `${prims.length} primitives`);
});

test('the 2.6.26 → 2.6.27 comparison in words: 7 TiB, slots 258 → 272 (14), the 16-slot hole, 127 → 120 TiB', () => {
  const lines = describeDiff(diffLayouts(L('linux-x86_64-2.6.26'), L('linux-x86_64-2.6.27')));
  const text = lines.join('\n');
  const po = lines.find((l) => l.startsWith('__PAGE_OFFSET'))!;
  assert.match(po, /up by 7 TiB/);
  assert.match(po, /slot 258 to slot 272 \(14 slots\)/);
  assert.match(po, /127 TiB to 120 TiB/);
  assert.match(text, /hypervisor hole added: .*8 TiB, PML4 slots 256–271 \(16\), in front of direct map/);
  assert.match(text, /direct map: start moved up by 7 TiB .*space above its start 127 TiB → 120 TiB/);
});

test('the comparison links moved boundaries across the two columns', () => {
  const cv = buildCompareView(L('linux-x86_64-2.6.26'), L('linux-x86_64-2.6.27'), { height: 700 });
  const dm = cv.links.find((l) => l.name === 'direct map')!;
  assert.ok(dm.moved);
  assert.ok(dm.yb > dm.ya, 'the direct map starts lower in 2.6.27');
  assert.ok(cv.columns[1].some((r) => r.label === 'hypervisor hole'));
  assert.ok(!cv.columns[0].some((r) => r.label === 'hypervisor hole'));
});

test('region facts: start, end, size, kind, slot range, capacity, source', () => {
  const l = L('linux-x86_64-2.6.27');
  const facts = Object.fromEntries(regionFacts(l.regions.find((r) => r.name === 'hypervisor hole')!, x86));
  assert.equal(facts.Start, '0xffff_8000_0000_0000');
  assert.match(facts.Size, /^8 TiB/);
  assert.equal(facts.Slots, 'PML4 slots 256–271 (16)');
  assert.match(facts.Capacity, /128 TiB from its start to the top/);
  assert.match(facts.Source, /linux-x86_64-2\.6\.27\.json:\d+/);
  assert.equal(slotText(x86, 0xffffffff80000000n, 0xffffffff9fffffffn), 'PML4 slot 511');
});

test('marker problems: non-canonical values and values in holes', () => {
  const ps = markerProblems(L('linux-x86_64-2.6.27'), [
    { name: 'GUARD_PAGE_VADDR', value: 0xffff7fffffff0000n },
    { name: 'EARLY_MAP_START', value: 0xffff810000000000n },
    { name: '__PAGE_OFFSET', value: 0xffff880000000000n },
  ]);
  assert.deepEqual(ps.map((p) => p.code), ['PL-MAP-NONCANONICAL', 'PL-MAP-IN-HOLE']);
  assert.match(ps[1].message, /hypervisor hole/);
});

test('renderSvg: well-formed, escaped, names its scale; compare mode writes the difference', () => {
  const l = { ...L('linux-x86_64-2.6.27') };
  l.regions = l.regions.map((r, i) => (i === 0 ? { ...r, name: 'user <space> & "more"' } : r));
  const svg = renderSvg({ layout: l, markers: [{ name: '__PAGE_OFFSET', value: 0xffff880000000000n }] });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.includes('user &lt;space&gt; &amp; &quot;more&quot;'));
  assert.ok(!svg.includes('<space>'));
  assert.match(svg, /Scale: segmented/);
  assert.match(svg, /__PAGE_OFFSET/);
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) assert.equal(stack.pop(), m[2], 'tags nest'); else stack.push(m[2]);
  }
  assert.deepEqual(stack, [], 'every tag is closed');
  const a = L('linux-x86_64-2.6.26'), b = L('linux-x86_64-2.6.27');
  const cmp = renderSvg({ layout: a, compare: { b, summary: describeDiff(diffLayouts(a, b)) } });
  assert.match(cmp, /127 TiB to 120 TiB/);
  assert.match(cmp, /linux-x86_64-2\.6\.26 \(left\) compared with linux-x86_64-2\.6\.27/);
});

test('ruler ticks are bounded even for a dense window', () => {
  const v = buildView(manyRegions(2000), { height: 4000 });
  const ticks = rulerTicks(v.scale, x86, { maxTicks: 300 });
  assert.ok(ticks.length <= 300);
});

test('protocol: hex round trip and request correlation', async () => {
  for (const v of [0n, 0xffff880000000000n, (1n << 64n) - 1n, -7n * TiB]) assert.equal(big(hexOf(v)), v);
  assert.equal(big('0x'), undefined);
  assert.equal(big('12'), undefined);
  assert.equal(big(undefined), undefined);
  const sent: number[] = [];
  const c = new Correlator<string, number>((id) => sent.push(id), 1000);
  const p1 = c.request('a'), p2 = c.request('b');
  assert.ok(c.settle(sent[1], true, 2));
  assert.ok(c.settle(sent[0], false, undefined, 'nope'));
  assert.equal(c.settle(99, true), false);
  assert.equal(await p2, 2);
  await assert.rejects(p1, /nope/);
});

test('CLI: paging-layout map --format svg writes the same picture', async () => {
  const { map } = await import('../../src/cli/query');
  let out = '';
  const code = await map(['--layout', 'linux-x86_64-2.6.27', '--format', 'svg'], { out: (s) => { out += s; }, err: () => undefined });
  assert.equal(code, 0);
  assert.match(out, /^<svg /);
  assert.match(out, /hypervisor hole/);
  assert.match(out, /Scale: segmented/);
});

test('region labels never overlap: every preset and the layouts derived from Linux 6.1, at three heights', () => {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const dir = path.join(__dirname, '../../../test/derived/linux-6.1');
  const derived: Layout[] = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => {
    const j = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { id: string; title: string; mode: string; regions: { name: string; kind: string; placed: boolean; start: string; end: string }[] };
    const regions = j.regions.filter((r) => r.placed).map((r) => ({ name: r.name, kind: r.kind, start: BigInt(r.start), end: BigInt(r.end), description: '' }) as Region);
    return { id: j.id, title: j.title, mode: j.mode, description: '', source: [], notes: [], regions, symbols: [] } as unknown as Layout;
  });
  const layouts = [...builtinLayouts(), ...derived];
  assert.ok(derived.length >= 5 && layouts.length >= 20, `${layouts.length} layouts`);
  let checked = 0;
  for (const l of layouts) for (const height of [500, 800, 1200]) {
    const prims = drawView(buildView(l, { height }), { width: 900 });
    const x = geometry(900).labels;
    // The names column: a region's name and its second line; a text's box is 12 px high (11–12 px fonts).
    const ys = prims.filter((p) => p.t === 'text' && p.x === x).map((p) => (p as { y: number }).y).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) assert.ok(ys[i] - ys[i - 1] >= 12, `${l.id} at ${height} px: labels at y ${ys[i - 1]} and ${ys[i]} overlap`);
    checked += ys.length;
  }
  assert.ok(checked > 1000, `${checked} labels checked`);
});
