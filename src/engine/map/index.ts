// Map: the address-map model, memory-map importers, symbols, this boot's values, the live machine and
// the workspace-derived layout.
export * from './model';
export * from './importers';
export * from './symbols';
export * from './boot';
export * from './live';
export * from './workspaceLayout';
export * from './derived';
export * from './docTables';
export * from './docDrift';
