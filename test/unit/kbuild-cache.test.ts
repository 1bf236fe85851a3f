// The word filters and declared names kept per build directory (src/cli/kbuildCache.ts): a filter never
// rules out a word its text holds, an entry is made again when its file changes, and the definition
// finder gives the same sites with the filters as without.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { wordBloom, bloomMayContain, fileNameWord, findKbuild, findDefinitions } from '../../src/engine/source';
import { WordFilterCache, withWordFilters } from '../../src/cli/kbuildCache';
import { nodeKbuildFS } from '../../src/cli/common';

const TREE = path.resolve(__dirname, '../../../test/fixtures/kbuild/tree');

test('wordBloom: every identifier of a text is possibly there; most other words are not', () => {
  const words = Array.from({ length: 400 }, (_, i) => `NAME_${i.toString(36)}_${(i * 7919) % 1000}`);
  const text = words.map((w, i) => (i % 3 ? `#define ${w} ${i}` : `x = ${w}->field + 0x${i}UL;`)).join('\n');
  const f = wordBloom(text);
  for (const w of words) assert.ok(bloomMayContain(f, w), w);
  for (const w of ['field', 'x', 'define']) assert.ok(bloomMayContain(f, w), w);
  let falsePositives = 0;
  for (let i = 0; i < 2000; i++) if (bloomMayContain(f, `OTHER_${i}`)) falsePositives++;
  assert.ok(falsePositives < 60, `${falsePositives} of 2000`);
  // A name inside a longer word is not the word: the filter may say no.
  assert.equal(bloomMayContain(wordBloom('#define PAGE_SHIFT_X 1'), 'PAGE_SHIFT') && bloomMayContain(wordBloom('#define PAGE_SHIFT_X 1'), 'SHIFT'), false);
  assert.equal(fileNameWord('page_64_types.h'), 'page_64_types');
  assert.equal(fileNameWord('pgtable-3level_types.h'), 'pgtable');
  assert.ok(bloomMayContain(wordBloom('#include <asm/pgtable-3level_types.h>'), fileNameWord('pgtable-3level_types.h')!));
});

test('WordFilterCache: kept across instances, made again when the file changes', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-kb-cache-'));
  const old = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = home;
  try {
    const file = path.join(home, 'h.h');
    fs.writeFileSync(file, '#define ALPHA 1\nenum { BETA_VALUE = 2 };\n');
    let reads = 0;
    const text = () => { reads++; return fs.readFileSync(file, 'utf8'); };
    const a = WordFilterCache.forBuild('/no/such/build');
    assert.equal(a.mayContainWord(file, 'ALPHA', text), true);
    assert.equal(a.mayContainWord(file, 'GAMMA_NOT_THERE', text), false);
    assert.equal(a.declares(file, text(), 'BETA_VALUE'), true);
    assert.equal(a.declares(file, text(), 'ALPHA'), false);
    a.save();
    reads = 0;
    const b = WordFilterCache.forBuild('/no/such/build');
    assert.equal(b.mayContainWord(file, 'ALPHA', text), true);
    assert.equal(b.mayContainWord(file, 'GAMMA_NOT_THERE', text), false);
    assert.equal(reads, 0, 'a kept filter is used without reading the file');
    // Another build directory has its own cache.
    assert.equal(WordFilterCache.forBuild('/other/build').mayContainWord(file, 'ALPHA', text), true);
    assert.equal(reads, 1);
    // The file changes (another size and time): the next run reads it again.
    fs.writeFileSync(file, '#define GAMMA_NOT_THERE 3\n');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    reads = 0;
    const c = WordFilterCache.forBuild('/no/such/build');
    assert.equal(c.mayContainWord(file, 'GAMMA_NOT_THERE', text), true);
    assert.equal(reads, 1);
    assert.equal(c.declares(file, text(), 'BETA_VALUE'), false);
  } finally {
    if (old === undefined) delete process.env.XDG_CACHE_HOME; else process.env.XDG_CACHE_HOME = old;
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('findDefinitions with kept word filters: the same sites as reading every file', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-kb-cache-'));
  const old = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = home;
  try {
    const plain = nodeKbuildFS();
    const found = findKbuild(TREE, plain);
    assert.ok('context' in found);
    const ctx = found.context;
    const names = ['PAGE_SHIFT', 'PAGE_SIZE', 'MODULES_VADDR', '__START_KERNEL_map', 'KERNEL_IMAGE_SIZE', 'PGDIR_SHIFT', 'FIXTURE_VMALLOC_BASE', '_AC', 'NOT_DEFINED_ANYWHERE'];
    for (let round = 0; round < 2; round++) {
      const { fs: filtered, cache } = withWordFilters(nodeKbuildFS(), ctx.buildDir);
      for (const n of names) assert.deepEqual(findDefinitions(ctx, n, filtered), findDefinitions(ctx, n, plain), `${n} (round ${round})`);
      cache.save();
    }
  } finally {
    if (old === undefined) delete process.env.XDG_CACHE_HOME; else process.env.XDG_CACHE_HOME = old;
    fs.rmSync(home, { recursive: true, force: true });
  }
});
