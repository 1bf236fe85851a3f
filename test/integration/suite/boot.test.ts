// This boot in a real VS Code: Import Memory Map detects a System.map and a kallsyms of the same build
// and pairs them into a boot; hovers name the symbol of a kernel-text address (relocated by the slide
// for a System.map) and evaluate runtime macros with the boot's values; the boot's layout is offered
// by the layout picker and compared with its static layout on the map; the imports are overlays of
// the map; and "Read This Machine's Memory Maps" reads the test machine's own /proc.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { hoverText, openExample, positionOf, setSetting, waitFor, waitForActivation, mapSnapshot } from './helpers';

interface Snapshot { mode: string; layoutIds: string[]; rows: string[]; summary: string[]; overlays: string[]; boots: string[] }
interface Imported { id: string; shown: string; format: string; formatTitle: string; entries: number; regions: number; boot?: string; problems: unknown[]; hidden: unknown }
interface LiveResult { boot: string | null; context: { uid?: number; kptrRestrict?: number; debugfsMounted?: boolean }; sources: { path: string; format: string; status: string; reason: string; code: string | null; entries: number }[] }

const BOOT_KALLSYMS = 'linux-x86_64-4level@boot-kallsyms-kaslr.txt';
const BOOT_CRASH = 'linux-x86_64-4level@boot-crash-help-m.txt';

function dump(name: string): string {
  const ext = vscode.extensions.getExtension('paging-layout.paging-layout')!;
  return path.join(ext.extensionPath, 'test', 'fixtures', 'dumps', name);
}

const snapshot = (expect: (s: Snapshot) => boolean, what: string) => mapSnapshot<Snapshot>(expect, what);

