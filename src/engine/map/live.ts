// The machine the editor (or the CLI) runs on: its /proc and debugfs memory maps, read through a callback
// so that this stays pure (the extension passes a file-system reader, tests pass fixtures). For every
// file the report says plainly whether it was read, and when not, why: not root, debugfs not mounted,
// no page-table dump in this kernel, addresses hidden by kptr_restrict.
import type { Layout } from '../paging/types';
import { BootValues, deriveBootValues } from './boot';
import { FORMAT_TITLES, ImportFormat, ImportResult } from './imports/common';
import { importMemoryMap } from './importers';

/** What a read gave: the text, or the error code of the failed read (ENOENT, EACCES, EPERM, ...). */
export type LiveFile = { text: string } | { error: string; message?: string };
export type LiveReader = (path: string) => LiveFile | Promise<LiveFile>;

export interface LiveSource {
  path: string;
  format: ImportFormat;
  /** read: usable; hidden: read, but the kernel hid the addresses; unreadable: the read failed; empty: nothing in it. */
  status: 'read' | 'hidden' | 'unreadable' | 'empty';
  /** One sentence for people. */
  reason: string;
  result?: ImportResult;
  /** The error code of a failed read. */
  code?: string;
}

export interface LiveReport {
  sources: LiveSource[];
  /** Settings read to explain the others: kptr_restrict, perf_event_paranoid, the effective uid, debugfs mounted. */
  context: { kptrRestrict?: number; perfEventParanoid?: number; uid?: number; debugfsMounted?: boolean };
  boot: BootValues;
}

export interface LiveOptions {
  /** process.arch of the machine ('x64', 'arm64', 'riscv64', ...): which debugfs dump to look for. */
  arch?: string;
  /** The static layout the text slide is measured against (its __START_KERNEL_map). */
  layout?: Layout;
  /** A name for the boot (default: "this machine"). */
  name?: string;
}

const PTDUMP_PATHS: Record<string, string[]> = {
  x64: ['/sys/kernel/debug/page_tables/kernel'],
  ia32: ['/sys/kernel/debug/page_tables/kernel'],
  arm64: ['/sys/kernel/debug/kernel_page_tables'],
  riscv64: ['/sys/kernel/debug/kernel_page_tables'],
};

function isText(f: LiveFile): f is { text: string } {
  return typeof (f as { text?: unknown }).text === 'string';
}

async function readSafe(read: LiveReader, path: string): Promise<LiveFile> {
  try {
    const f = await read(path);
    return f && (isText(f) || typeof (f as { error?: unknown }).error === 'string') ? f : { error: 'EIO', message: 'the reader returned nothing' };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return { error: typeof err?.code === 'string' ? err.code : 'EIO', message: err?.message };
  }
}

function intOf(f: LiveFile): number | undefined {
  if (!isText(f)) return undefined;
  const m = /^\s*(-?\d+)/.exec(f.text);
  return m ? Number(m[1]) : undefined;
}

