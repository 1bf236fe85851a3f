// UI tests of "this boot" as a person uses it: import crash's help -m through Import Memory Map…, see
// the boot's layout with the import drawn over it, compare it with the static layout on the map
// (each randomised region's move, in bytes), pick the boot's layout from the status bar, read a
// runtime macro's value in the boot in a hover, click an imported entry on the map, find it all
// again after a window reload, and read this machine's own memory maps.
import * as fs from 'fs';
import * as path from 'path';
import { assertIncludes, uiTest } from './lib/harness';
import { chooseLayout, mapFrame, runCommandLike, Workbench, mapText } from './lib/workbench';

const HEADER = 'include/asm/page_64_types.h';
const ROOT = path.resolve(__dirname, '..', '..', '..');
const BOOT = 'linux-x86_64-4level@boot-crash-help-m.txt';


/** Runs Import Memory Map… and types the file's path into the simple file dialog. */
async function importThroughDialog(wb: Workbench, file: string): Promise<void> {
  await wb.runCommand('Paging Layout: Import Memory Map');
  const input = wb.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  const ready = Date.now() + 15_000;
  while (Date.now() < ready && !(await input.inputValue().catch(() => '')).startsWith('/')) await wb.page.waitForTimeout(200);
  await wb.page.waitForTimeout(500);
  await input.fill(file);
  for (let i = 0; i < 5; i++) {
    if ((await input.inputValue().catch(() => file)) !== file) await input.fill(file).catch(() => undefined);
    await wb.page.waitForTimeout(800);
    await input.press('Enter').catch(() => undefined);
    if (await wb.quickInput().waitFor({ state: 'hidden', timeout: 3000 }).then(() => true, () => false)) break;
  }
}

async function maximized<T>(wb: Workbench, fn: () => Promise<T>): Promise<T> {
  await wb.page.locator('.tabs-container .tab', { hasText: 'Address Map' }).first().click();
  await wb.page.waitForTimeout(800);
  await runCommandLike(wb, 'Maximize Editor Group');
  try { await wb.page.waitForTimeout(800); return await fn(); } finally { await runCommandLike(wb, 'Maximize Editor Group'); await wb.page.waitForTimeout(1000); }
}

uiTest('Import Memory Map… detects crash help -m; the map shows this boot and compares it with the static layout', async ({ wb, file }) => {
  const dump = file('crash-help-m.txt');
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'dumps', 'crash-help-m.txt'), dump);
  await wb.openFile(HEADER);
  await importThroughDialog(wb, dump);
  const shown = await mapText(wb, /this boot \(crash-help-m\.txt\) — whole address space/);
  assertIncludes(shown, 'crash help -m / help -k', 'the detected format in the side pane');
  assertIncludes(shown, 'on linux-x86_64-4level', 'the static layout the boot is applied to');
  if (!/vmalloc[^\n]*: -0x153b40000000 from the static base/.test(shown)) throw new Error(`the boot's moves are not listed:\n${shown.slice(0, 2000)}`);
  const f = await mapFrame(wb);
  if (await f.locator('#map rect.overlay').count() < 3) throw new Error('the import is not drawn over the layout');
  await f.locator('vscode-button', { hasText: 'Compare with linux-x86_64-4level' }).first().click();
  const text = await mapText(wb, /linux-x86_64-4level \(left\) compared with linux-x86_64-4level@boot-crash-help-m\.txt \(right\)/);
  assertIncludes(text, 'This boot (crash-help-m.txt) against linux-x86_64-4level:', 'summary');
  if (!/vmalloc[^\n]*: -0x153b40000000 from the static base \(0xffffc90000000000 → 0xffffb3c4c0000000\)/.test(text)) throw new Error(`no vmalloc move in the summary:\n${text.slice(0, 2000)}`);
  if (!/direct map[^\n]*: \+0x150b00000000 from the static base/.test(text)) throw new Error(`no direct-map move in the summary:\n${text.slice(0, 2000)}`);
  const moved = await f.locator('#map path.link.moved').count();
  if (moved < 2) throw new Error(`${moved} moved boundaries linked; the direct map, vmalloc and vmemmap moved`);
  await maximized(wb, () => wb.screenshot('map-boot-compare-dark'));
});

/** Makes the header opened by the first test (in the first editor group) the active editor. */
async function headerTab(wb: Workbench): Promise<void> {
  const tab = wb.page.locator('.tabs-container .tab[data-resource-name="page_64_types.h"]').first();
  await tab.waitFor({ timeout: 30_000 });
  await tab.click({ force: true });
  await wb.page.locator('.tabs-container .tab.active[data-resource-name="page_64_types.h"]').first().waitFor({ timeout: 15_000 });
  await wb.page.waitForTimeout(300);
}

