// The lexer: comments, strings, directives and continuations, per language family.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familyFor, scanLine, scanText, tokenize, LineScanCache, STATE_COMMENT, STATE_CONTINUATION } from '../../src/engine/source/scanner';

const texts = (line: string, fam: Parameters<typeof scanLine>[1] = 'c', state = 0) => scanLine(line, fam, state).tokens.map((t) => t.text);
const kinds = (line: string, fam: Parameters<typeof scanLine>[1] = 'c') => scanLine(line, fam, 0).tokens.map((t) => `${t.kind}:${t.text}`);

test('families from language ids and file names', () => {
  assert.equal(familyFor('c'), 'c');
  assert.equal(familyFor('cpp'), 'c');
  assert.equal(familyFor(undefined, 'page_64_types.h'), 'c');
  assert.equal(familyFor('asm'), 'gas');
  assert.equal(familyFor('gas'), 'gas');
  assert.equal(familyFor('asm-intel-x86-generic'), 'gas');
  assert.equal(familyFor('arm'), 'gas');
  assert.equal(familyFor('nasm'), 'nasm');
  assert.equal(familyFor('linkerscript'), 'ld');
  assert.equal(familyFor(undefined, 'head_64.S'), 'gas');
  assert.equal(familyFor(undefined, 'entry.s'), 'gas');
  assert.equal(familyFor(undefined, 'boot.asm'), 'nasm');
  assert.equal(familyFor(undefined, 'defs.inc'), 'nasm');
  assert.equal(familyFor(undefined, 'kernel.ld'), 'ld');
  assert.equal(familyFor(undefined, 'vmlinux.lds'), 'ld');
  assert.equal(familyFor(undefined, 'vmlinux.lds.S'), 'ld');
  assert.equal(familyFor('plaintext', 'README'), undefined);
});

test('C: comments, strings and char literals hide their contents', () => {
  assert.deepEqual(texts('x = 0x10; /* 0x20 */ y // 0x30'), ['x', '=', '0x10', ';', 'y']);
  assert.deepEqual(kinds('s = "0x40 /* not */"; c = \'x\';'), ['ident:s', 'punct:=', 'string:"0x40 /* not */"', 'punct:;', 'ident:c', 'punct:=', "char:'x'", 'punct:;']);
  assert.deepEqual(texts('"a\\"b" 1'), ['"a\\"b"', '1']);
});

test('C: block comments across lines carry state', () => {
  const lines = scanText('a /* start\n 0x1234 still comment\n end */ b 0x10', 'c');
  assert.deepEqual(lines[0].tokens.map((t) => t.text), ['a']);
  assert.equal(lines[0].endState & STATE_COMMENT, STATE_COMMENT);
  assert.deepEqual(lines[1].tokens, []);
  assert.deepEqual(lines[2].tokens.map((t) => t.text), ['b', '0x10']);
  assert.equal(lines[2].endState, 0);
});

test('C: preprocessor lines, header names and backslash continuations', () => {
  const lines = scanText('#define IA32_PAGE_OFFSET\t((a) ? \\\n\t\t0xc0000000 : 0xFFFFe000)\n#include <asm/page.h>\n  #  ifdef CONFIG_X\nint x;', 'c');
  assert.equal(lines[0].directive, true);
  assert.equal(lines[0].continues, true);
  assert.equal(lines[1].continuation, true);
  assert.deepEqual(lines[1].tokens.map((t) => t.text), ['0xc0000000', ':', '0xFFFFe000', ')']);
  assert.deepEqual(kinds('#include <asm/page.h>'), ['punct:#', 'ident:include', 'header:<asm/page.h>']);
  assert.equal(lines[3].directive, true);
  assert.deepEqual(lines[3].tokens.map((t) => t.text), ['#', 'ifdef', 'CONFIG_X']);
  assert.equal(lines[4].directive, false);
});

test('C: pp-numbers, digit separators, multi-character punctuators', () => {
  assert.deepEqual(texts("0xffff'8800'0000'0000UL + 1e+5 + .5"), ["0xffff'8800'0000'0000UL", '+', '1e+5', '+', '.5']);
  assert.deepEqual(texts('a<<=b>>c<=d>=e==f!=g&&h||i##j->k...'), ['a', '<<=', 'b', '>>', 'c', '<=', 'd', '>=', 'e', '==', 'f', '!=', 'g', '&&', 'h', '||', 'i', '##', 'j', '->', 'k', '...']);
  const t = scanLine('  FOO 0x10', 'c', 0).tokens;
  assert.deepEqual(t.map((x) => [x.start, x.end]), [[2, 5], [6, 10]]);
});

