// The address-space map as data: a segmented scale over a window of the address space, the rows
// (regions, unmapped gaps, clusters of regions too small to draw one by one), ruler ticks for
// top-level slots and page-size boundaries, markers, problems, and a display list of primitives.
// The webview turns the display list into DOM nodes; renderSvg() turns it into a standalone SVG
// (webview export and `paging-layout map --format svg`). Pure: no vscode, no fs; BigInt addresses.
// Only types.ts, modes.ts and numbers.ts are imported so that the webview bundle stays browser-only.
import type { LayoutDiff } from '../paging/diff';
// The webview bundles this file for the browser: it imports the paging modules it needs, not the
// paging index (whose preset loader reads files).
import { addressMask, canonicalForm, getMode, levelSpan, topLevelIndex } from '../paging/modes';
import { formatDecimal, formatHex, formatSize } from '../paging/numbers';
import { Layout, PagingMode, Region } from '../paging/types';

export const PAGE = 4096n;
/** The smallest window a zoom goes down to: 16 base pages, so that single 4 KiB pages are wide rows. */
export const MIN_WINDOW = 16n * PAGE;

export interface AddrWindow {
  start: bigint;
  /** Inclusive. */
  end: bigint;
}

/** A contiguous part of the window: one region, or an unmapped gap (region -1). */
export interface Segment {
  start: bigint;
  end: bigint;
  region: number;
}

/** A band of the picture: one or more consecutive segments drawn with a linear scale inside. */
export interface Piece {
  start: bigint;
  end: bigint;
  y: number;
  h: number;
  /** Index of the first and last segment of the band. */
  first: number;
  last: number;
}

export interface Scale {
  window: AddrWindow;
  height: number;
  pieces: Piece[];
  /** True when the whole window is one band: bytes per pixel are the same everywhere. */
  linear: boolean;
  /** What the picture says about its scale. */
  text: string;
}

// ---- arithmetic ---------------------------------------------------------------------------------

/** log2 of a positive BigInt, as a float (exact enough for display weights). */
export function log2Big(v: bigint): number {
  if (v <= 0n) return 0;
  if (v < 1n << 52n) return Math.log2(Number(v));
  const shift = v.toString(2).length - 52;
  return Math.log2(Number(v >> BigInt(shift))) + shift;
}

