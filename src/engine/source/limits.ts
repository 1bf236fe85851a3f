// Where analysis gives up: files too large to analyse without freezing an editor, and binary files.

/** Default largest file (bytes) that hovers, inlay hints and diagnostics analyse in the editor. */
export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Default largest file the CLI `check` reads. */
export const DEFAULT_CLI_MAX_FILE_BYTES = 32 * 1024 * 1024;

function mb(bytes: number): string {
  const v = bytes / (1024 * 1024);
  return `${v >= 10 ? Math.round(v) : Math.round(v * 10) / 10} MB`;
}

/** "skipped: file too large (N MB > limit MB)" or undefined when the size is within the limit. */
export function tooLargeReason(bytes: number, limit: number): string | undefined {
  return bytes > limit ? `skipped: file too large (${mb(bytes)} > ${mb(limit)})` : undefined;
}

/**
 * Whether content looks binary: a NUL character in the first 8 KiB (the rule git and most editors
 * use), or mostly control characters. Works on a decoded string or raw bytes.
 */
export function looksBinary(content: string | Uint8Array): boolean {
  const n = Math.min(content.length, 8192);
  let control = 0;
  // One loop per kind of content (a whole-tree check asks this of every file's bytes).
  if (typeof content === 'string') {
    for (let i = 0; i < n; i++) {
      const c = content.charCodeAt(i);
      if (c < 32) { if (c === 0) return true; if (c !== 9 && c !== 10 && c !== 13 && c !== 12) control++; }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const c = content[i];
      if (c < 32) { if (c === 0) return true; if (c !== 9 && c !== 10 && c !== 13 && c !== 12) control++; }
    }
  }
  return n > 0 && control / n > 0.3;
}

/** Why a file is not analysed, or undefined when it is. */
export function skipReason(bytes: number, head: string | Uint8Array, limit: number): string | undefined {
  return tooLargeReason(bytes, limit) ?? (looksBinary(head) ? 'skipped: binary file' : undefined);
}
