// The byte gate (gateScan.wat) against the string gates it stands in for: GATE_C (mayHaveFindings of
// a C file under a 64-bit layout), the assertion words (mayHaveAssertions) and looksBinary. The same
// answers on generated texts made of the pieces the gates look for, on the project's own files, at the
// edges of the input, and through FileReader on real files (in the module's memory, in line-aligned
// pieces of a file larger than it, and a line longer than it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { ByteGate, BYTE_GATE_MAX, DEFINE_LINE_G, fieldDefineLines, mayHaveFindings } from '../../src/engine/rules';
import { literalLineStarts, literalLineStartsOf, looksBinary, mayHaveAssertions } from '../../src/engine/source';
import { FileReader } from '../../src/cli/check';

const gate = ByteGate.create();

function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

interface Answers { values: boolean; words: boolean; binary: boolean; literalLines: number[] }

/** The byte gate's answers for `bytes`, and the literal lines from its literals. */
function byteAnswers(bytes: Uint8Array): Answers {
  gate!.input(bytes.length).set(bytes);
  gate!.ends(bytes.length);
  const a = { values: gate!.values(bytes.length), words: gate!.words(bytes.length), binary: gate!.binary(bytes.length) };
  const literals = gate!.literals(bytes.length);
  assert.ok(literals, 'more literal lines than the list holds');
  return { ...a, literalLines: literalLineStartsOf(Buffer.from(bytes).toString('latin1'), literals) };
}

/** The string gates' answers for the same bytes, read as a C file's text is (latin1), and its literal lines. */
function stringAnswers(bytes: Uint8Array): Answers {
  const text = Buffer.from(bytes).toString('latin1');
  return { values: mayHaveFindings(text, 'c', 64), words: mayHaveAssertions(text), binary: looksBinary(bytes), literalLines: literalLineStarts(text, 'c') };
}

function same(bytes: Uint8Array, what: string): void {
  assert.deepEqual(byteAnswers(bytes), stringAnswers(bytes), `${what}: ${JSON.stringify(Buffer.from(bytes.subarray(0, 200)).toString('latin1'))}`);
}

test('the byte gate is available here (WebAssembly with SIMD)', () => {
  assert.ok(gate, 'ByteGate.create() gave undefined: the whole-tree check would run on its string gates only');
  assert.ok(gate!.capacity > 0);
});

// The pieces the gates look for, and their near misses.
const PIECES = [
  '0x', '0X', '0', '00', '1', '9', '12345', '0000', 'a', 'F', 'f', 'g', 'x', '_', "'", '.', ' ', '\t', '\n', '\r', '\f', '\x01', '\x00', '\xe9', '\xff',
  '#', 'define', '#define ', '# define\t', '#  define  ', 'START', 'END', 'BASE', 'BEGIN', 'ADDR', 'LIMIT', 'TOP', 'OFFSET', 'PHYS', 'TASK_SIZE',
  'VADDR', 'KERNEL', 'MAP', '_MASK', '_SHIFT', '_SMASK', '_MSK', 'mm', 'ix', 'reg', 'cfg', 'smn', 'MM', 'A', 'Z', 'PAGE_', 'X_', 'b',
  'BUILD_BUG_ON', 'BUILD_BUG', 'BUILD_', 'static_assert', 'static_', 'assert', '_Static_assert', 'ffffffff', 'ffff8880', '4294967296', '999999999',
  // pointer casts before a `0x`, continued lines
  '*', ')', '(void *)', '* )', '*)\n', '\xa0', '\v', '\\\n', '\\\r\n',
];

test('values, words, binary and the literal lines: the byte gate answers as the string gates on generated texts', { timeout: 120_000 }, () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }), (parts) => {
    same(bytesOf(parts.join('')), 'generated');
  }), { numRuns: 20_000, seed: 0x6a7e });
});