uiTest('the status-bar picker offers this boot\'s layout; a hover on VMALLOC_START shows its value in the boot, marked as such', async ({ wb }) => {
  await headerTab(wb);
  await wb.statusItem(/linux-x86_64-4level/).click();
  await wb.quickInput().waitFor({ state: 'visible' });
  const list = wb.page.locator('.quick-input-list');
  const end = Date.now() + 10_000;
  let items = '';
  while (Date.now() < end && !/this boot \(imported\)/.test(items)) { items = await list.innerText().catch(() => ''); await wb.page.waitForTimeout(200); }
  assertIncludes(items, 'this boot (imported)', 'the picker\'s group of boot layouts');
  assertIncludes(items, BOOT, 'the boot\'s layout in the picker');
  await wb.pick(BOOT);
  await wb.statusItem(BOOT).waitFor({ timeout: 15_000 });
  await wb.goto(35, 10);
  const hover = await wb.hoverText('in boot crash-help-m.txt');
  assertIncludes(hover, 'VMALLOC_START = vmalloc_base = 0xffffb3c4c0000000 in boot crash-help-m.txt; static default 0xffffc90000000000', 'the boot\'s value');
  assertIncludes(hover, 'This boot:', 'marked as the boot\'s');
  await wb.screenshot('hover-boot-value');
  await wb.page.keyboard.press('Escape');
});

uiTest('clicking an imported entry on the map selects its region and shows the entry with its line', async ({ wb }) => {
  await chooseLayout(wb, BOOT);
  await mapText(wb, /this boot \(crash-help-m\.txt\) — whole address space/);
  const f = await mapFrame(wb);
  const entry = f.locator('#map rect.overlay[aria-label^="crash-help-m.txt: vmalloc_start_addr"]');
  if (!(await entry.count())) {
    const labels = await f.locator('#map rect.overlay').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    throw new Error(`no overlay mark for vmalloc_start_addr; marks: ${labels.join(' | ')}`);
  }
  await entry.first().hover();
  const tip = await f.locator('#map-tooltip').innerText();
  assertIncludes(tip, 'crash-help-m.txt: vmalloc_start_addr', 'tooltip');
  assertIncludes(tip, 'line 30', 'tooltip: the line of the input');
  await entry.first().click({ force: true });
  const details = await mapText(wb, /Open line 30/);
  assertIncludes(details, 'crash-help-m.txt: vmalloc_start_addr', 'details: the entry');
  assertIncludes(details, '0xffff_b3c4_c000_0000', 'details: its exact address');
  await f.locator('vscode-button', { hasText: 'Open line 30' }).first().click();
  await wb.page.locator('.tabs-container .tab.active', { hasText: 'crash-help-m.txt' }).waitFor({ timeout: 15_000 });
  const pos = await wb.statusText(/Ln 30, Col \d+/);
  assertIncludes(pos, 'Ln 30', 'the imported file opened at the entry\'s line');
});

uiTest('after a window reload the import, this boot\'s layout and the editor\'s choice of it are back', async ({ wb }) => {
  await runCommandLike(wb, 'Developer: Reload Window');
  await wb.page.waitForTimeout(3000);
  await wb.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  // The status bar shows the layout while a C file is active.
  await headerTab(wb);
  await wb.statusItem(BOOT).waitFor({ timeout: 60_000 });
  await wb.runCommand('Paging Layout: Show Address Map');
  const text = await mapText(wb, /crash-help-m\.txt/, 60_000);
  assertIncludes(text, 'crash help -m / help -k', 'the import in the side pane');
  if (!/vmalloc[^\n]*: -0x153b40000000 from the static base/.test(text)) throw new Error(`the boot is not back:\n${text.slice(0, 2000)}`);
});

uiTest('"Read This Machine\'s Memory Maps" reports each file, read or not and why, and shows them on the map', async ({ wb }) => {
  await runCommandLike(wb, 'Paging Layout: Read This Machine\'s Memory Maps');
  // The report's row of /proc/self/maps: it is always readable by the process that reads it.
  const report = await wb.markdownPreviewText(/\/proc\/self\/maps\s+\/proc\/PID\/maps\s+read\s+read: \d+ entries/, 30_000);
  assertIncludes(report, 'This machine', 'report title');
  assertIncludes(report, '/proc/kallsyms', 'report');
  assertIncludes(report, '/proc/vmallocinfo', 'report');
  for (const line of report.split('\n').filter((l) => /unreadable/.test(l))) {
    if (!/(not mounted|permission denied|not there|could not be read|CONFIG_PTDUMP_DEBUGFS)/.test(line)) throw new Error(`an unread file without a reason: ${line}`);
  }
  const text = await mapText(wb, /\/proc\/self\/maps/);
  assertIncludes(text, '/proc/PID/maps · this machine', 'the live import in the side pane');
  await maximized(wb, () => wb.screenshot('map-this-machine-dark'));
});
