// Which documents the editor features apply to (C, C++, assembly, linker scripts), and which of
// them they leave alone: too large to analyse without stalling typing, or binary.
import * as vscode from 'vscode';
import { skipReason } from '../engine/source';
import { Configuration } from './configuration';

export const LANGUAGE_IDS = [
  'c', 'cpp', 'asm', 'gas', 'nasm', 'masm', 'arm', 'arm64', 'aarch64', 'riscv', 'asm-intel-x86-generic', 'asm-collection',
  'x86', 'x86_64', 'linkerscript', 'ld', 'lds',
];

export const FILE_PATTERN = '**/*.{h,c,hh,hpp,cc,cpp,cxx,S,s,asm,inc,ld,lds,lds.S,x}';

/** Folders no workspace-wide search looks into. */
export const EXCLUDED_FOLDERS = '**/{node_modules,.git,out,dist}/**';

export const DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  ...LANGUAGE_IDS.map((language) => ({ language })),
  { pattern: FILE_PATTERN },
];

export class DocumentLimits {
  /** Documents the user has been told about (once each). */
  private readonly reported = new Set<string>();

  constructor(private readonly config: Configuration) {}

  /** Largest document analysed, from `pagingLayout.maxFileSizeMB`. */
  maxFileBytes(): number { return this.config.maxFileBytes(); }

  /** Whether the editor features apply to a document (by language id or file name). */
  applies(doc: vscode.TextDocument): boolean {
    return vscode.languages.match(DOCUMENT_SELECTOR, doc) > 0;
  }

  /**
   * Why a document is not analysed (and tell the user once per document), or undefined.
   * Cheap: the length comes from the last line's offset; only the first lines are looked at for binary content.
   */
  skipReason(doc: vscode.TextDocument): string | undefined {
    const last = doc.lineAt(doc.lineCount - 1);
    const length = doc.offsetAt(last.range.end);
    const head = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount - 1, 400), 0)).slice(0, 8192) || last.text.slice(0, 8192);
    const reason = skipReason(length, head, this.maxFileBytes());
    const key = doc.uri.toString();
    if (reason && !this.reported.has(key)) {
      this.reported.add(key);
      vscode.window.setStatusBarMessage(`$(info) Paging Layout ${reason}: ${vscode.workspace.asRelativePath(doc.uri)}`, 15_000);
    }
    return reason;
  }

  /** Why a file on disk is not analysed (its size and first bytes), or undefined. */
  fileSkipReason(size: number, head: Uint8Array): string | undefined {
    return skipReason(size, head, this.maxFileBytes());
  }

  /** Forget a closed document (it is reported again when reopened too large). */
  forget(uri: vscode.Uri): void {
    this.reported.delete(uri.toString());
  }
}
