// The one message protocol between the extension host (src/features/mapPanel.ts) and the map
// webview (webview/main.ts). Both compile against this file. Every message is a member of a
// discriminated union on `type`; requests carry a `requestId` that the matching `response` echoes.
// BigInts do not survive postMessage's structured clone in every host, so addresses and sizes cross
// as hex strings ("0xffff880000000000") and are turned back into BigInt with `big()`.

import type { Layout, Region, RegionKind } from '../engine/paging';

/** Bumped when a message changes shape; the webview ignores messages of another version. */
export const PROTOCOL_VERSION = 1;

/** An address or size as a lower-case hex string with a 0x prefix. */
export type Hex = string;

export function hexOf(v: bigint): Hex {
  return (v < 0n ? '-0x' : '0x') + (v < 0n ? -v : v).toString(16);
}

/** Parse a Hex back into a BigInt; undefined for anything that is not one. */
export function big(h: Hex | undefined | null): bigint | undefined {
  if (typeof h !== 'string' || h.length > 20 || h.length < 3) return undefined;
  const neg = h.charCodeAt(0) === 45; // '-'
  const body = neg ? h.slice(1) : h;
  if (body.charCodeAt(0) !== 48 || body.charCodeAt(1) !== 120) return undefined; // '0x'
  try { const v = BigInt(body); return neg ? -v : v; } catch { return undefined; }
}

/** A place in a workspace file, 0-based line and column as VS Code counts them. */
export interface WireLocation {
  uri: string;
  line: number;
  column: number;
}

export interface WireRegion {
  name: string;
  start: Hex;
  /** Inclusive. */
  end: Hex;
  kind: string;
  description: string;
  /** Where the region comes from, as text (preset file, header:line, dump line). */
  source?: string;
  /** Set when a workspace file defines the region: clicking it reveals this place. */
  location?: WireLocation;
  /** The base is chosen at boot (KASLR): drawn at its boot default. */
  randomised?: boolean;
}

/** A region a derived layout could not place, and why. */
export interface WireUnplaced {
  name: string;
  kind: string;
  reason: string;
  start?: Hex;
}

export interface WireSymbol {
  name: string;
  value: Hex;
  description?: string;
}

export interface WireLayout {
  id: string;
  title: string;
  /** PagingMode id (see src/engine/paging/modes.ts). */
  mode: string;
  description: string;
  source: string[];
  regions: WireRegion[];
  symbols: WireSymbol[];
  /** 'builtin', 'workspace', 'import', 'derived', or a file path. */
  origin: string;
  /** A derived layout's regions that are not drawn (a boundary the headers do not give, an overlap). */
  unplaced?: WireUnplaced[];
}

/** A constant of the active editor drawn on the map. */
export interface WireMarker {
  /** The #define's name, or the literal's text when it has no name. */
  name: string;
  value: Hex;
  location: WireLocation;
}

/** A problem drawn on the map over an address range. */
export interface WireProblem {
  code: string;
  message: string;
  start: Hex;
  end: Hex;
  severity: 'error' | 'warning' | 'info';
  location?: WireLocation;
}

/** A boundary of a region that both layouts of a comparison have, drawn as a link between the columns. */
export interface WireLink {
  name: string;
  before: Hex;
  after: Hex;
  moved: boolean;
}

export interface WireComparison {
  a: WireLayout;
  b: WireLayout;
  /** The difference in sentences, one per change (see describeDiff in src/engine/map/model.ts). */
  lines: string[];
  links: WireLink[];
}

export interface LayoutChoiceItem {
  id: string;
  title: string;
  group: 'workspace' | 'import' | 'preset' | 'boot' | 'derived';
}

/** One record of an imported memory map drawn over a layout: exact addresses, its line in the input. */
export interface WireOverlayEntry {
  name: string;
  start: Hex;
  /** Inclusive; absent for a point (a value, a marker, a translation). */
  end?: Hex;
  /** 1-based line of the input (0: derived, e.g. the kernel image's parts of a symbol file). */
  line: number;
  type: string;
  /** The record's fields as the format prints them. */
  detail?: string;
}