async function hoverOn(doc: vscode.TextDocument, needle: string, expect: string | RegExp, offset = 2): Promise<string> {
  const pos = positionOf(doc, needle, offset);
  let last = '';
  try {
    return await waitFor(`a hover at "${needle}" matching ${expect}`, async () => {
      last = await hoverText(doc.uri, pos);
      return (typeof expect === 'string' ? last.includes(expect) : expect.test(last)) ? last : undefined;
    }, 10_000, 200);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nlast hover text: ${JSON.stringify(last)}`);
  }
}

function mapTab(): vscode.Tab | undefined {
  for (const g of vscode.window.tabGroups.all) for (const t of g.tabs) if (t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('pagingLayout.map')) return t;
  return undefined;
}

const SOURCE = [
  '/* Addresses of one boot: a return address from an oops, and the same place at link time. */',
  'unsigned long oops_rip = 0xffffffff9a2001f0;',
  'unsigned long link_rip = 0xffffffff810001f0;',
  '#define VMALLOC_START\tvmalloc_base',
  '#define TEXT_START\t((unsigned long)_text)',
  '#define DIRECT_MAP_END\t(page_offset_base + (64UL << 40))',
  '',
].join('\n');

suite('This boot', () => {
  let doc: vscode.TextDocument;
  let restoreLayout: (() => Promise<void>) | undefined;

  suiteSetup(async function () {
    this.timeout(60_000);
    await openExample('include/asm/page_64_types.h');
    await waitForActivation();
    await vscode.commands.executeCommand('pagingLayout.removeImports', 'all');
    doc = await vscode.workspace.openTextDocument({ language: 'c', content: SOURCE });
    await vscode.window.showTextDocument(doc, { preview: false });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('pagingLayout.removeImports', 'all');
    if (restoreLayout) await restoreLayout();
    const tab = mapTab();
    if (tab) await vscode.window.tabGroups.close(tab);
    for (const t of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
      if (t.input instanceof vscode.TabInputText && t.input.uri.toString() === doc.uri.toString()) await vscode.window.tabGroups.close(t, true);
    }
  });

  test('Import Memory Map detects System.map and kallsyms and pairs them into a boot with a checked text slide', async function () {
    this.timeout(60_000);
    const sm = await vscode.commands.executeCommand<Imported>('pagingLayout.importMemoryMap', dump('System.map-6.1.0-demo'));
    assert.strictEqual(sm.format, 'system-map');
    assert.strictEqual(sm.formatTitle, 'System.map');
    assert.strictEqual(sm.entries, 50);
    assert.strictEqual(sm.boot, undefined, 'link-time addresses alone are no boot');
    const ks = await vscode.commands.executeCommand<Imported>('pagingLayout.importMemoryMap', dump('kallsyms-kaslr.txt'));
    assert.strictEqual(ks.format, 'kallsyms');
    assert.strictEqual(ks.formatTitle, '/proc/kallsyms');
    assert.strictEqual(ks.entries, 58);
    assert.strictEqual(ks.boot, BOOT_KALLSYMS);
    assert.strictEqual(ks.shown, BOOT_KALLSYMS, 'the map shows the boot the symbols give');
    const s = await snapshot((x) => x.layoutIds[0] === BOOT_KALLSYMS && x.overlays.length === 2, 'the kallsyms boot with both imports on the map');
    assert.ok(s.overlays.some((o) => /^kallsyms-kaslr\.txt \[\/proc\/kallsyms\]: 7 of 7 drawn, \d+ marks$/.test(o)), s.overlays.join('\n'));
    assert.ok(s.overlays.some((o) => /^System\.map-6\.1\.0-demo \[System\.map\]: 5 of 5 drawn/.test(o)), s.overlays.join('\n'));
    assert.deepStrictEqual(s.boots, [BOOT_KALLSYMS]);
  });

  test('a hover on a kernel-text address names its symbol; a macro hover shows the boot\'s runtime value', async function () {
    this.timeout(60_000);
    await vscode.window.showTextDocument(doc, { preview: false });
    const rip = await hoverOn(doc, '0xffffffff9a2001f0', '`verify_cpu+0xe0`');
    assert.match(rip, /\*\*Symbol:\*\* `verify_cpu\+0xe0` — t, kallsyms kallsyms-kaslr\.txt line 16; the running kernel of boot kallsyms-kaslr\.txt/);
    const link = await hoverOn(doc, '0xffffffff810001f0', '`verify_cpu+0xe0`');
    assert.match(link, /System\.map System\.map-6\.1\.0-demo line 16; link-time address/);
    const text = await hoverOn(doc, 'TEXT_START', 'in boot kallsyms-kaslr.txt');
    assert.match(text, /\*\*Symbol:\*\* `startup_64` — T, kallsyms kallsyms-kaslr\.txt line 11/, 'the boot\'s value names its symbol');
    assert.ok(text.includes('`TEXT_START = (unsigned long)_text = (unsigned long)0xffffffff9a200000 = 0xffffffff9a200000 in boot kallsyms-kaslr.txt; static default 0xffffffff81000000`'), text);
  });

  test('crash help -m: VMALLOC_START = vmalloc_base in the boot, and a System.map address relocated by its KASLR offset', async function () {
    this.timeout(60_000);
    const cr = await vscode.commands.executeCommand<Imported>('pagingLayout.importMemoryMap', dump('crash-help-m.txt'));
    assert.strictEqual(cr.format, 'crash-help');
    assert.strictEqual(cr.boot, BOOT_CRASH);
    await vscode.window.showTextDocument(doc, { preview: false });
    const vs = await hoverOn(doc, 'VMALLOC_START', 'in boot crash-help-m.txt');
    assert.ok(vs.includes('**This boot:** `VMALLOC_START = vmalloc_base = 0xffffb3c4c0000000 in boot crash-help-m.txt; static default 0xffffc90000000000`'), vs);
    assert.match(vs, /runtime variable/);
    const dm = await hoverOn(doc, 'DIRECT_MAP_END', 'in boot crash-help-m.txt');
    assert.ok(dm.includes('= 0xffffdd8b00000000 in boot crash-help-m.txt; static default 0xffffc88000000000'), dm);
    const rip = await hoverOn(doc, '0xffffffff9a2001f0', 'relocated by the text slide');
    assert.match(rip, /`verify_cpu\+0xe0` — t, System\.map System\.map-6\.1\.0-demo line 16; link-time address relocated by the text slide \+0x19200000 of boot crash-help-m\.txt; symbol at 0xffffffff9a200110/);
    // Decode Address says the same.
    const dec = await vscode.commands.executeCommand<{ region: { name: string } | null; symbols: { text: string; kind: string }[] }>('pagingLayout.decodeAddress', '0xffffffff9a2001f0', { show: false });
    assert.deepStrictEqual(dec.symbols.map((x) => `${x.text} ${x.kind}`), ['verify_cpu+0xe0 relocated']);
  });

  test('the boot\'s layout is offered by the layout picker, hovers read it, and the map compares it with the static layout', async function () {
    this.timeout(90_000);
    restoreLayout = await setSetting('layout', 'linux-x86_64-4level');
    await vscode.commands.executeCommand('pagingLayout.selectLayout', BOOT_CRASH);
    await vscode.window.showTextDocument(doc, { preview: false });
    // The boot's value lies in the boot's vmalloc region, not in the static one's.
    const vs = await hoverOn(doc, 'VMALLOC_START', /in boot crash-help-m\.txt:\* /);
    assert.match(vs, /vmalloc/);
    const cmp = await vscode.commands.executeCommand<{ a: string; b: string; lines: string[] }>('pagingLayout.compareOnMap', 'linux-x86_64-4level', BOOT_CRASH);
    assert.strictEqual(cmp.b, BOOT_CRASH);
    assert.strictEqual(cmp.lines[0], 'This boot (crash-help-m.txt) against linux-x86_64-4level:');
    assert.ok(cmp.lines.some((l) => /^vmalloc.*: -0x153b40000000 from the static base \(0xffffc90000000000 → 0xffffb3c4c0000000\)$/.test(l)), cmp.lines.join('\n'));
    assert.ok(cmp.lines.some((l) => /^direct map.*: \+0x150b00000000 from the static base/.test(l)), cmp.lines.join('\n'));
    const s = await snapshot((x) => x.mode === 'compare' && x.layoutIds[1] === BOOT_CRASH, 'the comparison in the webview');
    assert.ok(s.summary.some((l) => /-0x153b40000000 from the static base/.test(l)), s.summary.join('\n'));
    assert.deepStrictEqual(s.boots.sort(), [BOOT_CRASH, BOOT_KALLSYMS].sort());
  });

  test('Read This Machine\'s Memory Maps reads the test machine\'s /proc: what it could read, and why not the others', async function () {
    this.timeout(90_000);
    const r = await vscode.commands.executeCommand<LiveResult>('pagingLayout.readThisMachine', { show: false });
    assert.ok(r && r.sources.length >= 5, JSON.stringify(r));
    const lines: string[] = [];
    for (const src of r.sources) {
      let readable: boolean;
      let code: string | undefined;
      try { fs.readFileSync(src.path); readable = true; } catch (e) { readable = false; code = (e as NodeJS.ErrnoException).code; }
      lines.push(`${src.path}: ${src.status} — ${src.reason}`);
      if (readable) {
        assert.ok(['read', 'hidden', 'empty'].includes(src.status), `${src.path} is readable here but reported ${src.status}: ${src.reason}`);
      } else {
        assert.strictEqual(src.status, 'unreadable', `${src.path}: ${code}`);
        assert.strictEqual(src.code, code);
        assert.ok(src.reason.length > 10, src.reason);
      }
    }
    // The closing note: what this machine gave.
    console.log(`this machine (uid ${r.context.uid}, kptr_restrict ${r.context.kptrRestrict}, debugfs ${r.context.debugfsMounted ? 'mounted' : 'not mounted'}):\n  ${lines.join('\n  ')}`);
    const maps = r.sources.find((x) => x.path === '/proc/self/maps')!;
    assert.strictEqual(maps.status, 'read');
    assert.ok(maps.entries > 10, `${maps.entries} mappings of the extension host`);
    const ks = r.sources.find((x) => x.path === '/proc/kallsyms')!;
    if (ks.status === 'read') assert.ok(r.boot, 'kallsyms with addresses gives this machine\'s boot');
    if (ks.status === 'hidden') assert.match(ks.reason, /every address is 0/);
    await vscode.commands.executeCommand('pagingLayout.showMap', 'linux-x86_64-4level');
    const s = await snapshot((x) => x.mode === 'single' && x.overlays.some((o) => o.startsWith('/proc/self/maps')), 'this machine on the map');
    assert.ok(s.overlays.some((o) => /^\/proc\/self\/maps \[\/proc\/PID\/maps\]: \d+ of \d+ drawn/.test(o)), s.overlays.join('\n'));
    const io = s.overlays.find((o) => o.startsWith('/proc/iomem'));
    if (io) assert.match(io, /not drawn \(physical addresses/);
    const vm = r.sources.find((x) => x.path === '/proc/vmallocinfo')!;
    if (vm.status === 'hidden') assert.ok(s.overlays.some((o) => o.startsWith('/proc/vmallocinfo') && /hashed pointers/.test(o)), s.overlays.join('\n'));
    const removed = await vscode.commands.executeCommand<string[]>('pagingLayout.removeImports', 'live');
    assert.deepStrictEqual(removed, ['live']);
    await snapshot((x) => !x.overlays.some((o) => o.startsWith('/proc/')), 'this machine\'s files gone from the map');
  });
});
