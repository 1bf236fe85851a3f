// The layout the workspace's own kind gives when the user chose none (the editor's status bar says "(inferred)").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { inferWorkspaceKind } from '../../src/context/workspaceKind';

const TREES = path.resolve(__dirname, '../../../test/fixtures/trees');
const folder = (name: string, dir = path.join(TREES, name)) => ({ uri: { scheme: 'file', fsPath: dir }, name });

test('the first folder with a kind decides: Xen, firmware, Linux with its .config', () => {
  const xen = inferWorkspaceKind([folder('plain', path.resolve(TREES, '../diagnostics')), folder('xen')]);
  assert.equal(xen?.layoutId, 'xen-x86_64');
  assert.equal(xen?.folder, 'xen');
  assert.match(xen!.reason, /^Xen tree: xen\/arch\/x86 and xen\/include\/public found$/);
  assert.equal(inferWorkspaceKind([folder('edk2')])?.layoutId, 'firmware-neutral');
  assert.equal(inferWorkspaceKind([folder('u-boot')])?.layoutId, 'firmware-neutral');
  const linux = inferWorkspaceKind([folder('linux-configured')]);
  assert.equal(linux?.kind, 'linux');
  assert.match(linux!.reason, /\.config found/);
  // No kind, or a folder of another file system: nothing inferred.
  assert.equal(inferWorkspaceKind([folder('plain', path.resolve(TREES, '../diagnostics'))]), undefined);
  assert.equal(inferWorkspaceKind([{ uri: { scheme: 'vscode-vfs', fsPath: path.join(TREES, 'xen') }, name: 'remote' }]), undefined);
  assert.equal(inferWorkspaceKind(undefined), undefined);
});
