// Source: the scanner, literals, macros and their evaluation, directives, preprocessing, the
// incremental document, the one analysis of a file that every consumer reads, and the workspace index.
export * from './limits';
export * from './scanner';
export * from './literals';
export * from './macros';
export * from './builtins';
export * from './evaluate';
export * from './derive';
export * from './enums';
export * from './kconfig';
export * from './compileFlags';
export * from './kbuild';
export * from './wordBloom';
export * from './directives';
export * from './records';
export * from './preprocessor';
export * from './patch';
export * from './lines';
export * from './document';
export * from './analysis';
export * from './assertions';
export * from './workspaceIndex';
export * from './wasm';
