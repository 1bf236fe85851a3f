// The map webview's state: what is shown (one layout or a comparison, the active file's markers and
// problems, the imports drawn over the layout and the boots, the zoom window, the selection, the
// editor cursor), how it is kept across reloads
// (setState/getState, and the host's copy for its serializer), and the messages to and from the
// host through the typed protocol of src/shared/protocol.ts. One state object is made per webview
// and handed to every view; besides it, a view keeps only its own DOM and what one gesture needs
// while it lasts (a drag, a pending frame, a refill of the selects).
import type { Layout } from '../src/engine/paging/types';
import { AddrWindow, CompareView, fullWindow, MapView, modeFor } from '../src/engine/map/model';
import {
  big, Correlator, fromWireLayout, hexOf, HostMessage, HostRequest, isMessage, LayoutChoiceItem, MapViewState, PROTOCOL_VERSION,
  WebviewMessage, WebviewQuery, WireBoot, WireImports, WireLiveNote, WireLocation, WireMarker, WireOverlay, WireProblem,
} from '../src/shared/protocol';

/** What `acquireVsCodeApi()` gives a webview. */
export interface VsCodeApi { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void }

export interface Marker { name: string; value: bigint; location: WireLocation }
export interface Problem { code: string; message: string; start: bigint; end: bigint; severity: WireProblem['severity']; location?: WireLocation }
export interface OverlayEntry { name: string; start: bigint; end?: bigint; line: number; type: string; detail?: string }
/** An imported memory map drawn over the layout: entries sorted by start. */
export interface Overlay extends Omit<WireOverlay, 'entries'> { entries: OverlayEntry[] }
/** One mark drawn for an overlay: an entry, or neighbouring entries too close to draw apart. */
export interface OverlayMark { overlay: number; first: number; last: number; start: bigint; end: bigint; y: number; h: number; lane: number }

export interface MapState {
  mode: 'single' | 'compare';
  layout: Layout | undefined;
  /** Where a workspace file defines a region, by region name. */
  locations: Map<string, WireLocation>;
  compare: { a: Layout; b: Layout; lines: string[] } | undefined;
  choices: LayoutChoiceItem[];
  markers: Marker[];
  problems: Problem[];
  fileName: string | undefined;
  /** Zoom window; undefined for the whole space. */
  window: AddrWindow | undefined;
  zoomStack: AddrWindow[];
  /** Selected region, by index into the layout's regions (single mode). */
  selected: number | undefined;
  /** Index of the map item in the Tab order (roving tabindex). */
  focusRow: number;
  cursor: bigint | undefined;
  cursorName: string | undefined;
  /** The view model last drawn. */
  view: MapView | CompareView | undefined;
  /** Imports as overlays of the layout shown, boots, this machine's unread files. */
  overlays: Overlay[];
  boots: WireBoot[];
  live: WireLiveNote[];
  /** Ids of the overlays switched off (kept across reloads). */
  hiddenOverlays: Set<string>;
  /** The overlay marks last drawn (what the pointer and the tooltip look up). */
  overlayMarks: OverlayMark[];
  /** The overlay entry chosen by a click, with the region it lies in. */
  entry: { overlay: number; index: number; region: number | undefined } | undefined;
}

export function createState(): MapState {
  return {
    mode: 'single',
    layout: undefined,
    locations: new Map(),
    compare: undefined,
    choices: [],
    markers: [],
    problems: [],
    fileName: undefined,
    window: undefined,
    zoomStack: [],
    selected: undefined,
    focusRow: 0,
    cursor: undefined,
    cursorName: undefined,
    view: undefined,
    overlays: [],
    boots: [],
    live: [],
    hiddenOverlays: new Set(),
    overlayMarks: [],
    entry: undefined,
  };
}

/** The whole address space of the layout shown (of the left one while comparing). */
export function bounds(s: MapState): AddrWindow {
  const l = s.mode === 'compare' ? s.compare?.a : s.layout;
  return fullWindow(modeFor(l ?? { mode: 'x86_64-4level' } as Layout));
}

/** What is kept across reloads. */
export function persisted(s: MapState): MapViewState {
  return {
    version: 1,
    layoutId: s.mode === 'compare' ? s.compare?.a.id : s.layout?.id,
    compareWith: s.mode === 'compare' ? s.compare?.b.id : undefined,
    windowStart: s.window ? hexOf(s.window.start) : undefined,
    windowEnd: s.window ? hexOf(s.window.end) : undefined,
    selected: s.selected !== undefined ? s.layout?.regions[s.selected]?.name : undefined,
    hiddenOverlays: s.hiddenOverlays.size ? [...s.hiddenOverlays] : undefined,
  };
}

// ---- messages from the host, applied to the state ---------------------------------------------

type HostMessageOf<T extends HostMessage['type']> = Extract<HostMessage, { type: T }>;
/** The host's messages that change what is shown (responses and requests are answered by the link). */
export type ViewMessage = Exclude<HostMessage, { type: 'response' | 'request' }>;

function toMarkers(list: WireMarker[]): Marker[] {
  return list.flatMap((m) => { const v = big(m.value); return v === undefined ? [] : [{ name: String(m.name), value: v, location: m.location }]; });
}
function toProblems(list: WireProblem[]): Problem[] {
  return list.flatMap((p) => {
    const a = big(p.start), b = big(p.end);
    return a === undefined || b === undefined ? [] : [{ code: String(p.code), message: String(p.message), start: a, end: b, severity: p.severity, location: p.location }];
  });
}

