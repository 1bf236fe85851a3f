// Rules: the diagnostics, the values they read, address-likeness and literal conversions.
export * from './types';
export * from './addressLike';
export * from './values';
export * from './rules';
export * from './convert';
export * from './suppress';
export * from './baseline';
export * from './check';
export * from './assertions';
export * from './gateScan';