/** Display weight of a band of `size` bytes: 1 for 4 KiB and below, +1 per doubling. */
export function weightOf(size: bigint): number {
  return Math.max(1, log2Big(size) - 11);
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** Fraction (0..1) of `part` in `whole`, for pixel placement. */
function frac(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0;
  return Number((part << 24n) / whole) / 16777216;
}

/** Index of the first region whose end is >= addr (regions sorted, non-overlapping). */
export function firstRegionFrom(regions: readonly Region[], addr: bigint): number {
  let lo = 0, hi = regions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (regions[mid].end < addr) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** The layout's regions cut to the window, with the unmapped gaps between them. */
export function segmentsOf(regions: readonly Region[], win: AddrWindow): Segment[] {
  const out: Segment[] = [];
  let cur = win.start;
  let done = false;
  for (let i = firstRegionFrom(regions, win.start); i < regions.length && !done; i++) {
    const r = regions[i];
    if (r.start > win.end) break;
    const s = max(r.start, cur), e = min(r.end, win.end);
    if (s > e) continue;
    if (s > cur) out.push({ start: cur, end: s - 1n, region: -1 });
    out.push({ start: s, end: e, region: i });
    if (e === win.end) done = true; else cur = e + 1n;
  }
  if (!done && cur <= win.end) out.push({ start: cur, end: win.end, region: -1 });
  return out;
}

/** Segments from a sorted list of cut addresses (each cut starts a new segment). */
export function segmentsFromCuts(cuts: readonly bigint[], win: AddrWindow): Segment[] {
  const inside = [...new Set(cuts.filter((c) => c > win.start && c <= win.end))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Segment[] = [];
  let cur = win.start;
  for (const c of inside) { out.push({ start: cur, end: c - 1n, region: -1 }); cur = c; }
  out.push({ start: cur, end: win.end, region: -1 });
  return out;
}

export interface ScaleOptions {
  /** Smallest band height in pixels (default 3). */
  minPx?: number;
  /** Most bands drawn (default height / 16): more segments are clustered. */
  maxBands?: number;
}

/**
 * A segmented scale: every band gets `minPx` plus a share of the rest proportional to log2 of its
 * size, so that a 4 KiB page stays visible next to the 16 EiB non-canonical hole. When there are
 * more segments than bands, runs of small consecutive segments are clustered into one band.
 */
export function buildScale(segs: readonly Segment[], win: AddrWindow, height: number, opts: ScaleOptions = {}): Scale {
  const maxBands = Math.max(1, Math.floor(opts.maxBands ?? height / 16));
  const groups = segs.length > maxBands ? cluster(segs, maxBands) : segs.map((x, i) => ({ first: i, last: i, w: weightOf(x.end - x.start + 1n) }));
  const n = groups.length;
  const minPx = Math.min(opts.minPx ?? 3, height / n);
  const free = height - n * minPx;
  const wsum = groups.reduce((a, g) => a + g.w, 0) || 1;
  const pieces: Piece[] = [];
  let y = 0;
  for (const g of groups) {
    const h = minPx + (free * g.w) / wsum;
    pieces.push({ start: segs[g.first].start, end: segs[g.last].end, y, h, first: g.first, last: g.last });
    y += h;
  }
  const linear = pieces.length === 1;
  const span = win.end - win.start + 1n;
  const text = linear
    ? `Scale: linear, 1 px ≈ ${formatSize(span / BigInt(Math.max(1, Math.round(height))) || 1n)}`
    : 'Scale: segmented — each band’s height grows with log₂ of its size (linear inside a band); not proportional to bytes';
  return { window: win, height, pieces, linear, text };
}

/**
 * Merge neighbouring segments into at most `maxBands` bands: runs of consecutive segments are merged
 * while their union spans at most T bytes, with the smallest T that gives few enough bands (found by
 * bisection in log space; each pass is one linear scan). Dense runs of small regions become one band
 * while large gaps and large regions stay bands of their own. A merged band weighs like one band of
 * its span plus log2(count).
 */
function cluster(segs: readonly Segment[], maxBands: number): { first: number; last: number; w: number }[] {
  const n = segs.length;
  const bytes = new Float64Array(n);
  let total = 0, smallest = Infinity;
  for (let i = 0; i < n; i++) {
    const b = Number(segs[i].end - segs[i].start + 1n);
    bytes[i] = b; total += b;
    if (b < smallest) smallest = b;
  }
  const count = (t: number): number => {
    let c = 1, cur = bytes[0];
    for (let i = 1; i < n; i++) {
      const next = cur + bytes[i];
      if (next <= t) cur = next; else { c++; cur = bytes[i]; }
    }
    return c;
  };
  let lo = Math.log2(smallest), hi = Math.log2(total) + 1e-9;
  for (let iter = 0; iter < 48 && hi - lo > 1e-4; iter++) {
    const mid = (lo + hi) / 2;
    if (count(2 ** mid) <= maxBands) hi = mid; else lo = mid;
  }
  const t = 2 ** hi;
  const out: { first: number; last: number; w: number }[] = [];
  let first = 0, cur = bytes[0];
  const flush = (last: number) => {
    const span = segs[last].end - segs[first].start + 1n;
    out.push({ first, last, w: weightOf(span) + (last > first ? Math.log2(last - first + 1) : 0) });
  };
  for (let i = 1; i < n; i++) {
    const next = cur + bytes[i];
    if (next <= t) cur = next; else { flush(i - 1); first = i; cur = bytes[i]; }
  }
  flush(n - 1);
  return out;
}

/** Index of the band that holds an address (clamped to the first/last band). */
export function pieceAt(scale: Scale, addr: bigint): number {
  const ps = scale.pieces;
  let lo = 0, hi = ps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ps[mid].start <= addr) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** Y of an address (an address one past a band's end maps to the band's bottom edge). */
export function addrToY(scale: Scale, addr: bigint): number {
  if (addr <= scale.window.start) return 0;
  if (addr > scale.window.end) return scale.height;
  const p = scale.pieces[pieceAt(scale, addr)];
  return p.y + p.h * frac(addr - p.start, p.end - p.start + 1n);
}

/** The address at a y (clamped to the window). */
export function yToAddr(scale: Scale, y: number): bigint {
  if (y <= 0) return scale.window.start;
  if (y >= scale.height) return scale.window.end;
  const ps = scale.pieces;
  let lo = 0, hi = ps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ps[mid].y <= y) lo = mid; else hi = mid - 1;
  }
  const p = ps[lo];
  const f = Math.min(1, Math.max(0, (y - p.y) / p.h));
  const a = p.start + (((p.end - p.start + 1n) * BigInt(Math.floor(f * 2 ** 30))) >> 30n);
  return min(a, p.end);
}

/** The largest window a layout can show: the whole register width. */
export function fullWindow(mode: PagingMode): AddrWindow {
  return { start: 0n, end: addressMask(mode) };
}

function clampWindow(w: AddrWindow, bounds: AddrWindow): AddrWindow {
  let { start, end } = w;
  const width = end - start;
  if (width >= bounds.end - bounds.start) return { ...bounds };
  if (start < bounds.start) { start = bounds.start; end = start + width; }
  if (end > bounds.end) { end = bounds.end; start = end - width; }
  return { start, end };
}

/** A window of at least MIN_WINDOW bytes around an address, page-aligned. */
function atLeastMin(w: AddrWindow, anchor: bigint, bounds: AddrWindow): AddrWindow {
  let { start, end } = w;
  start -= start % PAGE;
  end = end - (end % PAGE) + PAGE - 1n;
  if (end - start + 1n < MIN_WINDOW) {
    const a = anchor - (anchor % PAGE);
    start = a - MIN_WINDOW / 2n;
    end = start + MIN_WINDOW - 1n;
  }
  return clampWindow({ start, end }, bounds);
}

/**
 * Zoom in (factor > 1) around the pixel row y: the rows above and below y shrink by `factor` in the
 * picture's own (segmented) coordinates, so what is big on screen stays in view. Zoom out (factor < 1)
 * widens the window in bytes around the address at y.
 */
export function zoomWindow(scale: Scale, y: number, factor: number, bounds: AddrWindow): AddrWindow {
  const anchor = yToAddr(scale, y);
  if (factor >= 1) {
    const y0 = y - y / factor, y1 = y + (scale.height - y) / factor;
    const start = yToAddr(scale, y0);
    const endAddr = yToAddr(scale, y1);
    return atLeastMin({ start, end: max(start, endAddr) }, anchor, bounds);
  }
  const k = BigInt(Math.max(2, Math.round(1 / factor)));
  const { start, end } = scale.window;
  const s = anchor - (anchor - start) * k, e = anchor + (end - anchor) * k;
  return clampWindow({ start: s < bounds.start ? bounds.start : s, end: e > bounds.end ? bounds.end : e }, bounds);
}

/** Pan by dy pixels (positive: towards higher addresses), at the pace of the band at the edge moved into. */
export function panWindow(scale: Scale, dy: number, bounds: AddrWindow): AddrWindow {
  if (dy === 0) return scale.window;
  const edge = dy > 0 ? scale.pieces[scale.pieces.length - 1] : scale.pieces[0];
  const perPx = Number(edge.end - edge.start + 1n) / edge.h;
  let shift = BigInt(Math.round(Math.abs(dy) * perPx));
  if (shift === 0n) shift = 1n;
  const { start, end } = scale.window;
  return clampWindow(dy > 0 ? { start: start + shift, end: end + shift } : { start: start - shift, end: end - shift }, bounds);
}

/** The window that shows a region (or any range) exactly. */
export function windowFor(start: bigint, end: bigint, bounds: AddrWindow): AddrWindow {
  return atLeastMin({ start, end }, start + (end - start) / 2n, bounds);
}

// ---- ruler --------------------------------------------------------------------------------------

export interface Tick {
  y: number;
  addr: bigint;
  /** 'slot': a top-level page-table slot boundary; 'page': a leaf page-size boundary. */
  level: 'slot' | 'page';
  size: bigint;
  label?: string;
}

export interface TickOptions {
  /** A physical layout (iomem): no top-level slots. */
  physical?: boolean;
  maxTicks?: number;
  minGap?: number;
  labelGap?: number;
}

/** Short size names for tick labels: 4K, 2M, 1G, 512G. */
export function shortSize(v: bigint): string {
  return formatSize(v).replace(/ ([KMGTPE])iB$/, '$1').replace(/ bytes?$/, 'B');
}

/** The low 32 bits of an address as grouped hex, for dense tick labels: …8120_0000. */
function tailHex(a: bigint): string {
  const h = (a & 0xffffffffn).toString(16).padStart(8, '0');
  return `…${h.slice(0, 4)}_${h.slice(4)}`;
}

/**
 * Ruler ticks: top-level slot boundaries (labelled with the slot number) and boundaries of every leaf
 * page size of the mode, each drawn only where they are at least `minGap` pixels apart.
 */
export function rulerTicks(scale: Scale, mode: PagingMode, opts: TickOptions = {}): Tick[] {
  const maxTicks = opts.maxTicks ?? 1500, minGap = opts.minGap ?? 3, labelGap = opts.labelGap ?? 13;
  const slot = levelSpan(mode, 0);
  const sizes: { size: bigint; level: 'slot' | 'page' }[] = [];
  if (!opts.physical) sizes.push({ size: slot, level: 'slot' });
  for (const p of [...mode.leafPageSizes].sort((a, b) => (a > b ? -1 : 1))) if (opts.physical || p < slot) sizes.push({ size: p, level: 'page' });
  const ticks: Tick[] = [];
  // Page-boundary addresses are labelled only once the window is within a few top-level slots.
  const zoomed = opts.physical || scale.window.end - scale.window.start < 4n * slot;
  for (const p of scale.pieces) {
    const bytes = p.end - p.start + 1n;
    const drawn: bigint[] = [];
    for (const { size, level } of sizes) {
      const spacing = p.h * frac(size, bytes) || (size >= bytes ? Infinity : 0);
      if (spacing < minGap) continue;
      let a = ((p.start + size - 1n) / size) * size;
      const every = spacing >= labelGap ? 1n : BigInt(Math.ceil(labelGap / spacing));
      for (; a <= p.end && ticks.length < maxTicks; a += size) {
        if (drawn.some((d) => a % d === 0n)) continue;
        const y = addrToY(scale, a);
        const index = a / size;
        let label: string | undefined;
        if (index % every === 0n && (level === 'slot' || zoomed)) {
          label = level === 'slot' ? String(topLevelIndex(mode, a)) : `${tailHex(a)}`;
          if (level === 'page' && size >= 1n << 30n) label = `${formatHex(a >> 32n, { digits: 8 }).slice(2)}_${tailHex(a).slice(1)}`;
        }
        ticks.push({ y, addr: a, level, size, label });
      }
      drawn.push(size);
      if (ticks.length >= maxTicks) break;
    }
  }
  return ticks.sort((x, y) => x.y - y.y);
}

// ---- the view model -----------------------------------------------------------------------------

export interface Row {
  kind: 'region' | 'gap' | 'cluster';
  start: bigint;
  end: bigint;
  y: number;
  h: number;
  /** Region index (kind 'region'). */
  region?: number;
  /** Regions inside a cluster. */
  count: number;
  label: string;
  /** Kind of the region, or of most regions of a cluster. */
  regionKind?: string;
}

export interface MarkerInput {
  name: string;
  value: bigint;
}

export interface ProblemInput {
  code: string;
  message: string;
  start: bigint;
  end: bigint;
  severity: 'error' | 'warning' | 'info';
}

export interface PlacedMarker { index: number; name: string; value: bigint; y: number }
export interface PlacedProblem { index: number; y: number; h: number; severity: ProblemInput['severity']; message: string }

export interface MapView {
  layout: Layout;
  mode: PagingMode;
  scale: Scale;
  rows: Row[];
  ticks: Tick[];
  markers: PlacedMarker[];
  problems: PlacedProblem[];
}

export interface ViewOptions extends ScaleOptions {
  window?: AddrWindow;
  height: number;
  markers?: readonly MarkerInput[];
  problems?: readonly ProblemInput[];
  physical?: boolean;
}

export function modeFor(layout: Layout): PagingMode {
  return getMode(layout.mode) ?? getMode('x86_64-4level')!;
}

/** Everything the picture of one layout needs, for a window and a height in pixels. */
export function buildView(layout: Layout, opts: ViewOptions): MapView {
  const mode = modeFor(layout);
  const bounds = fullWindow(mode);
  const win = opts.window ? clampWindow(opts.window, bounds) : bounds;
  const segs = segmentsOf(layout.regions, win);
  const scale = buildScale(segs, win, opts.height, opts);
  const rows: Row[] = scale.pieces.map((p) => {
    if (p.first === p.last) {
      const s = segs[p.first];
      if (s.region < 0) return { kind: 'gap', start: p.start, end: p.end, y: p.y, h: p.h, count: 0, label: 'unmapped (no region)' };
      const r = layout.regions[s.region];
      return { kind: 'region', start: p.start, end: p.end, y: p.y, h: p.h, region: s.region, count: 1, label: r.name, regionKind: r.kind };
    }
    const kinds = new Map<string, number>();
    let count = 0;
    for (let i = p.first; i <= p.last; i++) {
      if (segs[i].region < 0) continue;
      count++;
      const k = layout.regions[segs[i].region].kind;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    const top = [...kinds.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    return { kind: count ? 'cluster' : 'gap', start: p.start, end: p.end, y: p.y, h: p.h, count, label: count ? `${count} regions — zoom in` : 'unmapped (no region)', regionKind: top };
  });
  const physical = opts.physical ?? layout.origin === 'import:iomem';
  const ticks = rulerTicks(scale, mode, { physical });
  const markers: PlacedMarker[] = [];
  (opts.markers ?? []).forEach((m, index) => {
    if (m.value >= win.start && m.value <= win.end) markers.push({ index, name: m.name, value: m.value, y: addrToY(scale, m.value) });
  });
  const problems: PlacedProblem[] = [];
  (opts.problems ?? []).forEach((p, index) => {
    if (p.end < win.start || p.start > win.end) return;
    const y = addrToY(scale, max(p.start, win.start));
    const y2 = p.end >= win.end ? scale.height : addrToY(scale, p.end + 1n);
    problems.push({ index, y, h: Math.max(2, y2 - y), severity: p.severity, message: p.message });
  });
  return { layout, mode, scale, rows, ticks, markers, problems };
}

// ---- facts about a region -----------------------------------------------------------------------

/** Top-level slots of a range, in words: "PML4 slots 256–271 (16)" or "PML4 slot 511". */
export function slotText(mode: PagingMode, start: bigint, end: bigint): string {
  const l = mode.levels[0];
  const a = topLevelIndex(mode, start), b = topLevelIndex(mode, end);
  const count = ((end >> BigInt(l.shift)) - (start >> BigInt(l.shift))) + 1n;
  if (count === 1n) return `${l.arch} slot ${a}`;
  if (count > 1n << BigInt(l.bits)) return `no ${l.arch} slot: beyond the ${mode.vaBits}-bit canonical space`;
  return `${l.arch} slots ${a}–${b} (${count})`;
}

/** Label/value pairs for the details pane and the tooltip of a region. */
export function regionFacts(r: Region, mode: PagingMode): [string, string][] {
  const digits = mode.addressBits / 4;
  const size = r.end - r.start + 1n;
  const top = addressMask(mode) + 1n;
  const facts: [string, string][] = [
    ['Start', formatHex(r.start, { grouped: true, digits })],
    ['End', `${formatHex(r.end, { grouped: true, digits })} (inclusive)`],
    ['Size', `${formatSize(size)} (${formatDecimal(size)} bytes)`],
    ['Kind', r.kind],
    ['Slots', slotText(mode, r.start, r.end)],
    ['Capacity', `${formatSize(size)} can be mapped here; ${formatSize(top - r.start)} from its start to the top of the address space`],
  ];
  if (canonicalForm(mode, r.start) !== r.start && r.kind !== 'non-canonical') facts.push(['Canonical', 'no: the start is not a canonical address']);
  if (r.randomised) facts.push(['Randomised', 'yes: the base is chosen at boot (KASLR); drawn at its boot default']);
  facts.push(['Source', r.source ?? 'not recorded']);
  if (r.description) facts.push(['Description', r.description]);
  return facts;
}

/** One line for a tooltip or an accessible name. */
export function regionSummary(r: Region, mode: PagingMode): string {
  const digits = mode.addressBits / 4;
  return `${r.name}: ${formatHex(r.start, { digits })} to ${formatHex(r.end, { digits })}, ${formatSize(r.end - r.start + 1n)}, ${r.kind}, ${slotText(mode, r.start, r.end)}${r.randomised ? ', randomised at boot (drawn at its boot default)' : ''}`;
}

/** Problems the markers of a file show on a layout: non-canonical values and values inside holes. */
export function markerProblems(layout: Layout, markers: readonly MarkerInput[]): ProblemInput[] {
  const mode = modeFor(layout);
  const out: ProblemInput[] = [];
  const holeKinds = new Set(['non-canonical', 'guard-hole', 'hypervisor', 'unused']);
  for (const m of markers) {
    const v = m.value & addressMask(mode);
    if (mode.canonical !== 'none' && canonicalForm(mode, v) !== v) {
      out.push({ code: 'PL-MAP-NONCANONICAL', severity: 'error', start: v, end: v, message: `${m.name} = ${formatHex(v)} is not canonical in ${mode.title}` });
      continue;
    }
    const i = firstRegionFrom(layout.regions, v);
    const r = layout.regions[i];
    if (r && r.start <= v && holeKinds.has(r.kind)) {
      out.push({ code: 'PL-MAP-IN-HOLE', severity: 'warning', start: v, end: v, message: `${m.name} = ${formatHex(v)} lies in ${r.name} (${r.kind})` });
    }
  }
  return out;
}

// ---- comparison ---------------------------------------------------------------------------------

/** The difference of two layouts in sentences, for the compare view and its export. */
export function describeDiff(diff: LayoutDiff): string[] {
  const ma = modeFor(diff.a), mb = modeFor(diff.b);
  const top = ma.levels[0].arch;
  const digits = Math.max(ma.addressBits, mb.addressBits) / 4;
  const hx = (v: bigint) => formatHex(v, { digits });
  const out: string[] = [];
  const signed = (v: bigint) => `${v < 0n ? 'down' : 'up'} by ${formatSize(v < 0n ? -v : v)}`;
  const seen = new Set<string>();
  for (const s of diff.symbols) {
    if (s.delta === undefined || s.delta === 0n || s.before === undefined || s.after === undefined) continue;
    const key = `${s.before}:${s.after}`;
    const same = diff.symbols.filter((t) => t !== s && t.before === s.before && t.after === s.after).map((t) => t.name);
    if (seen.has(key)) continue;
    seen.add(key);
    const slots = s.slotBefore !== s.slotAfter ? `, from ${top} slot ${s.slotBefore} to slot ${s.slotAfter} (${Math.abs((s.slotAfter ?? 0) - (s.slotBefore ?? 0))} slots)` : ` (${top} slot ${s.slotAfter})`;
    out.push(`${s.name}${same.length ? ` (and ${same.join(', ')})` : ''} moved ${signed(s.delta)}: ${hx(s.before)} → ${hx(s.after)}${slots}; the space above it went from ${formatSize(s.spaceAboveBefore!)} to ${formatSize(s.spaceAboveAfter!)}.`);
  }
  for (const r of diff.regions) {
    if (r.status === 'added') {
      const next = diff.b.regions.find((x) => x.start === r.after!.end + 1n);
      out.push(`${r.name} added: ${hx(r.after!.start)}–${hx(r.after!.end)}, ${formatSize(r.sizeAfter!)}, ${slotText(mb, r.after!.start, r.after!.end)}${next ? `, in front of ${next.name}` : ''}.`);
    } else if (r.status === 'removed') {
      out.push(`${r.name} removed (was ${hx(r.before!.start)}–${hx(r.before!.end)}, ${formatSize(r.sizeBefore!)}, ${slotText(ma, r.before!.start, r.before!.end)}).`);
    } else if (r.status !== 'same') {
      const parts: string[] = [];
      if (r.startDelta) {
        parts.push(`start moved ${signed(r.startDelta)} from ${top} slot ${r.startSlotBefore} to slot ${r.startSlotAfter}${r.slotDelta !== undefined ? ` (${Math.abs(r.slotDelta)} slots)` : ''}`);
      }
      if (r.endDelta) parts.push(`end moved ${signed(r.endDelta)}`);
      if (r.sizeBefore !== r.sizeAfter) parts.push(`size ${formatSize(r.sizeBefore!)} → ${formatSize(r.sizeAfter!)}`);
      if (r.startDelta) parts.push(`space above its start ${formatSize(r.spaceAboveBefore!)} → ${formatSize(r.spaceAboveAfter!)}`);
      out.push(`${r.name}: ${parts.join('; ')}.`);
    }
  }
  if (!out.length) out.push('The two layouts have the same regions and symbols.');
  return out;
}

export interface CompareColumn { rows: Row[] }

export interface CompareView {
  a: Layout;
  b: Layout;
  scale: Scale;
  columns: [Row[], Row[]];
  /** Region starts of the same name in both layouts: y in column A and in column B. */
  links: { name: string; ya: number; yb: number; moved: boolean; delta: bigint }[];
  ticks: Tick[];
}

/** Two layouts on one shared scale cut at the boundaries of both. */
export function buildCompareView(a: Layout, b: Layout, opts: { height: number; window?: AddrWindow }): CompareView {
  const mode = modeFor(a);
  const bounds = fullWindow(mode);
  const win = opts.window ? clampWindow(opts.window, bounds) : bounds;
  const cuts: bigint[] = [];
  for (const l of [a, b]) for (const r of l.regions) { cuts.push(r.start, r.end + 1n); }
  const segs = segmentsFromCuts(cuts, win);
  const scale = buildScale(segs, win, opts.height, { minPx: 4 });
  const column = (l: Layout): Row[] => segmentsOf(l.regions, win).map((s) => {
    const y = addrToY(scale, s.start), y2 = s.end >= win.end ? scale.height : addrToY(scale, s.end + 1n);
    if (s.region < 0) return { kind: 'gap', start: s.start, end: s.end, y, h: y2 - y, count: 0, label: 'unmapped' };
    const r = l.regions[s.region];
    return { kind: 'region', start: s.start, end: s.end, y, h: y2 - y, region: s.region, count: 1, label: r.name, regionKind: r.kind };
  });
  const byName = new Map(b.regions.map((r) => [r.name, r]));
  const links: CompareView['links'] = [];
  for (const ra of a.regions) {
    const rb = byName.get(ra.name);
    if (!rb || ra.start < win.start || ra.start > win.end || rb.start < win.start || rb.start > win.end) continue;
    links.push({ name: ra.name, ya: addrToY(scale, ra.start), yb: addrToY(scale, rb.start), moved: ra.start !== rb.start, delta: rb.start - ra.start });
  }
  return { a, b, scale, columns: [column(a), column(b)], links, ticks: rulerTicks(scale, mode, { maxTicks: 600 }) };
}

// ---- display list -------------------------------------------------------------------------------

/** What a drawn thing stands for, so that the webview can make it interactive. */
export type Ref =
  | { type: 'row'; index: number }
  | { type: 'column'; column: 0 | 1; index: number }
  | { type: 'marker'; index: number }
  | { type: 'problem'; index: number };

export type Prim =
  | { t: 'rect'; x: number; y: number; w: number; h: number; cls: string; ref?: Ref; name?: string }
  | { t: 'line'; x1: number; y1: number; x2: number; y2: number; cls: string; ref?: Ref }
  | { t: 'path'; d: string; cls: string; ref?: Ref; name?: string }
  | { t: 'text'; x: number; y: number; text: string; cls: string; anchor?: 'start' | 'middle' | 'end'; ref?: Ref };

export interface DrawOptions {
  width: number;
  /** Pixels above the picture (the SVG export puts its title there). */
  top?: number;
  selected?: number;
  cursor?: bigint;
  highlightMarker?: number;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/** Column positions of the single-layout picture for a width. */
export function geometry(width: number) {
  const ruler = 118;
  const bar = Math.max(90, Math.min(260, Math.round(width * 0.26)));
  const labels = ruler + bar + 10;
  const markers = Math.max(labels + 160, width - 190);
  /** Marker names get a column of their own only when there is room for it. */
  const markerLabels = width - labels >= 420;
  return { ruler, bar, barX: ruler, barEnd: ruler + bar, labels, markers, markerLabels };
}

/** Height of a row (px) from which its label has a second line: start and size. */
const TWO_LINE_ROW = 36;

/** The single-layout picture as primitives. */
export function drawView(view: MapView, opts: DrawOptions): Prim[] {
  const g = geometry(opts.width);
  const top = opts.top ?? 0;
  const out: Prim[] = [];
  const digits = view.mode.addressBits / 4;
  // Scale breaks: a short zig-zag on the ruler between bands that are not drawn to the same scale.
  view.rows.forEach((row, index) => {
    const y = top + row.y;
    const region = row.region !== undefined ? view.layout.regions[row.region] : undefined;
    const cls = (row.kind === 'region' ? `region k-${row.regionKind}` : row.kind === 'cluster' ? `cluster k-${row.regionKind ?? 'other'}` : 'gap') + (region?.randomised ? ' randomised' : '');
    const selected = opts.selected === index ? ' selected' : '';
    const name = region ? regionSummary(region, view.mode)
      : row.kind === 'cluster' ? `${row.count} regions from ${formatHex(row.start, { digits })} to ${formatHex(row.end, { digits })}; press Enter to zoom in`
        : `unmapped from ${formatHex(row.start, { digits })} to ${formatHex(row.end, { digits })}, ${formatSize(row.end - row.start + 1n)}`;
    out.push({ t: 'rect', x: g.barX, y: r1(y), w: g.bar, h: r1(Math.max(1, row.h)), cls: cls + selected, ref: { type: 'row', index }, name });
    if (row.h >= 13) {
      const size = formatSize(row.end - row.start + 1n);
      const ty = y + Math.min(row.h / 2, 14) + 4;
      out.push({ t: 'text', x: g.labels, y: r1(ty), text: region?.randomised ? `${row.label} (randomised)` : row.label, cls: row.kind === 'gap' ? 'label gap-label' : 'label name', ref: { type: 'row', index } });
      // The second line (start and size) only where it ends inside the row: its baseline is 14 px below
      // the name's and its descent 3 px, so a row under 36 px gets the size at the right instead.
      if (row.h >= TWO_LINE_ROW) out.push({ t: 'text', x: g.labels, y: r1(ty + 14), text: `${formatHex(row.start, { grouped: true, digits })} · ${size}`, cls: 'label meta' });
      else if (g.markerLabels) out.push({ t: 'text', x: g.markers - 8, y: r1(ty), text: size, cls: 'label meta', anchor: 'end' });
    }
    if (index > 0) out.push({ t: 'line', x1: g.barX, y1: r1(y), x2: g.barEnd, y2: r1(y), cls: 'boundary' });
  });
  if (!view.scale.linear) {
    // A zig-zag on the ruler where the scale changes by more than 16× from one band to the next.
    const perPx = (p: Piece) => log2Big(p.end - p.start + 1n) - Math.log2(Math.max(1, p.h));
    view.scale.pieces.forEach((p, i) => {
      if (i === 0 || Math.abs(perPx(p) - perPx(view.scale.pieces[i - 1])) < 4) return;
      const y = top + p.y;
      out.push({ t: 'path', d: `M${g.ruler - 14} ${r1(y)} l3 -3 l3 6 l3 -6 l3 3`, cls: 'scale-break' });
    });
  }
  // Ruler.
  out.push({ t: 'line', x1: g.ruler - 1, y1: top, x2: g.ruler - 1, y2: top + view.scale.height, cls: 'ruler-axis' });
  let lastLabel = -Infinity;
  for (const t of view.ticks) {
    const y = top + t.y;
    const len = t.level === 'slot' ? 12 : t.size >= 1n << 30n ? 8 : t.size >= 1n << 21n ? 6 : 4;
    out.push({ t: 'line', x1: g.ruler - 1 - len, y1: r1(y), x2: g.ruler - 1, y2: r1(y), cls: `tick ${t.level}` });
    if (t.label && y - lastLabel >= 12) {
      out.push({ t: 'text', x: g.ruler - 16, y: r1(y + 4), text: t.label, cls: `tick-label ${t.level}`, anchor: 'end' });
      lastLabel = y;
    }
  }
  for (const p of view.problems) {
    out.push({ t: 'rect', x: g.barX - 4, y: r1(top + p.y), w: g.bar + 8, h: r1(p.h), cls: `problem ${p.severity}`, ref: { type: 'problem', index: p.index }, name: p.message });
  }
  let lastMarker = -Infinity;
  for (const m of view.markers) {
    const y = top + m.y;
    const hl = opts.highlightMarker === m.index ? ' highlight' : '';
    out.push({ t: 'line', x1: g.barX, y1: r1(y), x2: g.markerLabels ? g.markers - 4 : g.barEnd, y2: r1(y), cls: 'marker-line' + hl });
    out.push({ t: 'path', d: `M${g.barEnd} ${r1(y)} l7 -5 v10 z`, cls: 'marker' + hl, ref: { type: 'marker', index: m.index }, name: `${m.name} = ${formatHex(m.value, { digits })}` });
    if (g.markerLabels && (y - lastMarker >= 12 || hl)) {
      out.push({ t: 'text', x: g.markers, y: r1(y + 4), text: m.name, cls: 'marker-label' + hl, ref: { type: 'marker', index: m.index } });
      lastMarker = y;
    }
  }
  if (opts.cursor !== undefined && opts.cursor >= view.scale.window.start && opts.cursor <= view.scale.window.end) {
    const y = top + addrToY(view.scale, opts.cursor);
    out.push({ t: 'line', x1: g.ruler - 14, y1: r1(y), x2: opts.width - 4, y2: r1(y), cls: 'cursor' });
  }
  return out;
}

/** Column positions of the comparison picture. */
export function compareGeometry(width: number) {
  const bar = Math.max(60, Math.min(160, Math.round(width * 0.13)));
  const aEnd = Math.round(width * 0.42), aX = aEnd - bar;
  const bX = Math.round(width * 0.58), bEnd = bX + bar;
  return { bar, aX, aEnd, bX, bEnd };
}

export function drawCompare(view: CompareView, opts: DrawOptions): Prim[] {
  const g = compareGeometry(opts.width);
  const top = opts.top ?? 0;
  const out: Prim[] = [];
  const modeA = modeFor(view.a), modeB = modeFor(view.b);
  ([0, 1] as const).forEach((c) => {
    const rows = view.columns[c];
    const layout = c === 0 ? view.a : view.b;
    const mode = c === 0 ? modeA : modeB;
    const x = c === 0 ? g.aX : g.bX;
    let lastLabel = -Infinity;
    rows.forEach((row, index) => {
      const y = top + row.y;
      const region = row.region !== undefined ? layout.regions[row.region] : undefined;
      const cls = region ? `region k-${region.kind}${region.randomised ? ' randomised' : ''}` : 'gap';
      out.push({ t: 'rect', x, y: r1(y), w: g.bar, h: r1(Math.max(1, row.h)), cls, ref: { type: 'column', column: c, index }, name: region ? `${layout.id}: ${regionSummary(region, mode)}` : `${layout.id}: unmapped` });
      if (region && row.h >= 11 && y - lastLabel >= 12) {
        const tx = c === 0 ? g.aX - 8 : g.bEnd + 8;
        const ty = y + Math.min(row.h / 2, 12) + 4;
        out.push({ t: 'text', x: tx, y: r1(ty), text: `${region.name} · ${formatSize(region.end - region.start + 1n)}`, cls: 'label name', anchor: c === 0 ? 'end' : 'start' });
        if (row.h >= 26) out.push({ t: 'text', x: tx, y: r1(ty + 13), text: `${slotText(mode, region.start, region.end)}`, cls: 'label meta', anchor: c === 0 ? 'end' : 'start' });
        lastLabel = y;
      }
    });
  });
  for (const l of view.links) {
    const ya = top + l.ya, yb = top + l.yb;
    out.push({ t: 'path', d: `M${g.aEnd} ${r1(ya)} C${r1((g.aEnd + g.bX) / 2)} ${r1(ya)} ${r1((g.aEnd + g.bX) / 2)} ${r1(yb)} ${g.bX} ${r1(yb)}`, cls: l.moved ? 'link moved' : 'link', name: `${l.name}${l.moved ? ' moved' : ''}` });
  }
  // The move written on each moved link: "+7 TiB, slot 258 → 272".
  const top0 = modeA.levels[0];
  for (const l of view.links) {
    if (!l.moved) continue;
    const ra = view.a.regions.find((r) => r.name === l.name)!, rb = view.b.regions.find((r) => r.name === l.name)!;
    const mid = r1((g.aEnd + g.bX) / 2), y = top + (l.ya + l.yb) / 2;
    const d = l.delta < 0n ? `−${formatSize(-l.delta)}` : `+${formatSize(l.delta)}`;
    out.push({ t: 'text', x: mid, y: r1(y - 4), text: d, cls: 'link-label', anchor: 'middle' });
    out.push({ t: 'text', x: mid, y: r1(y + 10), text: `${top0.arch} ${topLevelIndex(modeA, ra.start)} → ${topLevelIndex(modeB, rb.start)}`, cls: 'link-label meta', anchor: 'middle' });
  }
  return out;
}

// ---- SVG export ---------------------------------------------------------------------------------

/** Colours of the exported SVG: concrete values (the webview reads them from --vscode-* variables). */
export interface Palette {
  background: string;
  foreground: string;
  muted: string;
  border: string;
  error: string;
  warning: string;
  info: string;
  accent: string;
  /** Fill colour by region kind. */
  kinds: Record<string, string>;
}

/** Kind → theme colour variable, shared by the webview stylesheet and the export. */
export const KIND_COLOR_VARS: Record<string, string> = {
  user: '--vscode-charts-blue',
  'non-canonical': '--vscode-disabledForeground',
  'guard-hole': '--vscode-descriptionForeground',
  unused: '--vscode-descriptionForeground',
  hypervisor: '--vscode-charts-red',
  'hypervisor-text': '--vscode-charts-red',
  m2p: '--vscode-charts-red',
  'direct-map': '--vscode-charts-green',
  vmalloc: '--vscode-charts-purple',
  vmemmap: '--vscode-charts-yellow',
  kasan: '--vscode-charts-orange',
  'kernel-text': '--vscode-charts-orange',
  kernel: '--vscode-charts-orange',
  modules: '--vscode-terminal-ansiCyan',
  fixmap: '--vscode-terminal-ansiMagenta',
  vsyscall: '--vscode-terminal-ansiMagenta',
  'cpu-entry-area': '--vscode-terminal-ansiBlue',
  espfix: '--vscode-terminal-ansiBlue',
  'ldt-remap': '--vscode-terminal-ansiBlue',
  efi: '--vscode-terminal-ansiYellow',
  pkmap: '--vscode-terminal-ansiYellow',
  'pci-io': '--vscode-terminal-ansiYellow',
  bpf: '--vscode-terminal-ansiGreen',
  other: '--vscode-terminal-ansiWhite',
};

/** A light palette for the CLI export (VS Code's light-theme chart colours). */
export const DEFAULT_PALETTE: Palette = {
  background: '#ffffff', foreground: '#1f1f1f', muted: '#616161', border: '#c8c8c8',
  error: '#e51400', warning: '#bf8803', info: '#1a85ff', accent: '#005fb8',
  kinds: {
    user: '#1a85ff', 'non-canonical': '#8f8f8f', 'guard-hole': '#717171', unused: '#717171', hypervisor: '#e51400',
    'hypervisor-text': '#e51400', m2p: '#e51400', 'direct-map': '#388a34', vmalloc: '#652d90', vmemmap: '#bf8803',
    kasan: '#d18616', 'kernel-text': '#d18616', kernel: '#d18616', modules: '#0598bc', fixmap: '#bc05bc', vsyscall: '#bc05bc',
    'cpu-entry-area': '#0451a5', espfix: '#0451a5', 'ldt-remap': '#0451a5', efi: '#949800', pkmap: '#949800', 'pci-io': '#949800',
    bpf: '#14ce14', other: '#555555',
  },
};

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' }[c]!))
    // Characters XML 1.0 does not allow at all.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

function svgStyle(p: Palette): string {
  const kinds = Object.entries(p.kinds).map(([k, c]) => `.k-${k}{fill:${c};stroke:${c}}`).join('');
  return `text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:12px;fill:${p.foreground}}` +
    `.region,.cluster{fill-opacity:.35;stroke-width:1}.cluster{fill-opacity:.2;stroke-dasharray:3 2}` +
    `.k-non-canonical,.k-guard-hole,.k-unused{fill-opacity:.12}` +
    `.gap{fill:none;stroke:${p.border};stroke-dasharray:2 3}.selected{stroke:${p.accent};stroke-width:3}` +
    `.boundary{stroke:${p.border};stroke-width:.5}.ruler-axis,.tick{stroke:${p.muted}}.tick.slot{stroke:${p.foreground}}` +
    `.tick-label{font-size:10px;fill:${p.muted}}.tick-label.slot{fill:${p.foreground}}.scale-break{fill:none;stroke:${p.muted}}` +
    `.label.meta,.gap-label{fill:${p.muted};font-size:11px}.label.name{font-weight:600}` +
    `.marker{fill:${p.accent}}.marker-line{stroke:${p.accent};stroke-dasharray:4 3;stroke-width:.8}.marker-label{fill:${p.accent};font-size:11px}` +
    `.highlight{stroke-width:2}.cursor{stroke:${p.accent};stroke-width:1.5}` +
    `.problem{fill:none;stroke-width:2}.problem.error{stroke:${p.error}}.problem.warning{stroke:${p.warning}}.problem.info{stroke:${p.info}}` +
    `.link{fill:none;stroke:${p.border};stroke-width:1}.link.moved{stroke:${p.accent};stroke-width:2}` +
    `.link-label{font-size:11px;font-weight:600;fill:${p.accent};paint-order:stroke;stroke:${p.background};stroke-width:4px;stroke-linejoin:round}.link-label.meta{font-weight:400}.title{font-size:15px;font-weight:600}.note{fill:${p.muted};font-size:11px}.summary{font-size:12px}` + kinds;
}

function primSvg(p: Prim): string {
  const cls = `class="${escapeXml(p.cls)}"`;
  switch (p.t) {
    case 'rect': return `<rect x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" ${cls}>${p.name ? `<title>${escapeXml(p.name)}</title>` : ''}</rect>`;
    case 'line': return `<line x1="${p.x1}" y1="${p.y1}" x2="${p.x2}" y2="${p.y2}" ${cls}/>`;
    case 'path': return `<path d="${escapeXml(p.d)}" ${cls}>${p.name ? `<title>${escapeXml(p.name)}</title>` : ''}</path>`;
    case 'text': return `<text x="${p.x}" y="${p.y}"${p.anchor && p.anchor !== 'start' ? ` text-anchor="${p.anchor}"` : ''} ${cls}>${escapeXml(p.text)}</text>`;
  }
}

/** Wrap a long line for the SVG summary at about `chars` characters. */
function wrap(text: string, chars: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && (line + ' ' + w).length > chars) { out.push(line); line = w; } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}

export interface SvgOptions {
  layout: Layout;
  window?: AddrWindow;
  width?: number;
  height?: number;
  markers?: readonly MarkerInput[];
  problems?: readonly ProblemInput[];
  palette?: Palette;
  /** Compare `layout` with this one; `summary` holds describeDiff's sentences. */
  compare?: { b: Layout; summary: string[] };
  selected?: number;
}

/** A standalone SVG of the map (or of a comparison): title, scale note, picture, legend. */
export function renderSvg(o: SvgOptions): string {
  const width = o.width ?? 960;
  const pic = o.height ?? 720;
  const pal = o.palette ?? DEFAULT_PALETTE;
  const head = 54;
  const out: string[] = [];
  let prims: Prim[];
  let scaleText: string;
  let kinds: string[];
  let title: string;
  let extra = 0;
  let summary: string[] = [];
  if (o.compare) {
    const cv = buildCompareView(o.layout, o.compare.b, { height: pic, window: o.window });
    prims = drawCompare(cv, { width, top: head + 18 });
    scaleText = cv.scale.text;
    kinds = [...new Set([...o.layout.regions, ...o.compare.b.regions].map((r) => r.kind))];
    title = `${o.layout.id} (left) compared with ${o.compare.b.id} (right)`;
    summary = o.compare.summary.flatMap((s) => wrap(`• ${s}`, Math.floor(width / 6.6)));
    extra = 18;
  } else {
    const view = buildView(o.layout, { height: pic, window: o.window, markers: o.markers, problems: o.problems });
    prims = drawView(view, { width, top: head, selected: o.selected });
    scaleText = view.scale.text;
    kinds = [...new Set(view.rows.filter((r) => r.regionKind).map((r) => r.regionKind!))];
    const mode = view.mode;
    const w = view.scale.window;
    const whole = w.start === 0n && w.end === addressMask(mode);
    title = `${o.layout.title} (${o.layout.id}) — ${whole ? 'whole address space' : `${formatHex(w.start, { digits: mode.addressBits / 4 })}–${formatHex(w.end, { digits: mode.addressBits / 4 })}`}`;
  }
  const legendRows = Math.ceil(kinds.length / 6);
  const legendY = head + extra + pic + 24;
  const summaryY = legendY + legendRows * 18 + 14;
  const total = summaryY + summary.length * 16 + 10;
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" role="img" aria-label="${escapeXml(title)}">`);
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<style>${svgStyle(pal)}</style>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${total}" fill="${escapeXml(pal.background)}"/>`);
  out.push(`<text x="12" y="22" class="title">${escapeXml(title)}</text>`);
  out.push(`<text x="12" y="40" class="note">${escapeXml(scaleText)}${o.compare ? '' : ` · ruler: ${escapeXml(modeFor(o.layout).levels[0].arch)} slot numbers and page-size boundaries`}</text>`);
  if (o.compare) {
    const g = compareGeometry(width);
    out.push(`<text x="${g.aEnd}" y="${head + 10}" text-anchor="end" class="label name">${escapeXml(o.layout.id)}</text>`);
    out.push(`<text x="${g.bX}" y="${head + 10}" class="label name">${escapeXml(o.compare.b.id)}</text>`);
  }
  for (const p of prims) out.push(primSvg(p));
  kinds.forEach((k, i) => {
    const x = 12 + (i % 6) * Math.floor((width - 24) / 6), y = legendY + Math.floor(i / 6) * 18;
    out.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" class="region k-${escapeXml(k)}"/><text x="${x + 17}" y="${y}">${escapeXml(k)}</text>`);
  });
  summary.forEach((s, i) => out.push(`<text x="12" y="${summaryY + i * 16}" class="summary">${escapeXml(s)}</text>`));
  out.push('</svg>');
  return out.join('\n') + '\n';
}
