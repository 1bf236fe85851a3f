// The whole-tree check's gate on a C file's bytes: GATE_C of values.ts (the hex and decimal literals of
// at least 2^32 and 10 digits, the definitions of address names) and the binary-file test of
// looksBinary, answered by gateScan.wat before any string is made of the file. Most files of a kernel
// tree stop here, so neither their text nor its garbage is ever made.
import { GATE_SCAN_WASM } from './gateScanWasm';
import { instantiateWasm } from '../source';

/** The largest file read into the module's memory; larger files take the string gates. */
export const BYTE_GATE_MAX = 4 << 20;

/** The zero bytes after the input (the module's searches look up to 22 bytes past its end). */
const PAD = 32;

/** At most this many literal lines are listed (a file with more has its lines found by the regular expression). */
const LITERALS_MAX = 1 << 16;

interface Exports {
  values(input: number, length: number): number;
  words(input: number, length: number): number;
  control(input: number, length: number): number;
  literals(input: number, length: number, out: number, max: number): number;
}

export class ByteGate {
  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly at: number,
    private readonly run: Exports,
  ) {}

  /** The gate, or undefined where WebAssembly with SIMD is not available (the string gates do the work). */
  static create(): ByteGate | undefined {
    try {
      const ex = instantiateWasm(GATE_SCAN_WASM) as unknown as Exports & { memory: WebAssembly.Memory; input: WebAssembly.Global };
      return new ByteGate(ex.memory, ex.input.value as number, ex);
    } catch {
      return undefined;
    }
  }

  /** How many bytes the memory holds without growing (`input()` gives at most BYTE_GATE_MAX of them). */
  get capacity(): number { return this.memory.buffer.byteLength - this.at - PAD; }

  /**
   * Where to read a file of up to `size` bytes (at most BYTE_GATE_MAX): a view of the module's memory,
   * valid until the next call (growing keeps the bytes already read).
   */
  input(size = Math.min(this.capacity, BYTE_GATE_MAX)): Uint8Array {
    if (size > BYTE_GATE_MAX) throw new RangeError(`the byte gate holds at most ${BYTE_GATE_MAX} bytes`);
    const need = this.at + size + PAD;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
    return new Uint8Array(this.memory.buffer, this.at, size);
  }

  /** The input is the first `n` bytes read into `input()`'s view: the zero bytes after them are written. */
  ends(n: number): this {
    new Uint8Array(this.memory.buffer, this.at + n, PAD).fill(0);
    return this;
  }

  /** Whether the input may have a finding of the rules (GATE_C's answer). `n`: as given to `ends`. */
  values(n: number): boolean {
    return this.run.values(this.at, n) !== 0;
  }

  /** Whether the input has an assertion's word (mayHaveAssertions' answer). */
  words(n: number): boolean {
    return this.run.words(this.at, n) !== 0;
  }

  /**
   * The offsets of the literals a rule can read (one a line: the first), as literalLineStartsOf takes
   * them; undefined for a file of more such lines than LITERALS_MAX. Growing the memory for the list
   * detaches the views `input()` gave.
   */
  literals(n: number): Int32Array | undefined {
    const out = (this.at + n + PAD + 3) & ~3;
    const need = out + 4 * LITERALS_MAX;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
    const count = this.run.literals(this.at, n, out, LITERALS_MAX);
    return count < 0 ? undefined : new Int32Array(this.memory.buffer, out, count).slice();
  }

  /** looksBinary of the first `n` bytes of the input (of its first 8 KB). */
  binary(n: number): boolean {
    const m = Math.min(n, 8192);
    const control = this.run.control(this.at, m);
    return control < 0 || (m > 0 && control / m > 0.3);
  }
}
