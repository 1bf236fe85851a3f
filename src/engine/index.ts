// The engine's public surface: everything the CLI and the extension use.
export * from './types';
export * from './numbers';
export * from './modes';
export * from './layouts';
export * from './decode';
export * from './calc';
export * from './diff';
export * from './render';
