// UI tests of the layout derived from a kernel tree's headers, as a person gets to it: a kernel
// tree with a build (a copy of test/fixtures/kbuild/tree as the workspace's `linux-fixture` folder,
// `pagingLayout.kernel.buildDir` in the workspace settings), the status-bar item clicked, the derived
// layout picked by its name, the map drawing it with the randomised region marked and the regions not
// placed listed, and the choice still in effect after the window is reloaded.
import * as fs from 'fs';
import * as path from 'path';
import { assertIncludes, uiTest } from './lib/harness';
import { mapFrame, runCommandLike, Workbench, mapText } from './lib/workbench';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const NAME = 'linux-fixture in-tree configuration (derived from headers)';
const ID = /derived-linux-fixture-linux-fixture/;


uiTest('the status-bar picker offers the layout derived from the tree\'s headers; picking it makes it the layout', async ({ wb, workspace }) => {
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'kbuild', 'tree'), path.join(workspace, 'linux-fixture'), { recursive: true });
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'pagingLayout.kernel.buildDir': 'linux-fixture' }, null, 2));
  await wb.openFile('linux-fixture/arch/x86/include/asm/direct_map.h');
  // The picker lists it once the settings are read and the build found (opened again until then).
  const list = wb.page.locator('.quick-input-list');
  let items = '';
  for (const end = Date.now() + 30_000; Date.now() < end && !items.includes(NAME);) {
    await wb.focusWorkbench();
    await wb.statusItem(/linux-x86_64/).click();
    await wb.quickInput().waitFor({ state: 'visible' });
    await wb.page.waitForTimeout(500);
    items = await list.innerText().catch(() => '');
    if (!items.includes(NAME)) { await wb.page.keyboard.press('Escape'); await wb.page.waitForTimeout(1000); }
  }
  assertIncludes(items, 'kernel tree', 'the picker\'s group of derived layouts');
  assertIncludes(items, NAME, 'the derived layout in the picker');
  await wb.screenshot('derived-picker');
  await wb.pick('derived from headers');
  const status = await wb.statusText(ID);
  assertIncludes(status, 'derived-linux-fixture-linux-fixture', 'the status-bar item');
});

uiTest('the map draws the derived layout: the randomised region marked, the regions not placed listed', async ({ wb }) => {
  await runCommandLike(wb, 'Paging Layout: Show Address Map');
  await mapText(wb, /direct map \(randomised\)/);
  // (the side pane's "Not placed" list: each region with its reason)
  const text = await mapText(wb, /vmalloc \(vmalloc\)\s*start VMALLOC_START: unresolvable/);
  assertIncludes(text, 'randomised at boot (KASLR)', 'the legend');
  const f = await mapFrame(wb);
  const marked = await f.locator('#map rect.randomised').count();
  if (marked !== 1) throw new Error(`expected 1 region drawn as randomised, found ${marked}`);
  await wb.screenshot('derived-map');
});

uiTest('after a reload the derived layout is the layout again', async ({ wb }) => {
  await wb.page.reload();
  await wb.ready(ID, 90_000);
  const status = await wb.statusText(ID);
  assertIncludes(status, 'derived-linux-fixture-linux-fixture', 'the status-bar item after the reload');
});
