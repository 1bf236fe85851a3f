// The machine the tests run on: its own /proc and debugfs read through readLiveMachine, and what it could
// not read explained. /proc/self/maps is always readable; the others are checked against what this
// machine says about itself (uid, kptr_restrict, mounts), so the reasons are asserted, not assumed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { getPreset } from '../../src/engine/paging';
import { LiveFile, liveReportMarkdown, readLiveMachine } from '../../src/engine/map';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

const fsReader = (file: string): LiveFile => {
  try { return { text: fs.readFileSync(file, 'utf8') }; } catch (e) { return { error: (e as NodeJS.ErrnoException).code ?? 'EIO' }; }
};
const readOr = (file: string) => { try { return fs.readFileSync(file, 'utf8'); } catch { return undefined; } };

test('this machine: /proc/self/maps is read; every other file is read or its reason matches the machine', async () => {
  const r = await readLiveMachine(fsReader, { arch: process.arch, layout: getPreset('linux-x86_64-4level')! });
  const src = (p: string) => r.sources.find((s) => s.path === p)!;
  const maps = src('/proc/self/maps');
  assert.equal(maps.status, 'read');
  assert.ok(maps.result!.layout!.regions.length > 5);
  assert.ok(maps.result!.layout!.regions.some((x) => x.name.includes(path.basename(process.execPath)) || x.name === '[heap]'), 'the node binary or the heap');
  const uid = Number(/^Uid:\s+\d+\s+(\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]);
  assert.equal(r.context.uid, uid);
  const kptr = readOr('/proc/sys/kernel/kptr_restrict');
  assert.equal(r.context.kptrRestrict, kptr === undefined ? undefined : Number(kptr));

  const iomem = src('/proc/iomem');
  if (iomem.status === 'read') assert.ok(iomem.result!.layout!.regions.some((x) => x.name === 'System RAM'));
  else if (iomem.status === 'hidden') assert.match(iomem.reason, /shows addresses to root only/);
  else assert.ok(iomem.code, iomem.reason);

  const ks = src('/proc/kallsyms');
  if (ks.status === 'read') {
    assert.ok(ks.result!.symbols!.count > 1000, `${ks.result!.symbols!.count} symbols`);
    assert.ok(r.boot.slide, 'a readable kallsyms gives the text slide');
    assert.equal(r.boot.values.text_start!.value - r.boot.slide!.value, 0xffffffff81000000n, 'measured against the static __START_KERNEL');
    assert.equal(r.boot.slide!.value % 0x200000n, 0n, 'the kernel slides in 2 MiB steps (CONFIG_PHYSICAL_ALIGN)');
  } else if (ks.status === 'hidden') {
    assert.ok(uid !== 0 || Number(kptr) >= 1, 'root sees kallsyms unless kptr_restrict hides them');
    assert.match(ks.reason, /every address is 0: kernel\.kptr_restrict/);
  } else assert.ok(ks.code);

  const vm = src('/proc/vmallocinfo');
  if (vm.status === 'hidden') {
    if (Number(kptr) === 0) assert.match(vm.reason, /hashed pointers \(%pK with kernel\.kptr_restrict = 0/);
    else assert.match(vm.reason, /addresses are 0/);
  } else if (vm.status === 'read') assert.ok(Number(kptr) >= 1 && uid === 0, 'real addresses only to root with kptr_restrict >= 1');
  else { assert.ok(vm.code, vm.reason); if (uid !== 0) assert.equal(vm.code, 'EACCES'); }

  const mounts = fs.readFileSync('/proc/self/mounts', 'utf8');
  const debugfs = /^\S+\s+\/sys\/kernel\/debug\s+debugfs\s/m.test(mounts);
  assert.equal(r.context.debugfsMounted, debugfs);
  for (const d of r.sources.filter((s) => s.path.startsWith('/sys/kernel/debug/'))) {
    if (d.status === 'read') continue;
    if (!debugfs) assert.match(d.reason, /debugfs is not mounted/);
    else if (d.code === 'ENOENT') assert.match(d.reason, /CONFIG_PTDUMP_DEBUGFS/);
    else if (uid !== 0) assert.match(d.reason, /root only/);
  }
  const md = liveReportMarkdown(r);
  for (const s of r.sources) assert.ok(md.includes(`\`${s.path}\``), s.path);
});

test('live report reasons: not root, debugfs mounted without a dump, kptr_restrict zeros, hashed pointers', async () => {
  const files: Record<string, LiveFile> = {
    '/proc/sys/kernel/kptr_restrict': { text: '1\n' },
    '/proc/sys/kernel/perf_event_paranoid': { text: '2\n' },
    '/proc/self/status': { text: 'Name:\tcode\nUid:\t1000\t1000\t1000\t1000\n' },
    '/proc/self/mounts': { text: 'debugfs /sys/kernel/debug debugfs rw,relatime 0 0\n' },
    '/proc/iomem': { text: '00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n' },
    '/proc/self/maps': { text: '55d0c8a00000-55d0c8a02000 r--p 00000000 08:01 1311763  /usr/bin/code\n' },
    '/proc/kallsyms': { text: '0000000000000000 T _text\n0000000000000000 T startup_64\n' },
    '/proc/vmallocinfo': { error: 'EACCES' },
    '/sys/kernel/debug/page_tables/kernel': { error: 'ENOENT' },
  };
  const r = await readLiveMachine((p) => files[p] ?? { error: 'ENOENT' }, { arch: 'x64' });
  const reason = (p: string) => r.sources.find((s) => s.path === p)!;
  assert.equal(reason('/proc/iomem').status, 'hidden');
  assert.match(reason('/proc/iomem').reason, /root only \(uid 1000\)/);
  assert.equal(reason('/proc/self/maps').status, 'read');
  assert.match(reason('/proc/kallsyms').reason, /every address is 0: kernel\.kptr_restrict = 1 hides them from this reader \(not root, uid 1000\)/);
  assert.match(reason('/proc/vmallocinfo').reason, /permission denied: not root \(uid 1000\)/);
  assert.match(reason('/sys/kernel/debug/page_tables/kernel').reason, /debugfs is mounted but has no page-table dump: the kernel is built without CONFIG_PTDUMP_DEBUGFS/);
  assert.equal(r.boot.slide, undefined);
  // A reader that throws, and an arm64 machine with debugfs unmounted and root denied.
  const r2 = await readLiveMachine((p) => {
    if (p === '/proc/self/mounts') return { text: 'proc /proc proc rw 0 0\n' };
    if (p === '/proc/self/status') return { text: 'Uid:\t0\t0\t0\t0\n' };
    if (p === '/proc/vmallocinfo') return { text: '0x00000000c51c562f-0x000000004e8a9d10    8192 f+0x1/0x2 vmalloc\n' };
    if (p === '/proc/sys/kernel/kptr_restrict') return { text: '0\n' };
    throw Object.assign(new Error('boom'), { code: 'EIO' });
  }, { arch: 'arm64' });
  assert.deepEqual(r2.sources.map((s) => s.path), ['/proc/iomem', '/proc/self/maps', '/proc/kallsyms', '/proc/vmallocinfo', '/sys/kernel/debug/kernel_page_tables']);
  assert.match(r2.sources[0].reason, /could not be read \(EIO: boom\)/);
  assert.match(r2.sources[3].reason, /hashed pointers \(%pK with kernel\.kptr_restrict = 0/);
  assert.equal(r2.sources[4].status, 'unreadable');
});

test('paging-layout import --live prints the report for this machine', () => {
  const r = spawnSync(process.execPath, [CLI, 'import', '--live', '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  const maps = j.sources.find((s: { path: string }) => s.path === '/proc/self/maps');
  assert.equal(maps.status, 'read');
  assert.ok(maps.regions > 5);
  for (const s of j.sources) assert.ok(['read', 'hidden', 'unreadable', 'empty'].includes(s.status) && s.reason.length > 10, JSON.stringify(s));
  const md = spawnSync(process.execPath, [CLI, 'import', '--live'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.match(md.stdout, /^# This machine/);
  assert.match(md.stdout, /\| `\/proc\/self\/maps` \| \/proc\/PID\/maps \| read \| read: \d+ entries, \d+ regions \|/);
});
