// UI tests of the diagnostics as a person sees them: the Problems panel lists the mistakes of
// examples/mistakes.h under linux-x86_64-2.6.27 with their codes, and a quick fix applied from the
// light-bulb menu (Ctrl+.) changes the text.
import * as fs from 'fs';
import { assertIncludes, uiTest } from './lib/harness';

const FILE = 'mistakes.h';

uiTest('the Problems panel lists the rules that fire on mistakes.h', async ({ wb }) => {
  await wb.runCommand('Paging Layout: Select Layout');
  await wb.pick('linux-x86_64-2.6.27');
  await wb.statusItem(/linux-x86_64-2\.6\.27/).waitFor({ timeout: 15_000 });
  await wb.openFile(FILE);
  await wb.focusWorkbench();
  await wb.page.keyboard.press('Control+Shift+M');
  const panel = wb.page.locator('.markers-panel');
  await panel.waitFor({ timeout: 15_000 });
  const rows = panel.locator('.monaco-list-row', { hasText: 'hypervisor hole' });
  await rows.first().waitFor({ timeout: 20_000 });
  const text = await panel.innerText();
  for (const code of ['PL001', 'PL002', 'PL003', 'PL005']) assertIncludes(text, code, 'Problems panel');
  assertIncludes(text, 'is not canonical', 'PL001 message');
  assertIncludes(text, 'did you mean 0xffff880000000000', 'PL002 candidates');
  assertIncludes(text, 'PML4 slots 256–271', 'PL005 message');
  await wb.screenshot('diagnostics--problems-panel');
});

uiTest('Ctrl+. on the non-canonical address offers Canonicalize; choosing it rewrites the literal', async ({ wb, file }) => {
  await wb.openFile(FILE);
  await wb.gotoText(file(FILE), '0xffff7fffffff0000', 4);
  await wb.page.keyboard.press('Control+.');
  const item = wb.page.locator('.action-widget .monaco-list-row, .context-view .action-item', { hasText: 'Canonicalize' }).first();
  await item.waitFor({ timeout: 15_000 });
  const menu = await wb.page.locator('.action-widget, .context-view').first().innerText();
  assertIncludes(menu, 'Canonicalize to 0x00007fffffff0000', 'quick-fix menu');
  await wb.screenshot('diagnostics--quick-fix-menu');
  // Choose it with the keyboard, as a person does in the light-bulb menu: arrows, then Enter.
  for (let i = 0; i < 20; i++) {
    const focused = (await wb.page.locator('.action-widget .monaco-list-row.focused').first().innerText().catch(() => '')).trim();
    if (focused.includes('Canonicalize')) break;
    await wb.page.keyboard.press('ArrowDown');
  }
  await wb.page.keyboard.press('Enter');
  await wb.page.locator('.view-lines', { hasText: '0x00007fffffff0000' }).first().waitFor({ timeout: 15_000 });
  // Save so the file on disk shows the fix too.
  await wb.page.keyboard.press('Control+S');
  const end = Date.now() + 10_000;
  while (!fs.readFileSync(file(FILE), 'utf8').includes('_AC(0x00007fffffff0000, UL)') && Date.now() < end) await wb.page.waitForTimeout(200);
  assertIncludes(fs.readFileSync(file(FILE), 'utf8'), '#define GUARD_PAGE_VADDR\t_AC(0x00007fffffff0000, UL)', 'saved file');
  await wb.screenshot('diagnostics--after-fix');
});
