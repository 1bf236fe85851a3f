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

export function statusItem(layout: Layout, fallbackReason?: string, inferred?: { reason: string; folder: string }): StatusItem {
  const why = inferred ? `\n\nInferred from the workspace folder *${inferred.folder}*: ${inferred.reason}. Choose a layout to override it.` : '';
  return {
    text: `${fallbackReason ? '$(warning)' : '$(layers)'} ${layout.id}${inferred ? ' (inferred)' : ''}`,
    tooltip: `**Paging Layout**: ${layout.title}\n\n${modeOf(layout).title}` + why + (fallbackReason ? `\n\n$(warning) ${fallbackReason}` : '') + '\n\nClick to choose another layout.',
    accessibilityLabel: `Paging layout ${layout.id}${inferred ? `, inferred: ${inferred.reason}` : ''}. Choose another layout.`,
    warning: !!fallbackReason,
  };
}
