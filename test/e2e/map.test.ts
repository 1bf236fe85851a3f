// UI tests of the address map as a person uses it: open the map from the palette, read the region
// names inside the webview, click a workspace-defined region and land on its #define, compare
// 2.6.26 with 2.6.27 and read the figures, import a page-table dump, screenshots in dark and light.
import * as fs from 'fs';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import { assertIncludes, uiTest } from './lib/harness';
import { chooseLayout, mapFrame, RESULTS_DIR, runCommandLike, Workbench, mapText } from './lib/workbench';

const HEADER = 'include/asm/page_64_types.h';
const ROOT = path.resolve(__dirname, '..', '..', '..');



/** Names of the regions drawn: from the accessible names of the map's region rows. */
async function regionNames(wb: Workbench): Promise<string[]> {
  const f = await mapFrame(wb);
  const labels = await f.locator('#map rect[data-ref="row"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return labels.map((l) => l.replace(/: 0x[0-9a-f]+ to .*$/, ''));
}



/** Picks an item of a quick pick that is followed by another one (pick() waits for the widget to close). */
async function pickThenNext(wb: Workbench, label: string, nextPlaceholder: RegExp): Promise<void> {
  await wb.choose(label);
  const input = wb.page.locator('.quick-input-widget input');
  const end = Date.now() + 15_000;
  while (Date.now() < end && !nextPlaceholder.test((await input.getAttribute('placeholder').catch(() => '')) ?? '')) await wb.page.waitForTimeout(200);
}

/** Lets the map use the whole window for a screenshot (and gives the editor back afterwards). */
async function maximized<T>(wb: Workbench, fn: () => Promise<T>): Promise<T> {
  await wb.page.locator('.tabs-container .tab', { hasText: 'Address Map' }).first().click();
  await wb.page.waitForTimeout(800);
  await runCommandLike(wb, 'Maximize Editor Group');
  try { await wb.page.waitForTimeout(800); return await fn(); } finally { await runCommandLike(wb, 'Maximize Editor Group'); await wb.page.waitForTimeout(1000); }
}

/** Switches the colour theme through the workspace settings (the theme's settings id, e.g. "Default Light Modern"). */
async function setTheme(wb: Workbench, workspace: string, theme: string): Promise<void> {
  const file = path.join(workspace, '.vscode', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let settings: Record<string, unknown> = {};
  try { settings = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* none yet */ }
  settings['workbench.colorTheme'] = theme;
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
  const light = /light/i.test(theme);
  await wb.page.waitForFunction((l) => document.querySelector('.monaco-workbench')?.classList.contains(l ? 'vs' : 'vs-dark'), light, { timeout: 20_000 });
}

async function shot(wb: Workbench, name: string): Promise<string> {
  await wb.page.waitForTimeout(600);
  return wb.screenshot(name);
}

uiTest('"Paging Layout: Show Address Map" draws the active layout; region names read from the webview', async ({ wb, workspace }) => {
  await setTheme(wb, workspace, 'Default Dark Modern');
  await wb.openFile(HEADER);
  await wb.runCommand('Paging Layout: Show Address Map');
  await mapText(wb, /direct mapping of all physical memory|direct map/i);
  const names = await regionNames(wb);
  for (const n of ['user space', 'non-canonical hole', 'vmalloc', 'kernel text']) {
    if (!names.some((x) => x.includes(n))) throw new Error(`region '${n}' is not drawn; drawn: ${names.join(' | ')}`);
  }
  const text = await mapText(wb, /__PAGE_OFFSET_BASE_L4/);
  assertIncludes(text, 'Scale: segmented', 'scale note');
  assertIncludes(text, 'VMALLOC_START', 'markers of the active header');
});

uiTest('keyboard: Tab into the map, arrow keys move between regions, Enter zooms in, 0 zooms out', async ({ wb }) => {
  const f = await mapFrame(wb);
  await f.locator('#map .focusable[tabindex="0"]').focus();
  await wb.page.keyboard.press('ArrowDown');
  await wb.page.keyboard.press('ArrowDown');
  const label = await f.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
  if (!label) throw new Error('the focused region has no accessible name');
  await wb.page.keyboard.press('Enter');
  await mapText(wb, /Scale: (linear|segmented)/);
  const title = await f.locator('#map-title').innerText();
  if (/whole address space/.test(title)) throw new Error(`Enter did not zoom in: ${title}`);
  await wb.page.keyboard.press('0');
  await mapText(wb, /whole address space/);
});

uiTest('clicking a region the workspace defines reveals its #define in the editor', async ({ wb }) => {
  await chooseLayout(wb, 'workspace-defines');
  await mapText(wb, /Workspace #defines/);
  const names = await regionNames(wb);
  if (!names.includes('VMALLOC')) throw new Error(`no VMALLOC region; drawn: ${names.join(' | ')}`);
  // Put the cursor elsewhere first, so that the reveal shows.
  await wb.page.locator('.tabs-container .tab', { hasText: 'page_64_types.h' }).first().click();
  await wb.goto(1, 1);
  const f = await mapFrame(wb);
  await f.locator('#map rect[aria-label^="VMALLOC:"]').click();
  await wb.page.locator('.tabs-container .tab.active', { hasText: 'page_64_types.h' }).waitFor({ timeout: 15_000 });
  // The tab may already be active: wait for the cursor to move, then read wherever it is.
  const pos = await wb.statusText(/Ln 35, Col \d+/).catch(() => wb.statusText(/Ln \d+, Col \d+/));
  assertIncludes(pos, 'Ln 35', 'cursor on the VMALLOC_START definition');
  const details = await mapText(wb, /Go to definition/);
  assertIncludes(details, 'include/asm/page_64_types.h:35', 'details pane source');
  await maximized(wb, () => shot(wb, 'map-workspace-dark'));
});

uiTest('comparing 2.6.26 with 2.6.27 on the map shows 7 TiB, slots 258 → 272 and 127 → 120 TiB', async ({ wb }) => {
  await wb.runCommand('Paging Layout: Compare Layouts on the Map');
  await pickThenNext(wb, 'linux-x86_64-2.6.26', /Compare linux-x86_64-2\.6\.26 with/);
  await wb.pick('linux-x86_64-2.6.27');
  const text = await mapText(wb, /127 TiB to 120 TiB/);
  assertIncludes(text, 'moved up by 7 TiB', 'summary');
  assertIncludes(text, 'from PML4 slot 258 to slot 272 (14 slots)', 'summary');
  assertIncludes(text, 'PML4 slots 256–271 (16)', 'summary: the hypervisor hole');
  assertIncludes(text, '127 TiB → 120 TiB', 'summary: direct map');
  const f = await mapFrame(wb);
  const moved = await f.locator('#map path.link.moved').count();
  if (moved < 1) throw new Error('no moved boundary is linked');
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  await maximized(wb, () => shot(wb, 'map-compare-dark'));
});

uiTest('the map in the light theme (comparison and single layout)', async ({ wb, workspace }) => {
  await setTheme(wb, workspace, 'Default Light Modern');
  await mapText(wb, /127 TiB to 120 TiB/);
  await maximized(wb, () => shot(wb, 'map-compare-light'));
  await chooseLayout(wb, 'linux-x86_64-2.6.27');
  await mapText(wb, /hypervisor hole/);
  const f = await mapFrame(wb);
  await f.locator('#map rect[aria-label^="hypervisor hole:"]').click();
  const details = await mapText(wb, /PML4 slots 256–271 \(16\)/);
  assertIncludes(details, '8 TiB', 'details pane');
  await maximized(wb, () => shot(wb, 'map-single-light'));
  await setTheme(wb, workspace, 'Default Dark Modern');
});

uiTest('"Paging Layout: Import Memory Map…" reads a page-table dump', async ({ wb, file }) => {
  const dump = file('ptdump-kernel.txt');
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'dumps', 'ptdump-kernel.txt'), dump);
  await wb.runCommand('Paging Layout: Import Memory Map');
  const input = wb.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  // The simple file dialog first fills in its start folder; type the path after that.
  const ready = Date.now() + 15_000;
  while (Date.now() < ready && !(await input.inputValue().catch(() => '')).startsWith('/')) await wb.page.waitForTimeout(200);
  await wb.page.waitForTimeout(500);
  await input.fill(dump);
  // The dialog checks the typed path before it accepts Enter.
  for (let i = 0; i < 5; i++) {
    if ((await input.inputValue().catch(() => dump)) !== dump) await input.fill(dump).catch(() => undefined);
    await wb.page.waitForTimeout(800);
    await input.press('Enter').catch(() => undefined);
    if (await wb.quickInput().waitFor({ state: 'hidden', timeout: 3000 }).then(() => true, () => false)) break;
  }
  const text = await mapText(wb, /Page tables: ptdump-kernel\.txt/);
  const names = await regionNames(wb);
  if (!names.some((n) => n.startsWith('Low Kernel Mapping: RW'))) throw new Error(`no Low Kernel Mapping region; drawn: ${names.join(' | ')}`);
  assertIncludes(text, 'direct-map', 'legend');
  await maximized(wb, () => shot(wb, 'map-import-dark'));
});

uiTest('after a window reload the serializer restores the map with its layout and zoom', async ({ wb }) => {
  await chooseLayout(wb, 'linux-x86_64-2.6.27');
  await mapText(wb, /Linux 2\.6\.27 .* — whole address space/);
  const f = await mapFrame(wb);
  await f.locator('#map rect[aria-label^="direct map:"]').dblclick();
  await mapText(wb, /Linux 2\.6\.27 .* — 0xffff_8800_0000_0000 – 0xffff_c0ff_ffff_ffff/);
  await wb.page.waitForTimeout(1000);
  await runCommandLike(wb, 'Developer: Reload Window');
  await wb.page.waitForTimeout(3000);
  await wb.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  const text = await mapText(wb, /Linux 2\.6\.27 .* — 0xffff_8800_0000_0000 – 0xffff_c0ff_ffff_ffff/, 60_000);
  assertIncludes(text, 'direct map', 'restored map');
});