test('each gate\'s pattern at the start, the end and across the 16-byte blocks of the input', () => {
  const cases = [
    '0x100000000', '0x0000000100000000', '0x00ffffffff', '0xffffffff', "0x1'0000'0000", '0x1_0000_0000', '1234567890', '123456789', 'a1234567890', '.1234567890', '01234567890',
    '#define VMALLOC_START 1', '#define mmVMALLOC_START 1', '#define mmvmalloc_START 1', '#define X_START_MASK 1', '#define X_START_MASKED 1', '#define X_START__SHIFT 1',
    '#define\tTASK_SIZE', '#defineX_START', '# define X_END', 'define X_END', '#define _MAP', 'BUILD_BUG_ON(1)', 'static_assert(1)', 'BUILD_BUG_O', 'static_asser',
    '(void *)0x1000', '(void *) \t0xa', '*\n)\n0x1', '(long)0x1000', '*)0', 'x = 0x1;\n#define B \\\n 0x100000000', '1234567890 \\\n 0x100000000\n0x200000000',
  ];
  for (const c of cases) {
    for (let lead = 0; lead < 34; lead++) {
      for (const trail of ['', '\n', ' x', 'UL;\n', '0', 'f']) same(bytesOf(' '.repeat(lead) + c + trail), `${lead} + ${c}`);
    }
  }
  // Control characters and NUL, within and past the first 8 KB that looksBinary reads.
  same(new Uint8Array(0), 'empty');
  same(bytesOf('\x00'), 'a NUL');
  same(bytesOf('a'.repeat(8191) + '\x00'), 'a NUL at 8191');
  same(bytesOf('a'.repeat(8192) + '\x00'), 'a NUL at 8192');
  same(bytesOf('\x01'.repeat(3) + 'a'.repeat(7)), 'three tenths control');
  same(bytesOf('\x01'.repeat(4) + 'a'.repeat(6)), 'four tenths control');
  same(bytesOf('\x01'.repeat(3000) + 'a'.repeat(8000)), 'control in the first 8 KB');
});

test('the byte gate answers as the string gates on every source file of the project', () => {
  const root = path.resolve(__dirname, '../../..');
  let files = 0;
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'out' || e.name === 'dist') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.statSync(p).size <= BYTE_GATE_MAX) { same(new Uint8Array(fs.readFileSync(p)), p); files++; }
    }
  };
  for (const d of ['examples', 'test', 'src', 'layouts', 'docs']) walk(path.join(root, d));
  assert.ok(files > 200, `${files} files`);
});

