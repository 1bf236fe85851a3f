// Map: the address-map model, memory-map importers and the workspace-derived layout.
export * from './model';
export * from './importers';
export * from './workspaceLayout';
