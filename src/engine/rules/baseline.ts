// Baselines: adopt the checker on an old tree and see only new findings. A baseline is an earlier
// `paging-layout check --format json` or `--format sarif` output. A finding is already in it when the
// baseline has one in the same file, of the same rule, about the same text (the literal or name the
// finding is on) with the same message: a fingerprint of those, independent of the line, so that a
// finding whose line moved still matches. Duplicates are told apart by their order in the file.

/** What identifies a finding across runs. `file` is as the caller normalises it (relative, `/`-separated). */
export interface FindingKey {
  file: string;
  code: string;
  /** The text the finding is on (`0xffff7fffffff0000UL`, `SCRATCH_VADDR`). */
  subject: string;
  message: string;
}

export interface BaselineEntry {
  file: string;
  code: string;
  message: string;
  subject?: string;
  fingerprint?: string;
  /** 1-based position, when the baseline has it (for SARIF's absent results). */
  line?: number;
  column?: number;
}

export type BaselineState = 'new' | 'unchanged';

/** Key under which SARIF output carries the fingerprint (`partialFingerprints`). */
export const FINGERPRINT_KEY = 'pagingLayout/v1';

/** FNV-1a, 64 bits, over UTF-16 code units: short, stable, no dependency. */
export function fnv64(s: string): string {
  // The 64-bit state as two 32-bit halves (a BigInt step per character made fingerprints the costliest
  // part of a run with 100,000 findings). The prime is 2^40 + 0x1b3: h * prime = h * 0x1b3 + (lo << 40).
  let hi = 0xcbf29ce4, lo = 0x84222325;
  for (let i = 0; i < s.length; i++) {
    lo = (lo ^ s.charCodeAt(i)) >>> 0;
    const l = lo * 0x1b3;
    hi = (hi * 0x1b3 + Math.floor(l / 0x100000000) + ((lo << 8) >>> 0)) >>> 0;
    lo = l >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

const normalise = (s: string) => s.replace(/\s+/g, ' ').trim();

/** A file path as baselines compare it: `/`-separated, without a leading `./`. */
export function baselinePath(file: string): string {
  return file.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
}

/**
 * Fingerprints of findings, in the order given (the order of a check's output): a hash of the rule,
 * the subject text and the message, then `:n` for the n-th finding with the same hash in the same file.
 */
export function fingerprints(keys: readonly FindingKey[]): string[] {
  const seen = new Map<string, number>();
  return keys.map((k) => {
    const h = fnv64(`${k.code}\u0000${normalise(k.subject)}\u0000${normalise(k.message)}`);
    const group = `${baselinePath(k.file)}\u0000${h}`;
    const n = seen.get(group) ?? 0;
    seen.set(group, n + 1);
    return `${h}:${n}`;
  });
}

/** A baseline file that cannot be read as one: one clear sentence. */
export class BaselineError extends Error {}

interface SarifResultLike {
  ruleId?: unknown;
  baselineState?: unknown;
  message?: { text?: unknown };
  locations?: { physicalLocation?: { artifactLocation?: { uri?: unknown }; region?: { startLine?: unknown; startColumn?: unknown } } }[];
  partialFingerprints?: Record<string, unknown>;
  properties?: { subject?: unknown };
  suppressions?: unknown[];
}

interface SarifLike {
  runs?: { results?: SarifResultLike[] }[];
}

/** Read a baseline: a JSON array from `check --format json`, or a SARIF 2.1.0 log from `--format sarif`. */
export function parseBaseline(text: string, source: string): BaselineEntry[] {
  let data: unknown;
  try { data = JSON.parse(text); } catch (e) {
    throw new BaselineError(`${source}: not a JSON or SARIF output of paging-layout check (${(e as Error).message})`);
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  if (Array.isArray(data)) {
    return data.map((x, i) => {
      const o = (x ?? {}) as Record<string, unknown>;
      const file = str(o.file), code = str(o.code), message = str(o.message);
      if (!file || !code || message === undefined) throw new BaselineError(`${source}: entry ${i + 1} has no file, code or message (is it a paging-layout check --format json output?)`);
      return { file: baselinePath(file), code, message, subject: str(o.subject), fingerprint: str(o.fingerprint), line: num(o.line), column: num(o.column) };
    });
  }
  const sarif = data as SarifLike;
  if (data && typeof data === 'object' && Array.isArray(sarif.runs)) {
    const out: BaselineEntry[] = [];
    for (const run of sarif.runs) {
      for (const [i, x] of (run.results ?? []).entries()) {
        const r: SarifResultLike = x ?? {};
        // Results a baseline reports as gone, and suppressed ones, are not among its findings.
        if (r.baselineState === 'absent' || (Array.isArray(r.suppressions) && r.suppressions.length > 0)) continue;
        const loc = r.locations?.[0]?.physicalLocation;
        const uri = str(loc?.artifactLocation?.uri);
        const code = str(r.ruleId), message = str(r.message?.text);
        if (!uri || !code || message === undefined) throw new BaselineError(`${source}: result ${i + 1} has no ruleId, message or location (is it a paging-layout check --format sarif output?)`);
        let file = uri.replace(/^file:\/\//, '');
        try { file = decodeURIComponent(file); } catch { /* kept as written */ }
        out.push({ file: baselinePath(file), code, message, subject: str(r.properties?.subject), fingerprint: str(r.partialFingerprints?.[FINGERPRINT_KEY]), line: num(loc?.region?.startLine), column: num(loc?.region?.startColumn) });
      }
    }
    return out;
  }
  throw new BaselineError(`${source}: neither a JSON array nor a SARIF log (expected the output of paging-layout check --format json or sarif)`);
}

/**
 * Compare a run's findings (with their fingerprints) with a baseline: each finding is new or
 * unchanged; the baseline's entries that no finding matched are absent. A baseline entry matches one
 * finding at most: by file and fingerprint, or (an entry without a fingerprint, from an older output)
 * by file, rule and message.
 */
export function compareWithBaseline(current: readonly (FindingKey & { fingerprint: string })[], baseline: readonly BaselineEntry[]): { states: BaselineState[]; absent: BaselineEntry[] } {
  const byPrint = new Map<string, BaselineEntry[]>();
  const byText = new Map<string, BaselineEntry[]>();
  const push = (m: Map<string, BaselineEntry[]>, k: string, e: BaselineEntry) => { const a = m.get(k); if (a) a.push(e); else m.set(k, [e]); };
  for (const e of baseline) {
    if (e.fingerprint) push(byPrint, `${baselinePath(e.file)}\u0000${e.fingerprint}`, e);
    else push(byText, `${baselinePath(e.file)}\u0000${e.code}\u0000${normalise(e.message)}`, e);
  }
  const used = new Set<BaselineEntry>();
  const take = (m: Map<string, BaselineEntry[]>, k: string) => {
    const a = m.get(k);
    const e = a?.find((x) => !used.has(x));
    if (e) used.add(e);
    return e;
  };
  const states = current.map((f): BaselineState => {
    const file = baselinePath(f.file);
    return take(byPrint, `${file}\u0000${f.fingerprint}`) || take(byText, `${file}\u0000${f.code}\u0000${normalise(f.message)}`) ? 'unchanged' : 'new';
  });
  return { states, absent: baseline.filter((e) => !used.has(e)) };
}