/** Read the machine's memory maps and say what could not be read and why. Never throws. */
export async function readLiveMachine(read: LiveReader, opts: LiveOptions = {}): Promise<LiveReport> {
  const [kptr, perf, status, mounts] = await Promise.all([
    readSafe(read, '/proc/sys/kernel/kptr_restrict'), readSafe(read, '/proc/sys/kernel/perf_event_paranoid'),
    readSafe(read, '/proc/self/status'), readSafe(read, '/proc/self/mounts'),
  ]);
  const uidLine = isText(status) ? /^Uid:\s+\d+\s+(\d+)/m.exec(status.text) : null;
  const context: LiveReport['context'] = {
    kptrRestrict: intOf(kptr), perfEventParanoid: intOf(perf), uid: uidLine ? Number(uidLine[1]) : undefined,
    debugfsMounted: isText(mounts) ? /^\S+\s+\/sys\/kernel\/debug\s+debugfs\s/m.test(mounts.text) : undefined,
  };
  const notRoot = context.uid !== undefined && context.uid !== 0;
  const kptrText = context.kptrRestrict === undefined ? 'kernel.kptr_restrict' : `kernel.kptr_restrict = ${context.kptrRestrict}`;
  const files: [string, ImportFormat][] = [
    ['/proc/iomem', 'iomem'], ['/proc/self/maps', 'maps'], ['/proc/kallsyms', 'kallsyms'], ['/proc/vmallocinfo', 'vmallocinfo'],
    ...(PTDUMP_PATHS[opts.arch ?? ''] ?? [...new Set(Object.values(PTDUMP_PATHS).flat())]).map((p): [string, ImportFormat] => [p, p.endsWith('kernel_page_tables') ? 'ptdump-arm64' : 'ptdump']),
  ];
  const sources: LiveSource[] = [];
  for (const [path, format] of files) {
    const f = await readSafe(read, path);
    if (!isText(f)) {
      const code = f.error;
      let reason: string;
      const debugfs = path.startsWith('/sys/kernel/debug/');
      if (code === 'EACCES' || code === 'EPERM') {
        reason = debugfs
          ? (notRoot ? `permission denied: debugfs is readable by root only (uid ${context.uid})` : 'permission denied even to root: the kernel restricts debugfs (lockdown, or debugfs mounted with restrictive modes)')
          : (notRoot ? `permission denied: not root (uid ${context.uid})` : `permission denied (${code})`);
      } else if (code === 'ENOENT') {
        if (debugfs) {
          reason = context.debugfsMounted === false ? 'debugfs is not mounted (mount -t debugfs none /sys/kernel/debug, as root)'
            : context.debugfsMounted ? 'debugfs is mounted but has no page-table dump: the kernel is built without CONFIG_PTDUMP_DEBUGFS'
            : 'not there: debugfs is not mounted or the kernel has no page-table dump (CONFIG_PTDUMP_DEBUGFS)';
        } else reason = 'not there: this system has no such file (not Linux, or /proc not mounted)';
      } else reason = `could not be read (${code}${f.message ? `: ${f.message}` : ''})`;
      sources.push({ path, format, status: 'unreadable', reason, code });
      continue;
    }
    const result = importMemoryMap(f.text, { name: path, format });
    const count = result.symbols ? result.symbols.count : result.entries.length;
    let status: LiveSource['status'] = 'read';
    let reason = `read: ${count} ${result.symbols ? 'symbols' : 'entries'}${result.layout ? `, ${result.layout.regions.length} regions` : ''}`;
    if (!f.text.trim()) { status = 'empty'; reason = 'readable but empty'; }
    else if (result.hidden && !result.layout) {
      status = 'hidden';
      if (format === 'kallsyms') {
        reason = `read, but every address is 0: ${kptrText} hides them from this reader${notRoot ? ` (not root, uid ${context.uid})` : ' (no CAP_SYSLOG)'}; ${count} names only`;
      } else if (result.hidden.reason === 'hashed') {
        reason = `read, but the addresses are hashed pointers (%pK with ${kptrText} hashes them for every reader; kptr_restrict = 1 and root show them); ${result.hidden.count} areas counted, none drawn`;
      } else if (format === 'iomem') {
        reason = `read, but every range is 0-0: /proc/iomem shows addresses to root only${notRoot ? ` (uid ${context.uid})` : ''}`;
      } else reason = `read, but the addresses are 0: ${kptrText} hides them from this reader`;
    } else if (result.hidden) reason += `; ${result.hidden.count} records with hidden addresses not drawn`;
    sources.push({ path, format, status, reason, result });
  }
  const usable = sources.filter((s) => s.status === 'read' && s.result).map((s) => s.result!);
  const boot = deriveBootValues(usable, { name: opts.name ?? 'this machine', layout: opts.layout });
  return { sources, context, boot };
}

/** The report as text lines for people. */
export function liveReportMarkdown(r: LiveReport): string {
  const out = ['# This machine', '', '| file | format | status | |', '|---|---|---|---|'];
  for (const s of r.sources) out.push(`| \`${s.path}\` | ${FORMAT_TITLES[s.format].replace(/ \(.*\)$/, '')} | ${s.status} | ${s.reason.replace(/\|/g, '\\|')} |`);
  const c = r.context;
  const facts = [
    c.uid !== undefined ? `uid ${c.uid}` : undefined,
    c.kptrRestrict !== undefined ? `kernel.kptr_restrict = ${c.kptrRestrict}` : undefined,
    c.perfEventParanoid !== undefined ? `kernel.perf_event_paranoid = ${c.perfEventParanoid}` : undefined,
    c.debugfsMounted !== undefined ? `debugfs ${c.debugfsMounted ? 'mounted' : 'not mounted'}` : undefined,
  ].filter(Boolean);
  if (facts.length) out.push('', facts.join(', '));
  return out.join('\n') + '\n';
}

export function liveReportJson(r: LiveReport) {
  return {
    context: r.context,
    sources: r.sources.map((s) => ({
      path: s.path, format: s.format, status: s.status, reason: s.reason, code: s.code ?? null,
      entries: s.result ? (s.result.symbols ? s.result.symbols.count : s.result.entries.length) : 0,
      regions: s.result?.layout?.regions.length ?? 0,
      problems: s.result?.problems.length ?? 0,
    })),
  };
}