function toOverlays(list: WireOverlay[] | undefined): Overlay[] {
  return (list ?? []).map((o) => ({
    ...o,
    entries: (o.entries ?? []).flatMap((e) => {
      const start = big(e.start), end = e.end === undefined ? undefined : big(e.end);
      if (start === undefined || (e.end !== undefined && (end === undefined || end < start))) return [];
      return [{ name: String(e.name), start, end, line: Number(e.line) | 0, type: String(e.type), detail: e.detail === undefined ? undefined : String(e.detail) }];
    }),
  }));
}

/** The imports, boots and unread files of this machine. */
export function setImports(s: MapState, imports: WireImports | undefined, choices?: LayoutChoiceItem[]): void {
  const prev = s.entry ? s.overlays[s.entry.overlay]?.id : undefined;
  s.overlays = toOverlays(imports?.overlays);
  s.boots = imports?.boots ?? [];
  s.live = imports?.live ?? [];
  if (choices) s.choices = choices;
  if (s.entry && s.overlays[s.entry.overlay]?.id !== prev) s.entry = undefined;
}

function restoreOverlays(s: MapState, st: MapViewState | undefined): void {
  if (Array.isArray(st?.hiddenOverlays)) s.hiddenOverlays = new Set(st!.hiddenOverlays.map(String));
}

function restoreWindow(s: MapState, st: MapViewState | undefined): void {
  const a = big(st?.windowStart), b = big(st?.windowEnd);
  s.window = a !== undefined && b !== undefined && b > a ? { start: a, end: b } : undefined;
}

/** One layout to show; the zoom window and selection of a reload are restored when the layout changes. */
export function showLayout(s: MapState, m: HostMessageOf<'show'>): void {
  const prevId = s.mode === 'single' ? s.layout?.id : undefined;
  s.mode = 'single';
  s.compare = undefined;
  s.layout = fromWireLayout(m.layout);
  s.locations = new Map(m.layout.regions.filter((r) => r.location).map((r) => [r.name, r.location!]));
  s.choices = m.choices;
  s.markers = toMarkers(m.markers);
  s.problems = toProblems(m.problems);
  s.fileName = m.fileName;
  setImports(s, m.imports);
  restoreOverlays(s, m.state);
  if (prevId !== s.layout.id) {
    s.entry = undefined;
    s.zoomStack = [];
    restoreWindow(s, m.state);
    const sel = m.state?.selected;
    const i = sel ? s.layout.regions.findIndex((r) => r.name === sel) : -1;
    s.selected = i >= 0 ? i : undefined;
    s.focusRow = 0;
  }
}

/** Two layouts side by side. */
export function showComparison(s: MapState, m: HostMessageOf<'compare'>): void {
  s.mode = 'compare';
  s.compare = { a: fromWireLayout(m.comparison.a), b: fromWireLayout(m.comparison.b), lines: m.comparison.lines };
  s.layout = s.compare.a;
  s.locations = new Map();
  s.choices = m.choices;
  s.selected = undefined;
  s.entry = undefined;
  s.zoomStack = [];
  setImports(s, m.imports);
  restoreOverlays(s, m.state);
  restoreWindow(s, m.state);
}

/** The active file's constants and problems. */
export function setMarkers(s: MapState, m: HostMessageOf<'markers'>): void {
  s.markers = toMarkers(m.markers);
  s.problems = toProblems(m.problems);
  s.fileName = m.fileName;
}

/** The constant under the editor cursor. */
export function setCursor(s: MapState, m: HostMessageOf<'cursor'>): void {
  s.cursor = big(m.value ?? undefined);
  s.cursorName = m.name;
}

// ---- the link to the host ---------------------------------------------------------------------

export interface HostLink {
  /** Asks the host to do something; settles with its response. */
  request(r: HostRequest): Promise<unknown>;
  /** Keeps the state for a reload and tells the host. */
  save(): void;
  /** Says the webview is ready, with the state kept by the previous instance, if any. */
  ready(): void;
  /** Routes the host's messages: responses settle requests, requests are answered with `answer`, the rest go to `onMessage`. */
  listen(onMessage: (m: ViewMessage) => void, answer: (q: WebviewQuery) => unknown): void;
}

type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export function connect(api: VsCodeApi, s: MapState): HostLink {
  const post = (m: Without<WebviewMessage, 'v'>): void => { api.postMessage({ ...m, v: PROTOCOL_VERSION }); };
  const host = new Correlator<HostRequest>((requestId, request) => post({ type: 'request', requestId, request }), 60_000);
  return {
    request: (r) => host.request(r),
    save() {
      const st = persisted(s);
      api.setState(st);
      post({ type: 'state', state: st });
    },
    ready() {
      const saved = api.getState() as MapViewState | undefined;
      post({ type: 'ready', state: saved && typeof saved === 'object' && saved.version === 1 ? saved : undefined });
    },
    listen(onMessage, answer) {
      window.addEventListener('message', (ev: MessageEvent) => {
        const m = ev.data as unknown;
        if (!isMessage<HostMessage>(m)) return;
        if (m.type === 'response') { host.settle(m.requestId, m.ok, m.body, m.error); return; }
        if (m.type === 'request') {
          try {
            post({ type: 'response', requestId: m.requestId, ok: true, body: answer(m.request) });
          } catch (e) {
            post({ type: 'response', requestId: m.requestId, ok: false, error: (e as Error).message });
          }
          return;
        }
        onMessage(m);
      });
    },
  };
}