test('GNU as (AT&T): $ immediates, # comments, directives and symbol assignments', () => {
  assert.deepEqual(kinds('movq $0xffffffff80000000, %rax # comment 0x1', 'gas'), ['ident:movq', 'punct:$', 'number:0xffffffff80000000', 'punct:,', 'punct:%', 'ident:rax']);
  assert.deepEqual(texts('# just a comment 0x10', 'gas'), []);
  assert.deepEqual(texts('# 1 "file.S"', 'gas'), []);
  assert.deepEqual(texts('#define X 1', 'gas'), ['#', 'define', 'X', '1']);
  assert.equal(scanLine('#ifdef CONFIG_X86_5LEVEL', 'gas', 0).directive, true);
  assert.deepEqual(texts('L4_PAGE_OFFSET = pgd_index(__PAGE_OFFSET)', 'gas'), ['L4_PAGE_OFFSET', '=', 'pgd_index', '(', '__PAGE_OFFSET', ')']);
  assert.deepEqual(texts('.set X, 0x10 ; .quad 0x20 // c', 'gas'), ['.set', 'X', ',', '0x10', ';', '.quad', '0x20']);
  assert.deepEqual(texts('/* 0x10 */ .quad 0x20', 'gas'), ['.quad', '0x20']);
  assert.deepEqual(texts('jmp 1f', 'gas'), ['jmp', '1f']);
});

test('GNU as (Intel and arm): immediates without $, # immediates on arm', () => {
  assert.deepEqual(texts('mov rax, 0xffff880000000000', 'gas'), ['mov', 'rax', ',', '0xffff880000000000']);
  assert.deepEqual(scanLine('mov x0, #0x10 // c', 'gas', 0, { hashImmediate: true }).tokens.map((t) => t.text), ['mov', 'x0', ',', '#', '0x10']);
  assert.deepEqual(scanLine('mov r0, #1 @ c', 'gas', 0, { hashImmediate: true }).tokens.map((t) => t.text), ['mov', 'r0', ',', '#', '1']);
});

test('NASM: ; comments, %define directives, h-suffixed and $-prefixed numbers, equ', () => {
  assert.deepEqual(kinds('mov eax, 0FFFFh ; 0x10', 'nasm'), ['ident:mov', 'ident:eax', 'punct:,', 'number:0FFFFh']);
  assert.deepEqual(texts('KERNEL_BASE equ 0xffffffff80000000', 'nasm'), ['KERNEL_BASE', 'equ', '0xffffffff80000000']);
  // NASM floats are one number each (the integer part alone would overflow 64 bits); 0x1e+5 is a sum.
  assert.deepEqual(texts('dq 69658634627134074624.e0200, 1.5e-3, 3.e+10, 0x1.8p+3', 'nasm'), ['dq', '69658634627134074624.e0200', ',', '1.5e-3', ',', '3.e+10', ',', '0x1.8p+3']);
  assert.deepEqual(texts('dq 0x1e+5', 'nasm'), ['dq', '0x1e', '+', '5']);
  assert.deepEqual(texts('jmp .loop', 'nasm'), ['jmp', '.loop']);
  const d = scanLine('%define PAGE_OFFSET 0xC0000000', 'nasm', 0);
  assert.equal(d.directive, true);
  assert.deepEqual(d.tokens.map((t) => t.text), ['%define', 'PAGE_OFFSET', '0xC0000000']);
  assert.deepEqual(kinds('dd $0FF, $', 'nasm'), ['ident:dd', 'number:$0FF', 'punct:,', 'ident:$']);
  assert.deepEqual(texts('x // 2', 'nasm'), ['x', '//', '2']);
  function kindsN(l: string) { return scanLine(l, 'nasm', 0).tokens.map((t) => `${t.kind}:${t.text}`); }
  assert.deepEqual(kindsN('a: dq 10h'), ['ident:a', 'punct::', 'ident:dq', 'number:10h']);
});

test('ld: location counter, K/M sizes, comments, cpp lines in .lds.S', () => {
  assert.deepEqual(texts('. = 0xffffffff80000000 + 16M; /* c */', 'ld'), ['.', '=', '0xffffffff80000000', '+', '16M', ';']);
  assert.deepEqual(texts('ram (rwx) : ORIGIN = 0x80000000, LENGTH = 64K', 'ld'), ['ram', '(', 'rwx', ')', ':', 'ORIGIN', '=', '0x80000000', ',', 'LENGTH', '=', '64K']);
  assert.deepEqual(texts('.text : { *(.text) }', 'ld'), ['.text', ':', '{', '*', '(', '.text', ')', '}']);
  assert.equal(scanLine('#include <asm/page_types.h>', 'ld', 0).directive, true);
});

test('tokenize joins lines and drops comments; the line cache reuses scans', () => {
  assert.deepEqual(tokenize('(a +\n b) /* c */').map((t) => t.text), ['(', 'a', '+', 'b', ')']);
  const cache = new LineScanCache('c');
  const a = cache.scanAll(['#define A 1', 'int x;']);
  const b = cache.scanAll(['#define A 1', 'int y;']);
  assert.equal(a[0], b[0]);
  assert.notEqual(a[1], b[1]);
  const c = cache.scanAll(['/*', '#define A 1']);
  assert.notEqual(c[1], a[0]); // same text, different entry state
  assert.deepEqual(scanLine('x', 'c', STATE_CONTINUATION).continuation, true);
});
