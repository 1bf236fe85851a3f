// Paging: modes, layouts, decoding, calculators, layout diffs and their text rendering.
export * from './types';
export * from './numbers';
export * from './modes';
export * from './layouts';
export * from './decode';
export * from './calc';
export * from './diff';
export * from './render';
export * from './treeKind';
export * from './fileLayout';
