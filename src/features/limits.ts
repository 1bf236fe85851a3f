// Documents the editor features leave alone: too large to analyse without stalling typing, or binary.
import * as vscode from 'vscode';
import { DEFAULT_MAX_FILE_BYTES, skipReason } from '../engine/source';

const reported = new Set<string>();

/** Largest document analysed, from `pagingLayout.maxFileSizeMB`. */
export function maxFileBytes(): number {
  const mb = vscode.workspace.getConfiguration('pagingLayout').get<number>('maxFileSizeMB', DEFAULT_MAX_FILE_BYTES / (1024 * 1024));
  return typeof mb === 'number' && Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : DEFAULT_MAX_FILE_BYTES;
}

/**
 * Why a document is not analysed (and tell the user once per document), or undefined.
 * Cheap: the length comes from the last line's offset; only the first lines are looked at for binary content.
 */
export function documentSkipReason(doc: vscode.TextDocument): string | undefined {
  const last = doc.lineAt(doc.lineCount - 1);
  const length = doc.offsetAt(last.range.end);
  const head = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount - 1, 400), 0)).slice(0, 8192) || last.text.slice(0, 8192);
  const reason = skipReason(length, head, maxFileBytes());
  if (reason && !reported.has(doc.uri.toString())) {
    reported.add(doc.uri.toString());
    vscode.window.setStatusBarMessage(`$(info) Paging Layout ${reason}: ${vscode.workspace.asRelativePath(doc.uri)}`, 15_000);
  }
  return reason;
}

export function forgetDocument(uri: vscode.Uri): void {
  reported.delete(uri.toString());
}
