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

export function statusItem(layout: Layout, fallbackReason?: string): StatusItem {
  return {
    text: `${fallbackReason ? '$(warning)' : '$(layers)'} ${layout.id}`,
    tooltip: `**Paging Layout**: ${layout.title}\n\n${modeOf(layout).title}` + (fallbackReason ? `\n\n$(warning) ${fallbackReason}` : '') + '\n\nClick to choose another layout.',
    accessibilityLabel: `Paging layout ${layout.id}. Choose another layout.`,
    warning: !!fallbackReason,
  };
}
