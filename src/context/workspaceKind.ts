// The kind of a workspace (a Xen tree, firmware, Linux with its .config) from its folders' top-level
// paths, for the layout used when the user chose none. No `vscode` import: folders are plain objects.
import * as fs from 'fs';
import * as path from 'path';
import { inferTreeKind, TreeInference } from '../engine/paging';

/**
 * The kind of the first workspace folder that has one (Xen, firmware, Linux with its `.config`): a few
 * existence tests at the folder's root, on local folders only.
 */
export function inferWorkspaceKind(folders: readonly { uri: { scheme: string; fsPath: string }; name: string }[] | undefined): (TreeInference & { folder: string }) | undefined {
  for (const f of folders ?? []) {
    if (f.uri.scheme !== 'file') continue;
    const root = f.uri.fsPath;
    const r = inferTreeKind({
      exists: (rel) => fs.existsSync(path.join(root, rel)),
      read: (rel) => { try { const p = path.join(root, rel); return fs.statSync(p).size < 1 << 20 ? fs.readFileSync(p, 'latin1') : undefined; } catch { return undefined; } },
    });
    if (r) return { ...r, folder: f.name };
  }
  return undefined;
}