test('FileReader: the byte gate through real files, in the module\'s memory and in pieces of larger files', { timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-gate-'));
  try {
    const filler = (bytes: number) => {
      const line = 'static int unrelated_value_of_a_driver = 12; /* nothing here */\n';
      return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes - (bytes % line.length));
    };
    const files: Record<string, string> = {
      'none.c': filler(10_000),
      'value.c': filler(10_000) + '#define X 0xffff888000000000UL\n',
      'value-at-end.c': filler(10_000) + 'unsigned long x = 0x100000000',
      'words.c': filler(5_000) + 'BUILD_BUG_ON(sizeof(int) != 4);\n',
      'both.c': '#define KERNEL_IMAGE_START 0\nstatic_assert(1);\n',
      'grows.c': filler(3 << 20) + '#define HIGH_START 0x0\n',
      // Larger than the module's memory: its line-aligned pieces; the value in the last one.
      'large.c': filler(BYTE_GATE_MAX + 300_000) + 'x = 4294967296;\n',
      'large-none.c': filler(BYTE_GATE_MAX + 300_000),
      'large-words.c': filler(BYTE_GATE_MAX + 300_000) + 'static_assert(x);\n',
      // One line longer than the module's memory: the string gate decides.
      'long-line.c': filler(1000) + 'int t[] = {' + '1, '.repeat((BYTE_GATE_MAX + 1000) / 3) + '0x100000000 };\n',
      'binary.c': filler(100) + '\x00' + filler(100),
      'control.c': '\x01\x02\x03'.repeat(1000),
      'empty.c': '',
    };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytesOf(text));
    const reader = new FileReader(64 << 20);
    let pieces = 0;
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(dir, name);
      const stringSide = stringAnswers(bytesOf(text));
      let got: string | Error;
      try { got = reader.read(file, (t) => mayHaveFindings(t, 'c', 64), { words: true }); } catch (e) { got = e as Error; }
      if (stringSide.binary) {
        assert.ok(got instanceof Error && /binary/.test(got.message), `${name}: ${String(got)}`);
        continue;
      }
      assert.equal(typeof got, 'string', `${name}: ${String(got)}`);
      const g = reader.gated;
      if (name === 'long-line.c') {
        // The string gate's answer: the text when it may have a value.
        assert.equal(g, undefined, name);
        assert.equal(got, stringSide.values ? text : '', name);
        continue;
      }
      assert.ok(g, `${name}: decided by the byte gate`);
      const { literals, ...answers } = g;
      assert.deepEqual(answers, { values: stringSide.values, words: stringSide.words }, name);
      // The literal lines of a file let in, from its bytes in the module's memory (not for the pieces of a larger file).
      if (text.length <= BYTE_GATE_MAX && (g.values || g.words)) assert.deepEqual(literalLineStartsOf(got as string, literals!), stringSide.literalLines, `${name}: literal lines`);
      else assert.equal(literals, undefined, name);
      assert.equal(got, stringSide.values || stringSide.words ? text : '', `${name}: the whole text when a gate lets it in`);
      if (text.length > BYTE_GATE_MAX) pieces++;
    }
    assert.equal(pieces, 3);
    // The answers above are not all one way.
    assert.deepEqual(Object.keys(files).filter((n) => { const s = stringAnswers(bytesOf(files[n])); return s.values || s.words; }).sort(),
      ['both.c', 'grows.c', 'large-words.c', 'large.c', 'long-line.c', 'value-at-end.c', 'value.c', 'words.c']);
    // Without the assertions' words asked, a file with only words stops at the gate.
    assert.equal(reader.read(path.join(dir, 'words.c'), undefined, { words: false }), '');
    assert.deepEqual(reader.gated, { values: false, words: false });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** fieldDefineLines as DEFINE_LINE_G states it: the names of the `#define` lines, by the number of line feeds before each. */
function definesByPattern(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const g = new RegExp(DEFINE_LINE_G.source, 'gm');
  for (let m = g.exec(text); m; m = g.exec(text)) {
    const line = text.slice(0, m.index).split('\n').length - 1;
    out.set(line, [...(out.get(line) ?? []), m[1]]);
  }
  return out;
}
/** Both, for the names of register fields only (what fieldDefineLines keeps), as comparable lists. */
const FIELD_NAME = /_(?:SHIFT|MASK|SMASK|MSK|BITS?|LSB|MSB|WIDTH)$/;
function fieldLinesOf(text: string): { byHand: number[]; byPattern: number[] } {
  const byHand = [...fieldDefineLines(text)].flatMap(([line, heads]) => heads.map(() => line));
  const byPattern = [...definesByPattern(text)].flatMap(([line, names]) => names.filter((n) => FIELD_NAME.test(n)).map(() => line));
  return { byHand, byPattern };
}

test('fieldDefineLines finds the register-field definitions DEFINE_LINE_G finds, on the lines it finds them', () => {
  const pieces = ['#', '# ', '#\t', 'define', 'define ', '#define ', '  #  define\t', ' ', '\t', '\n', '\r', '\r\n', '\u2028', 'x', 'A_MASK', 'B_SHIFT', 'C_LSB', 'X_WIDTH', '_', '1', '/* # */', '\\\n'];
  let seen = 0;
  fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
    const t = parts.join('');
    const { byHand, byPattern } = fieldLinesOf(t);
    seen += byPattern.length;
    assert.deepEqual(byHand, byPattern, JSON.stringify(t));
  }), { numRuns: 5_000, seed: 0xf1e1d });
  assert.ok(seen > 100, `${seen} field definitions in the generated texts`);
  const sample = '#define REG_A_MASK 0x3\n  #  define REG_A_SHIFT 4\nint x; #define NOT_ONE_MASK 1\n#define\tREG_B_LSB 0\r\n#define REG_C_MSK 7\n';
  assert.deepEqual(fieldLinesOf(sample).byHand, [0, 1, 3, 4]);
});
