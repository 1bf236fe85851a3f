// The editor's side of the workspace index, without VS Code: a hover on a macro whose parts are
// defined in headers the file does not include resolves through the index and says so in a footnote;
// what the status bar says while the index builds and when it left files out; Check Workspace's
// worker path gives the findings `paging-layout check` gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findLayout, DEFAULT_LAYOUT_ID, getMode } from '../../src/engine/paging';
import { analyzeText } from '../../src/engine/source';
import { IndexStore } from '../../src/context/indexStore';
import { IndexView } from '../../src/context/indexView';
import { indexStatusItem } from '../../src/context/indexStatus';
import type { IndexState } from '../../src/context/indexClient';
import { checkInWorkers } from '../../src/context/workspaceCheck';
import { hoverMarkdown } from '../../src/present';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

test('a hover resolved through the index gives the value and names the headers in a footnote', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-index-hover-'));
  try {
    writeTree(dir, {
      'arch/x86/include/asm/page_64_types.h': '#define __START_KERNEL_map\t_AC(0xffffffff80000000, UL)\n\n#define KERNEL_IMAGE_SIZE\t(1024 * 1024 * 1024)\n',
      'arch/x86/include/asm/page_32_types.h': '#define KERNEL_IMAGE_SIZE\t(512 * 1024 * 1024)\n',
      'include/uapi/linux/const.h': '#define _AC(X,Y)\t__AC(X,Y)\n#define __AC(X,Y)\t(X##Y)\n',
    });
    const view = new IndexView();
    await new IndexStore({ roots: [dir], maxFiles: 0 }).run({
      publish: (p) => view.apply({ id: p.id, buffer: p.segment.buffer, bits: p.segment.bits, count: p.segment.count, files: p.files, dead: p.dead, replaces: p.replaces }),
      progress: () => undefined, pause: async () => undefined, priority: () => undefined,
    });
    const file = path.join(dir, 'arch/x86/include/asm/pgtable_64_types.h');
    const text = '#define MODULES_VADDR\t\t(__START_KERNEL_map + KERNEL_IMAGE_SIZE)\n';
    const mode = getMode('x86_64-4level')!;
    const a = analyzeText(text, { file, languageId: 'c', mode, fallback: view.macroLookup(file) });
    const h = hoverMarkdown(a, 0, 10, { layout: findLayout(DEFAULT_LAYOUT_ID)!, mode });
    assert.ok(h, 'a hover');
    assert.match(h.markdown, /0xffff_ffff_c000_0000/);
    const plain = h.markdown.replace(/\\([_*`\\])/g, '$1'); // Markdown escapes off
    assert.match(plain, /\n\n\*resolved through the workspace index, not through this file's includes: `__START_KERNEL_map` \(page_64_types\.h:1\), `KERNEL_IMAGE_SIZE` \(page_64_types\.h:3\)\*$/);
    // without the index: undefined names, no footnote
    const alone = analyzeText(text, { file, languageId: 'c', mode });
    const h2 = hoverMarkdown(alone, 0, 10, { layout: findLayout(DEFAULT_LAYOUT_ID)!, mode });
    assert.doesNotMatch(h2?.markdown ?? '', /workspace index/);
    // a name the file defines itself gets no footnote
    const own = analyzeText('#define A_BASE 0xffff888000000000UL\n#define B_BASE (A_BASE + 0x1000)\n', { file, languageId: 'c', mode, fallback: view.macroLookup(file) });
    assert.doesNotMatch(hoverMarkdown(own, 1, 10, { layout: findLayout(DEFAULT_LAYOUT_ID)!, mode })!.markdown, /workspace index/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a new part of the index refreshes the analyses only when it changes an answer: a missed name, a nearer file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-index-watch-'));
  try {
    writeTree(dir, {
      'a/far/x.h': '#define SHARED_BASE 0x1000\n',
      'b/near/y.h': '#define SHARED_BASE 0x2000\n#define ONLY_LATER 7\n',
      'b/near/z.h': '#define OTHER 1\n',
      'c/z.h': '#define SHARED_BASE 0x3000\n',
    });
    const store = new IndexStore({ roots: [dir], maxFiles: 0 });
    const view = new IndexView();
    const part = (files: string[]) => {
      for (const f of files) store.indexFile(path.join(dir, f));
      const [p] = store.publish();
      return view.apply({ id: p.id, buffer: p.segment.buffer, bits: p.segment.bits, count: p.segment.count, files: p.files, dead: p.dead, replaces: p.replaces })!;
    };
    part(['a/far/x.h']);
    const watch = { missed: new Set<string>(), served: new Map<string, { near: string; affinity: number }[]>() };
    const near = path.join(dir, 'b/near/w.h');
    const look = view.macroLookup(near, watch);
    assert.equal(look('SHARED_BASE')![0].bodyText, '0x1000');
    assert.equal(look('ONLY_LATER'), undefined);
    assert.deepEqual([...watch.missed], ['ONLY_LATER']);
    // a part with neither the missed name nor a nearer SHARED_BASE: no refresh
    assert.equal(view.improves(part(['c/z.h']), { missed: new Set(), served: watch.served }), false);
    assert.equal(view.improves(part(['b/near/z.h']), watch), false);
    // a nearer SHARED_BASE and the missed name: refresh
    const seg = part(['b/near/y.h']);
    assert.equal(view.improves(seg, { missed: new Set(), served: watch.served }), true);
    assert.equal(view.improves(seg, { missed: watch.missed, served: new Map() }), true);
    assert.equal(view.macroLookup(near)('SHARED_BASE')![0].bodyText, '0x2000');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const state = (s: Partial<IndexState>): IndexState => ({
  phase: 'ready', done: 0, total: 0, definitions: 0, skipped: 0, elapsedMs: 0, enabled: true, files: 0, bytes: 0, ...s,
});

test('the status bar says how far indexing is, when a saved index is checked, when files were left out or it stopped', () => {
  const building = indexStatusItem(state({ phase: 'indexing', done: 4210, total: 24723, definitions: 812345, files: 4210 }));
  assert.equal(building.text, '$(sync~spin) #defines: 4,210/24,723 files');
  assert.match(building.tooltip, /17 %/);
  assert.match(building.tooltip, /Click to stop indexing/);
  assert.equal(building.command, 'pagingLayout.stopIndexing');
  assert.equal(indexStatusItem(state({ phase: 'checking', definitions: 4_677_687, files: 24728 })).text, '$(sync~spin) #defines: 4.7M loaded, checking files');
  assert.equal(indexStatusItem(state({ phase: 'ready', files: 24728, definitions: 4_677_687 })).text, undefined, 'nothing to say when all is indexed');
  const capped = indexStatusItem(state({ phase: 'ready', files: 20000, cappedAt: { limit: 20000, found: 24728 } }));
  assert.equal(capped.text, '$(warning) #defines: index capped at 20,000 files (pagingLayout.workspaceIndex.maxFiles)');
  assert.equal(capped.command, 'pagingLayout.rebuildIndex');
  // while indexing: the count of what will be read, and that a limit applies
  const cappedBuilding = indexStatusItem(state({ phase: 'indexing', done: 500, total: 2000, cappedAt: { limit: 2000, found: 24728 } }));
  assert.equal(cappedBuilding.text, '$(sync~spin) #defines: 500/2,000 files (capped)');
  assert.match(cappedBuilding.tooltip, /limited to 2,000 of 24,728 files by the setting pagingLayout.workspaceIndex.maxFiles/);
  // left out for another reason (too large, binary): the count, no cap named
  const leftOut = indexStatusItem(state({ phase: 'ready', files: 24728, skipped: 3 }));
  assert.equal(leftOut.text, '$(warning) #defines: 25k files');
  assert.doesNotMatch(leftOut.tooltip, /maxFiles/);
  assert.match(capped.tooltip, /limited to 20,000 of 24,728 files by the setting pagingLayout.workspaceIndex.maxFiles/);
  assert.doesNotMatch(building.tooltip + capped.tooltip, /\*\*|`/, 'plain-text tooltips');
  assert.equal(capped.warning, true);
  const stopped = indexStatusItem(state({ phase: 'cancelled', files: 300, total: 1000 }));
  assert.equal(stopped.text, '$(circle-slash) #defines: stopped at 300 files');
  assert.equal(stopped.command, 'pagingLayout.rebuildIndex');
  assert.equal(indexStatusItem(state({ phase: 'indexing', enabled: false })).text, undefined);
});

test('Check Workspace in workers: the CLI\'s check workers give the findings `paging-layout check` gives', { timeout: 120_000 }, async () => {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is built (npm run build)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-wcheck-'));
  try {
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++) files[`d${i % 5}/f${i}.h`] = i % 10 === 0 ? `#define X${i}_START 0xffff7fffffff0000UL\n` : `#define Y${i} ${i}\n`;
    files['big/regs.h'] = '#define A_BASE 0xffff888000000000UL\n#define A_END 0xffff887fffffffffUL\n';
    // a finding its comment suppresses is left out, as the CLI leaves it out
    files['big/quiet.h'] = '#define R_VADDR 0xffff7fffffff2000UL\n#define Q_VADDR 0xffff7fffffff1000UL /* paging-layout: ignore PL001 -- on purpose */\n';
    writeTree(dir, files);
    const list = Object.keys(files).map((f) => path.join(dir, f)).sort();
    const progress: number[] = [];
    const r = await checkInWorkers(CLI, list, { layout: findLayout(DEFAULT_LAYOUT_ID)!, physicalAddressBits: 52, severities: {} }, { jobs: 2, onResults: (_b, p) => progress.push(p.done) });
    assert.equal(r.files, list.length);
    assert.equal(r.cancelled, false);
    assert.equal(r.workers, 2);
    assert.equal(progress[progress.length - 1], list.length);
    const cli = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json', '--jobs', '1'], { encoding: 'utf8' });
    const expected = (JSON.parse(cli.stdout) as { file: string; code: string; line: number }[]).map((f) => `${path.relative(dir, f.file)}:${f.line}:${f.code}`).sort();
    const got = [...r.findings].flatMap(([f, l]) => l.map((x) => `${path.relative(dir, f)}:${x.range.line + 1}:${x.code}`)).sort();
    assert.ok(expected.length >= 16, expected.join(' '));
    assert.ok(expected.includes('big/quiet.h:1:PL001') && !expected.includes('big/quiet.h:2:PL001'), expected.join(' '));
    assert.deepEqual(got, expected);
    // cancelled before the first batch: nothing checked
    const c = await checkInWorkers(CLI, list, { layout: findLayout(DEFAULT_LAYOUT_ID)!, physicalAddressBits: 52, severities: {} }, { cancelled: () => true });
    assert.equal(c.cancelled, true);
    assert.equal(c.files, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
