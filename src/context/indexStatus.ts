// What the status bar says about the workspace index: building (how far), loaded from storage and
// being compared with the files, ready (hidden unless something was left out), stopped, failed.
// Pure: a state in, texts out (no `vscode` import). The tooltip is plain text: it changes with every
// progress report, and a Markdown tooltip is parsed again by VS Code each time.
import type { IndexState } from './indexClient';

export interface IndexStatusItem {
  /** Undefined: nothing to show. With a `$(icon)` prefix. */
  text?: string;
  /** Plain text. */
  tooltip: string;
  accessibilityLabel: string;
  /** The command a click runs. */
  command?: 'pagingLayout.stopIndexing' | 'pagingLayout.rebuildIndex';
  warning: boolean;
}

/** 24,728: thousands grouped (toLocaleString builds a number format on every call: too slow for a status that changes five times a second). */
const n = (x: number) => String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Millions as `4.7M`, thousands as `12k`. */
function short(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(1)}M`;
  if (x >= 1e4) return `${Math.round(x / 1e3)}k`;
  return n(x);
}

function counts(s: IndexState): string {
  return `${n(s.files)} files, ${n(s.definitions)} definitions`;
}

/** What the status bar says when pagingLayout.workspaceIndex.maxFiles left files out. */
export function cappedText(limit: number): string {
  return `index capped at ${n(limit)} files (pagingLayout.workspaceIndex.maxFiles)`;
}

export function indexStatusItem(s: IndexState): IndexStatusItem {
  const capped = s.cappedAt ? `limited to ${n(s.cappedAt.limit)} of ${n(s.cappedAt.found)} files by the setting pagingLayout.workspaceIndex.maxFiles` : '';
  const skipped = s.skipped ? `${n(s.skipped)} file${s.skipped === 1 ? '' : 's'} skipped (larger than 64 MB, binary or unreadable)` : '';
  const notes = [capped, skipped].filter(Boolean);
  const tail = notes.length ? `\n\n${notes.join('\n\n')}` : '';
  if (!s.enabled) return { tooltip: '', accessibilityLabel: '', warning: false };
  switch (s.phase) {
    case 'loading':
      return { text: '$(sync~spin) #defines: loading', tooltip: 'Paging Layout is loading the saved workspace index.', accessibilityLabel: 'Paging Layout is loading the workspace index', warning: false };
    case 'checking':
      return {
        text: `$(sync~spin) #defines: ${short(s.definitions)} loaded, checking files`,
        tooltip: `Paging Layout: the saved workspace index is in use (${counts(s)}); files changed since it was saved are being read again.`,
        accessibilityLabel: 'Paging Layout workspace index loaded, checking for changed files', warning: false,
      };
    case 'walking':
    case 'indexing': {
      const far = (s.total ? `${n(s.done)}/${n(s.total)} files` : `${n(s.done)} files`) + (s.cappedAt ? ' (capped)' : '');
      const pct = s.total ? ` (${Math.floor((100 * s.done) / Math.max(1, s.total))} %)` : '';
      return {
        text: `$(sync~spin) #defines: ${far}`,
        tooltip: `Paging Layout is indexing the workspace's #defines: ${far}${pct}, ${n(s.definitions)} definitions so far.` +
          ' Hovers and diagnostics use what is indexed already and refresh as it grows.' + tail + '\n\nClick to stop indexing.',
        accessibilityLabel: `Paging Layout indexing, ${far}. Click to stop.`, command: 'pagingLayout.stopIndexing', warning: false,
      };
    }
    case 'cancelled':
      return {
        text: `$(circle-slash) #defines: stopped at ${n(s.files)} files`,
        tooltip: `Paging Layout: indexing was stopped (${counts(s)} indexed${s.total ? ` of ${n(s.total)} files` : ''}); names defined in the other files are not found through the index.\n\nClick to index the workspace again.`,
        accessibilityLabel: 'Paging Layout indexing stopped. Click to index again.', command: 'pagingLayout.rebuildIndex', warning: true,
      };
    case 'failed':
      return {
        text: '$(warning) #defines: index failed',
        tooltip: `Paging Layout: the workspace index failed (${s.message ?? 'unknown error'}); see the Paging Layout output.\n\nClick to index the workspace again.`,
        accessibilityLabel: 'Paging Layout workspace index failed. Click to index again.', command: 'pagingLayout.rebuildIndex', warning: true,
      };
    case 'ready':
      // Nothing to say unless something was left out.
      if (!notes.length) return { tooltip: `Paging Layout workspace index: ${counts(s)}.`, accessibilityLabel: '', warning: false };
      return {
        text: s.cappedAt ? `$(warning) #defines: ${cappedText(s.cappedAt.limit)}` : `$(warning) #defines: ${short(s.files)} files`,
        tooltip: `Paging Layout workspace index: ${counts(s)}.${tail}\n\nClick to index the workspace again.`,
        accessibilityLabel: `Paging Layout workspace index: ${notes.join('; ')}`, command: 'pagingLayout.rebuildIndex', warning: !!capped,
      };
    default:
      return { tooltip: '', accessibilityLabel: '', warning: false };
  }
}

/** The one-off message when a run ends: how much, how fast, from where. */
export function indexReadyMessage(s: IndexState): string {
  const from = s.fromStorage ? `saved index reused, ${n(s.fromStorage.reread)} changed file${s.fromStorage.reread === 1 ? '' : 's'} read again` : `indexed in ${(s.elapsedMs / 1000).toFixed(1)} s`;
  return `$(check) Paging Layout: ${counts(s)} (${from})`;
}
