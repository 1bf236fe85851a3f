// Memory-map importers, one module per format; detection and dispatch are in ../importers.ts.
export * from './common';
export * from './ptdump';
export * from './maps';
export * from './iomem';
export * from './vmallocinfo';
export * from './kallsyms';
export * from './crash';
export * from './qemu';
export * from './ldmap';
export * from './readelf';
export * from './render';
