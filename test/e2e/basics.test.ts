// UI tests for the basics a person sees first: the hover on an address, the status-bar item,
// switching the layout (status bar and palette), and the Decode Address command.
import { assertExcludes, assertIncludes, uiTest } from './lib/harness';

const HEADER = 'include/asm/page_64_types.h';
const XEN_27 = 'xen/page_64-2.6.27.h';

uiTest('hover on an address in a header shows value, region and PML4 slot', async ({ wb, file }) => {
  await wb.openFile(HEADER);
  await wb.gotoText(file(HEADER), '0xffff888000000000');
  const text = await wb.hoverText('0xffff_8880_0000_0000');
  assertIncludes(text, 'direct map', 'hover region');
  assertIncludes(text, /PML4 273\b/, 'hover indices');
});

uiTest('status bar shows the active layout', async ({ wb }) => {
  const text = await wb.statusText(/linux-x86_64/);
  assertIncludes(text, 'linux-x86_64-4level', 'status-bar item');
});

uiTest('hover on an immediate in a GNU as file', async ({ wb, file }) => {
  await wb.openFile('arch/head_64.S');
  await wb.gotoText(file('arch/head_64.S'), '0xffffffff81000000');
  const text = await wb.hoverText('0xffff_ffff_8100_0000');
  assertIncludes(text, 'kernel text', 'hover region');
});

uiTest('clicking the status-bar item switches to linux-x86_64-2.6.27; the hover follows', async ({ wb, file }) => {
  await wb.openFile(XEN_27);
  await wb.gotoText(file(XEN_27), '0xffff880000000000');
  assertIncludes(await wb.hoverText('0xffff_8800_0000_0000'), 'LDT remap', '4level hover');
  await wb.focusWorkbench();
  await wb.statusItem(/linux-x86_64-4level/).click();
  await wb.pick('linux-x86_64-2.6.27');
  await wb.statusItem(/linux-x86_64-2\.6\.27/).waitFor({ timeout: 15_000 });
  const text = await wb.hoverText('direct map');
  assertExcludes(text, 'LDT remap', '2.6.27 hover');
  assertIncludes(text, /PML4 272\b/, '2.6.27 hover');
});

uiTest('"Paging Layout: Select Layout" from the palette switches back to linux-x86_64-4level', async ({ wb, file }) => {
  await wb.runCommand('Paging Layout: Select Layout');
  await wb.pick('linux-x86_64-4level');
  const status = await wb.statusText(/linux-x86_64-4level/);
  assertIncludes(status, 'linux-x86_64-4level', 'status-bar item');
  await wb.openFile(XEN_27);
  await wb.gotoText(file(XEN_27), '0xffff880000000000');
  assertIncludes(await wb.hoverText('LDT remap'), 'LDT remap', '4level hover');
});

uiTest('"Paging Layout: Decode Address…" from the palette shows the decoded address', async ({ wb }) => {
  await wb.runCommand('Paging Layout: Decode Address');
  await wb.answerInput('0xffff888000000000');
  const text = await wb.markdownPreviewText('0xffff_8880_0000_0000');
  assertIncludes(text, 'direct map', 'decode result');
  assertIncludes(text, /PML4 273\b/, 'decode result');
});
