// The project's WebAssembly modules (defineScan.wat, rules/gateScan.wat) are committed as base64 in a
// generated .ts beside each (scripts/build.mjs); one instance of one of them.

/** The exports of a new instance of the module whose bytes `base64` holds; throws where it cannot run (no SIMD). */
export function instantiateWasm(base64: string): WebAssembly.Exports {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
}
