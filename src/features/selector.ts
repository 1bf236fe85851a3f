// Which documents the editor features apply to: C, C++, assembly and linker scripts.
import * as vscode from 'vscode';

export const LANGUAGE_IDS = [
  'c', 'cpp', 'asm', 'gas', 'nasm', 'masm', 'arm', 'arm64', 'aarch64', 'riscv', 'asm-intel-x86-generic', 'asm-collection',
  'x86', 'x86_64', 'linkerscript', 'ld', 'lds',
];

export const FILE_PATTERN = '**/*.{h,c,hh,hpp,cc,cpp,cxx,S,s,asm,inc,ld,lds,lds.S,x}';

export const DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  ...LANGUAGE_IDS.map((language) => ({ language })),
  { pattern: FILE_PATTERN },
];

/** Language family of a document, for the scanner. */
export function familyOf(doc: vscode.TextDocument): 'c' | 'gas' | 'nasm' | 'ld' {
  const name = doc.fileName.toLowerCase();
  if (doc.languageId === 'linkerscript' || /\.(ld|lds|lds\.s|x)$/.test(name)) return 'ld';
  if (doc.languageId === 'nasm' || doc.languageId === 'asm-intel-x86-generic' || /\.(asm|inc)$/.test(name)) return 'nasm';
  if (/\.s$/.test(name) || ['asm', 'gas', 'arm', 'arm64', 'aarch64', 'riscv', 'x86', 'x86_64', 'asm-collection'].includes(doc.languageId)) return 'gas';
  return 'c';
}
