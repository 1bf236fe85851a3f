// Markdown text helpers for what the features show (hovers, result documents). Plain strings, so
// that any editor that renders Markdown (VS Code, a language-server client) can show them.

/** Escape the characters Markdown would read as formatting. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|]/g, (c) => '\\' + c);
}

/** A fenced code block (with a fence longer than any run of backticks in the code), on lines of its own. */
export function codeBlock(code: string, language = ''): string {
  let longest = 0;
  for (const m of code.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `\n${fence}${language}\n${code}\n${fence}\n`;
}

/** A `command:` link with JSON arguments, as VS Code's Markdown renders it. */
export function commandLink(title: string, command: string, args: unknown[]): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}