/** An imported memory map as an overlay of the layout shown. */
export interface WireOverlay {
  id: string;
  /** The input's file name. */
  title: string;
  format: string;
  /** The detected format, for people ("/proc/kallsyms"). */
  formatTitle: string;
  /** Whether it can be drawn on the layout shown; when not, why. */
  drawable: boolean;
  why?: string;
  /** Sorted by start; at most a few thousand (`total` says how many the import has). */
  entries: WireOverlayEntry[];
  total: number;
  problems: number;
  notes: string[];
  /** Records whose addresses the kernel hid (hashed %p pointers, zeros): counted, never drawn. */
  hidden?: { count: number; reason: 'hashed' | 'zeroed'; firstLine: number; text: string };
  /** Whether the host can open the input at an entry's line. */
  canReveal: boolean;
  /** Read from this machine. */
  live?: boolean;
}

/** A boot derived from imports, as the side pane lists it. */
export interface WireBoot {
  /** Id of this boot's layout. */
  id: string;
  name: string;
  /** The static layout it is applied to (and compared with). */
  staticId: string;
  /** The boot hovers use. */
  current: boolean;
  /** Its layout is the active one of the editor. */
  active: boolean;
  /** Each move: "vmalloc: +0x2c4c0000000 from the static base (… → …)". */
  lines: string[];
  problems: string[];
}

/** A file of this machine that could not be read, and why. */
export interface WireLiveNote {
  path: string;
  status: string;
  reason: string;
}

/** What the map shows besides the layout: the imports as overlays, the boots, this machine's unread files. */
export interface WireImports {
  overlays: WireOverlay[];
  boots: WireBoot[];
  live: WireLiveNote[];
}

/** What the webview keeps with setState and what the serializer gets back after a reload. */
export interface MapViewState {
  version: number;
  /** Id of the layout shown (or the first one of a comparison). */
  layoutId?: string;
  /** Set while comparing. */
  compareWith?: string;
  /** Zoom window, inclusive. Absent: the whole space. */
  windowStart?: Hex;
  windowEnd?: Hex;
  /** Name of the selected region. */
  selected?: string;
  /** Ids of the imports whose overlay is switched off. */
  hiddenOverlays?: string[];
}

// ---- host → webview ---------------------------------------------------------------------------

export type HostMessage =
  | { type: 'show'; v: number; layout: WireLayout; choices: LayoutChoiceItem[]; markers: WireMarker[]; problems: WireProblem[]; fileName?: string; state?: MapViewState; imports?: WireImports }
  | { type: 'compare'; v: number; comparison: WireComparison; choices: LayoutChoiceItem[]; state?: MapViewState; imports?: WireImports }
  /** The imports changed (added, removed, read from this machine) while the same layout is shown. */
  | { type: 'imports'; v: number; imports: WireImports; choices: LayoutChoiceItem[] }
  | { type: 'markers'; v: number; markers: WireMarker[]; problems: WireProblem[]; fileName?: string }
  /** The constant under the editor cursor (null when the cursor is on none). */
  | { type: 'cursor'; v: number; value: Hex | null; name?: string }
  /** Keyboard commands forwarded from VS Code keybindings or tests. */
  | { type: 'command'; v: number; command: 'zoomIn' | 'zoomOut' | 'resetZoom' | 'focusMap' }
  | { type: 'response'; v: number; requestId: number; ok: boolean; body?: unknown; error?: string }
  /** The host asks the webview something (tests, export); the webview answers with a `response`. */
  | { type: 'request'; v: number; requestId: number; request: WebviewQuery };

/** Questions the host may ask the webview. */
export type WebviewQuery =
  | { kind: 'snapshot' }
  | { kind: 'svg' };

/** The answer to { kind: 'snapshot' }: what the webview shows, for tests and export. */
export interface MapSnapshot {
  mode: 'single' | 'compare';
  layoutIds: string[];
  /** Names of the rows drawn (regions, gaps, clusters), top to bottom. */
  rows: string[];
  scale: string;
  selected?: string;
  summary: string[];
  /** Each import: "name: N of M drawn" or "name: not drawn (why)". */
  overlays: string[];
  /** Each boot's layout id. */
  boots: string[];
  /** Regions drawn as randomised at boot (a derived layout's KASLR bases), names. */
  randomised: string[];
  /** The list of regions not placed: "name: reason". */
  unplaced: string[];
  /** The names of the active file's markers the map holds (drawn or not), in value order. */
  markers: string[];
}

// ---- webview → host ---------------------------------------------------------------------------

