// Helpers shared by the extension-host test files (*.test.ts in this folder).
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'paging-layout.paging-layout';

/** The sample workspace: the opened folder (a temporary copy of examples/ made by the runner). */
export function examplesRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) return folder.uri;
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  return vscode.Uri.file(path.join(ext.extensionPath, 'examples'));
}

export function exampleUri(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(examplesRoot(), ...rel.split('/'));
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    await sleep(everyMs);
  }
}

/** Opens an examples/ file in an editor; returns the document. */
export async function openExample(rel: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(exampleUri(rel));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** Waits until the extension is active (activation through its own activation events). */
export async function waitForActivation(timeoutMs = 20_000): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this extension host`);
  await waitFor(`${EXTENSION_ID} to activate`, () => ext.isActive, timeoutMs);
  return ext;
}

/** Position of the `nth` occurrence of `needle` (optionally `offset` characters into it). */
export function positionOf(doc: vscode.TextDocument, needle: string, offset = 2, nth = 0): vscode.Position {
  const text = doc.getText();
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" (occurrence ${nth}) not found in ${doc.uri.fsPath}`);
  }
  return doc.positionAt(at + offset);
}

function contentText(c: vscode.MarkdownString | vscode.MarkedString | { value: string }): string {
  return typeof c === 'string' ? c : c.value;
}

/** All hover text at a position, from every provider, joined. */
export async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos)) ?? [];
  return hovers.map((h) => h.contents.map(contentText).join('\n')).join('\n---\n');
}

/** Hover text at `needle`, waiting until some provider answers with text containing `expect`. */
export async function hoverAt(doc: vscode.TextDocument, needle: string, expect?: string, timeoutMs = 10_000): Promise<string> {
  const pos = positionOf(doc, needle);
  let last = '';
  try {
    return await waitFor(`a hover at "${needle}"${expect ? ` containing "${expect}"` : ''}`, async () => {
      last = await hoverText(doc.uri, pos);
      return last && (!expect || last.includes(expect)) ? last : undefined;
    }, timeoutMs, 200);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nlast hover text: ${JSON.stringify(last)}`);
  }
}

/** Where configuration changes made by tests go: the (temporary) workspace when one is open. */
export function configTarget(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

/** Sets a pagingLayout.* setting; returns a function that restores the previous value. */
export async function setSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const cfg = vscode.workspace.getConfiguration('pagingLayout');
  const target = configTarget();
  const info = cfg.inspect(key);
  const before = target === vscode.ConfigurationTarget.Workspace ? info?.workspaceValue : info?.globalValue;
  await cfg.update(key, value, target);
  return async () => { await vscode.workspace.getConfiguration('pagingLayout').update(key, before, target); };
}

/** Sets pagingLayout.layout and waits until hovers reflect it (the hover names the layout). */
export async function setLayout(id: string, probe?: vscode.TextDocument): Promise<() => Promise<void>> {
  const restore = await setSetting('layout', id);
  if (probe) {
    const text = probe.getText();
    const m = /0x[0-9a-fA-F]{8,16}/.exec(text);
    if (m) await hoverAt(probe, m[0], id);
  }
  return restore;
}

/** The map's snapshot (`pagingLayout.mapSnapshot`) once `expect` holds of it; the last one in the error otherwise. */
export async function mapSnapshot<S>(expect: (s: S) => boolean, what: string): Promise<S> {
  let last: S | undefined;
  return waitFor(what, async () => {
    last = await vscode.commands.executeCommand<S>('pagingLayout.mapSnapshot');
    return last && expect(last) ? last : undefined;
  }, 20_000, 250).catch((e) => { throw new Error(`${(e as Error).message}; last snapshot: ${JSON.stringify(last)?.slice(0, 1500)}`); });
}
