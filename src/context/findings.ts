// The findings behind the diagnostics of each document: the diagnostics feature stores them, the
// code actions read a finding's fixes back (VS Code hands a provider copies of the diagnostics).
import * as vscode from 'vscode';
import { Finding, SrcRange } from '../engine/rules';

/** `source` of every diagnostic the rules produce. */
export const DIAGNOSTIC_SOURCE = 'paging-layout';

export function toRange(r: SrcRange): vscode.Range {
  return new vscode.Range(r.line, r.character, r.endLine, r.endCharacter);
}

/** The code of a diagnostic as a string (`PL001`), whether it carries a link or not. */
export function diagnosticCode(d: vscode.Diagnostic): string | undefined {
  const c = typeof d.code === 'object' ? d.code.value : d.code;
  return c === undefined ? undefined : String(c);
}

export class FindingStore {
  private readonly byUri = new Map<string, Finding[]>();

  set(uri: vscode.Uri, findings: Finding[]): void { this.byUri.set(uri.toString(), findings); }
  delete(uri: vscode.Uri): void { this.byUri.delete(uri.toString()); }
  get(uri: vscode.Uri): readonly Finding[] { return this.byUri.get(uri.toString()) ?? []; }

  /** The finding behind a diagnostic of ours (matched by code and range). */
  findingFor(uri: vscode.Uri, d: vscode.Diagnostic): Finding | undefined {
    if (d.source !== DIAGNOSTIC_SOURCE) return undefined;
    const code = diagnosticCode(d);
    return this.byUri.get(uri.toString())?.find((f) => f.code === code && toRange(f.range).isEqual(d.range));
  }

  clear(): void { this.byUri.clear(); }
}