export type HostRequest =
  | { kind: 'selectLayout'; id: string }
  | { kind: 'compare'; a: string; b: string }
  | { kind: 'reveal'; location: WireLocation }
  | { kind: 'export'; format: 'svg' | 'md'; svg?: string; layoutId: string }
  | { kind: 'import' }
  | { kind: 'copy'; text: string }
  /** Make a layout (a boot's) the active one of the editor: hovers, diagnostics, status bar. */
  | { kind: 'useLayout'; id: string }
  /** Open an imported file at a line. */
  | { kind: 'revealImport'; id: string; line: number }
  | { kind: 'removeImport'; id: string }
  | { kind: 'readThisMachine' };

export type WebviewMessage =
  | { type: 'ready'; v: number; state?: MapViewState }
  | { type: 'request'; v: number; requestId: number; request: HostRequest }
  | { type: 'response'; v: number; requestId: number; ok: boolean; body?: unknown; error?: string }
  /** Sent when the view state changes, so that the host can answer `compareOnMap` and tests. */
  | { type: 'state'; v: number; state: MapViewState };

/** A cheap structural check of anything received from the other side. */
export function isMessage<T extends { type: string; v: number }>(m: unknown): m is T {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string' && (m as { v?: unknown }).v === PROTOCOL_VERSION;
}

/** Correlates requests with responses on one side of the channel. */
export class Correlator<Req, Res = unknown> {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: Res) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();

  constructor(private readonly post: (requestId: number, request: Req) => void, private readonly timeoutMs = 10_000) {}

  request(request: Req): Promise<Res> {
    const requestId = this.next++;
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(requestId); reject(new Error(`no answer to request ${requestId} within ${this.timeoutMs} ms`)); }, this.timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      this.post(requestId, request);
    });
  }

  /** Settle a pending request; false when the id is unknown (late or foreign). */
  settle(requestId: number, ok: boolean, body?: unknown, error?: string): boolean {
    const p = this.pending.get(requestId);
    if (!p) return false;
    this.pending.delete(requestId);
    clearTimeout(p.timer);
    if (ok) p.resolve(body as Res); else p.reject(new Error(error ?? 'request failed'));
    return true;
  }

  dispose(): void {
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(new Error('the map was closed')); }
    this.pending.clear();
  }
}

// ---- conversions ------------------------------------------------------------------------------

export function toWireLayout(l: Layout, locations?: (r: Region) => WireLocation | undefined): WireLayout {
  return {
    id: l.id, title: l.title, mode: l.mode, description: l.description, source: l.source, origin: l.origin,
    regions: l.regions.map((r) => ({
      name: r.name, start: hexOf(r.start), end: hexOf(r.end), kind: r.kind, description: r.description, source: r.source,
      location: locations?.(r),
      ...(r.randomised ? { randomised: true } : {}),
    })),
    ...(l.unplaced ? { unplaced: l.unplaced.map((u) => ({ name: u.name, kind: u.kind, reason: u.reason, ...(u.start !== undefined ? { start: hexOf(u.start) } : {}) })) } : {}),
    symbols: l.symbols.map((s) => ({ name: s.name, value: hexOf(s.value), description: s.description })),
  };
}

/** Back to engine objects; malformed entries are dropped (the other side is trusted, but not blindly). */
export function fromWireLayout(w: WireLayout): Layout {
  const regions: Region[] = [];
  for (const r of w.regions ?? []) {
    const start = big(r.start), end = big(r.end);
    if (start === undefined || end === undefined || end < start) continue;
    regions.push({ name: String(r.name), start, end, kind: String(r.kind) as RegionKind, description: String(r.description ?? ''), source: r.source, ...(r.randomised === true ? { randomised: true } : {}) });
  }
  const unplaced = Array.isArray(w.unplaced) ? w.unplaced.map((u) => ({ name: String(u.name), kind: String(u.kind) as RegionKind, reason: String(u.reason ?? ''), ...(big(u.start) !== undefined ? { start: big(u.start) } : {}) })) : undefined;
  return {
    id: String(w.id), title: String(w.title), mode: String(w.mode), description: String(w.description ?? ''), source: w.source ?? [], notes: [],
    regions, origin: String(w.origin ?? ''), ...(unplaced ? { unplaced } : {}),
    symbols: (w.symbols ?? []).flatMap((s) => { const v = big(s.value); return v === undefined ? [] : [{ name: String(s.name), value: v, description: s.description }]; }),
  };
}
