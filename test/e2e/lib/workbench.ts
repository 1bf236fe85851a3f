// Acting on the code-server workbench as a person would: keyboard shortcuts, the command
// palette, the hover, the status bar. Shared by every UI test file in test/e2e/.
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Locator, Page } from 'playwright-core';

export const RESULTS_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'test-results', 'e2e');

export class Workbench {
  constructor(readonly page: Page) {}

  /** Waits for the workbench, the explorer and (when `statusText` is given) the extension's status-bar item. */
  async ready(statusText: string | RegExp = /linux-|xen-/, timeoutMs = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
    await this.page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: timeoutMs });
    if (statusText) await this.statusItem(statusText).waitFor({ timeout: timeoutMs });
    await this.dismissNotifications();
  }

  /** Closes toasts (e.g. "cannot reach the marketplace") that would cover the status bar. */
  async dismissNotifications(): Promise<void> {
    for (const btn of await this.page.locator('.notification-toast .codicon-notifications-clear, .notification-toast .codicon-close').all()) {
      await btn.click({ timeout: 1000 }).catch(() => undefined);
    }
  }

  /** Focus the editor area so that keyboard shortcuts go to the workbench, not to a widget. */
  async focusWorkbench(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  /** Ctrl+P, the file name, Enter; waits for the editor tab. */
  async openFile(relPath: string): Promise<void> {
    await this.focusWorkbench();
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relPath);
    // Wait until the file shows in the results before choosing it.
    const base = path.basename(relPath);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: base }).first().waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab.active`, { hasText: base }).waitFor({ timeout: 15_000 });
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
  }

  /** Ctrl+G line:column, Enter. */
  async goto(line: number, column: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** Puts the cursor on the first occurrence of `text` in the active editor (read from the model through Ctrl+F is brittle; we use the file). */
  async gotoText(file: string, text: string, offset = 2): Promise<{ line: number; column: number }> {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes(text));
    if (line < 0) throw new Error(`"${text}" not in ${file}`);
    const pos = { line: line + 1, column: lines[line].indexOf(text) + 1 + offset };
    await this.goto(pos.line, pos.column);
    return pos;
  }

  /** Ctrl+K Ctrl+I shows the hover at the cursor; returns its text (waits for `expect` when given). */
  async hoverText(expect?: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const hover = this.page.locator('.monaco-hover-content');
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('Control+K');
      await this.page.keyboard.press('Control+I');
      try {
        await hover.first().waitFor({ state: 'visible', timeout: 3000 });
        last = (await hover.allInnerTexts()).join('\n---\n');
        if (!expect || (typeof expect === 'string' ? last.includes(expect) : expect.test(last))) return last;
      } catch { /* not shown yet */ }
      await this.page.waitForTimeout(500);
    }
    throw new Error(`no hover${expect ? ` matching ${expect}` : ''} within ${timeoutMs} ms; last hover text: ${JSON.stringify(last)}`);
  }

  /** F1, the command's title, Enter. */
  async runCommand(title: string): Promise<void> {
    await this.focusWorkbench();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
  }

  /** The visible quick-input widget (palette, quick pick, input box). */
  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Types into the open quick pick, waits for `label` and picks it. */
  async pick(label: string): Promise<void> {
    await this.choose(label);
    await this.quickInput().waitFor({ state: 'hidden' });
  }

  /** Types into the open quick pick, waits for `label` and clicks it (the widget may stay open for a next step). */
  async choose(label: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(label);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
  }

  /** Types into the open input box and presses Enter. */
  async answerInput(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** A status-bar item by its text. */
  statusItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar-item', { hasText: text }).first();
  }

  async statusText(text: string | RegExp): Promise<string> {
    const item = this.statusItem(text);
    await item.waitFor({ timeout: 15_000 });
    return (await item.innerText()).trim();
  }

  /** Text of the active Markdown preview (a webview: nested iframes). */
  async markdownPreviewText(expect: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      for (const frame of this.page.frames()) {
        const body = await frame.locator('body').innerText({ timeout: 500 }).catch(() => '');
        if (body && (typeof expect === 'string' ? body.includes(expect) : expect.test(body))) return body;
        if (body.length > last.length && frame !== this.page.mainFrame()) last = body;
      }
      await this.page.waitForTimeout(300);
    }
    throw new Error(`no preview text matching ${expect} within ${timeoutMs} ms; longest frame text: ${JSON.stringify(last.slice(0, 500))}`);
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}

/**
 * Runs a palette command whose title contains `text` (for titles that vary), retrying when a webview
 * takes the focus back and closes the palette.
 */
export async function runCommandLike(wb: Workbench, text: string): Promise<void> {
  const input = wb.page.locator('.quick-input-widget input');
  for (let attempt = 0; ; attempt++) {
    try {
      await wb.focusWorkbench();
      await wb.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${text}`, { timeout: 5000 });
      await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ timeout: 10_000 });
      await wb.page.keyboard.press('Enter');
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      await wb.page.waitForTimeout(700);
    }
  }
}

/** The frame of the address-map webview (nested iframes), once it has drawn something. */
export async function mapFrame(wb: Workbench, timeoutMs = 30_000): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of wb.page.frames()) {
      const n = await f.locator('#map rect').count().catch(() => 0);
      if (n > 0) return f;
    }
    await wb.page.waitForTimeout(300);
  }
  throw new Error(`the address map webview did not draw within ${timeoutMs} ms`);
}

/** Chooses a layout in the map's own layout select (a vscode-single-select combobox). */
export async function chooseLayout(wb: Workbench, id: string): Promise<void> {
  const f = await mapFrame(wb);
  const input = f.locator('#layout-select input.combobox-input');
  await input.click();
  await input.fill(id);
  await f.locator('#layout-select li[role="option"]', { hasText: id }).first().click();
}

/** Waits until the map frame's text (side pane and picture) matches; the last text in the error otherwise. */
export async function mapText(wb: Workbench, expect: RegExp, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    const f = await mapFrame(wb, timeoutMs).catch(() => undefined);
    if (f) {
      const side = await f.locator('#app').innerText({ timeout: 2000 }).catch(() => '');
      const svg = (await f.locator('#map text').allTextContents().catch(() => [])).join('\n');
      last = `${side}\n${svg}`;
      if (expect.test(last)) return last;
    }
    await wb.page.waitForTimeout(400);
  }
  throw new Error(`the map never showed ${expect}; last text:\n${last.slice(0, 2000)}`);
}
