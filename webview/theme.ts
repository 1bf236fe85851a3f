// Colours from the VS Code theme: one class per region kind for the live map, and the resolved
// palette written into an exported SVG (which has no theme variables to read).
import { DEFAULT_PALETTE, KIND_COLOR_VARS, Palette } from '../src/engine/map/model';

/** Adds the `.k-<kind>` classes, each taking its colour from the theme's --vscode-* variable. */
export function adoptKindColours(): void {
  const sheet = new CSSStyleSheet();
  const rules = Object.entries(KIND_COLOR_VARS).map(([k, v]) =>
    `.k-${k}{--kind-color:var(${v}, ${DEFAULT_PALETTE.kinds[k] ?? '#888'})}`).join('\n');
  sheet.replaceSync(rules);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/** The theme's colours now, with the defaults for those it does not set. */
export function resolvePalette(): Palette {
  const cs = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const kinds: Record<string, string> = {};
  for (const [k, name] of Object.entries(KIND_COLOR_VARS)) kinds[k] = v(name, DEFAULT_PALETTE.kinds[k] ?? '#888888');
  return {
    background: v('--vscode-editor-background', DEFAULT_PALETTE.background),
    foreground: v('--vscode-editor-foreground', DEFAULT_PALETTE.foreground),
    muted: v('--vscode-descriptionForeground', DEFAULT_PALETTE.muted),
    border: v('--vscode-panel-border', DEFAULT_PALETTE.border),
    error: v('--vscode-editorError-foreground', DEFAULT_PALETTE.error),
    warning: v('--vscode-editorWarning-foreground', DEFAULT_PALETTE.warning),
    info: v('--vscode-editorInfo-foreground', DEFAULT_PALETTE.info),
    accent: v('--vscode-focusBorder', DEFAULT_PALETTE.accent),
    kinds,
  };
}
