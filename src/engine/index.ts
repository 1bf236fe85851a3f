// The engine's public surface: one folder per concern, each with its own index.
export * from './paging';
