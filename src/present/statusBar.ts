// What the status-bar item says about the active layout.
import { Layout, modeOf } from '../engine/paging';

export interface StatusItem {
  /** With a `$(icon)` prefix. */
  text: string;
  /** Markdown, with theme icons. */
  tooltip: string;
  accessibilityLabel: string;
  warning: boolean;
}

/** What the active editor's file adds: its own layout and why, and its kernel build. */
export interface FileStatus {
  /** Why the file's layout is not the active one (`a file under arch/arm64/ ...`). */
  reason?: string;
  build?: { name: string; configFile: string; how: string; because: string };
  /** Why the configured build directory is not used. */
  buildProblem?: string;
}

/** `pending`: the chosen layout is being derived from the tree's headers (the layout shown stands in until then). */
export function statusItem(layout: Layout, fallbackReason?: string, inferred?: { reason: string; folder: string }, file?: FileStatus, pending?: string): StatusItem {
  const why = inferred && !file?.reason ? `\n\nInferred from the workspace folder *${inferred.folder}*: ${inferred.reason}. Choose a layout to override it.` : '';
  const own = file?.reason ? `\n\nThis file: ${file.reason}.` : '';
  const b = file?.build;
  const build = b ? `\n\nKernel build *${b.name}* (${b.how}); configuration ${b.configFile}; ${b.because}.` : '';
  const problem = file?.buildProblem ? `\n\n$(warning) ${file.buildProblem}` : '';
  const warning = !!fallbackReason || !!file?.buildProblem;
  return {
    text: `${warning ? '$(warning)' : pending ? '$(sync~spin)' : '$(layers)'} ${layout.id}${inferred && !file?.reason ? ' (inferred)' : ''}${b ? ` · ${b.name}` : ''}`,
    tooltip: `**Paging Layout**: ${layout.title}\n\n${modeOf(layout).title}` + own + why + build + problem + (fallbackReason ? `\n\n$(warning) ${fallbackReason}` : '') + (pending ? `\n\n$(sync) ${pending}` : '') + (layout.origin === 'derived' ? derivedNote(layout) : '') + '\n\nClick to choose another layout.',
    accessibilityLabel: `Paging layout ${layout.id}${pending ? `, ${pending}` : ''}${inferred && !file?.reason ? `, inferred: ${inferred.reason}` : ''}${file?.reason ? `, for this file: ${file.reason}` : ''}${b ? `, kernel build ${b.name}` : ''}. Choose another layout.`,
    warning,
  };
}

/** What the tooltip says of a derived layout: regions placed, randomised, not placed. */
function derivedNote(layout: Layout): string {
  const rnd = layout.regions.filter((r) => r.randomised).map((r) => r.name);
  const out = layout.unplaced ?? [];
  return `\n\nDerived from the tree's headers: ${layout.regions.length} regions placed` +
    (rnd.length ? `; randomised at boot (drawn at the boot default): ${rnd.join(', ')}` : '') +
    (out.length ? `; not placed: ${out.map((u) => u.name).join(', ')}` : '') + '.';
}
