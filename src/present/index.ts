// What the editor features say, as pure functions of the engine's results: hover Markdown, inlay
// hint labels, the status-bar text, the actions on a number, the map's markers and the command
// result documents. No `vscode` import, so a language server for other editors can reuse them.
export * from './markdown';
export * from './hover';
export * from './inlayHints';
export * from './statusBar';
export * from './codeActions';
export * from './map';
export * from './commands';
export * from './assertions';
