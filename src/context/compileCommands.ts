// The flags a compile_commands.json gives a file, read with the engine's CompileDatabase: `-I`,
// `-isystem`, `-iquote`, `-idirafter`, `-D`/`-U`, `@response` files, `arguments` or a shell-quoted
// `command`, relative to `directory`. A file the database lists gets its own entry's flags; a header or
// `.S` file those of a unit that includes it, of a sibling `.c`, else of the nearest entry. The database
// is the one the setting names, else `compile_commands.json` or `build/compile_commands.json` of the
// folder; read once per modification time. No `vscode` import.
import * as fs from 'fs';
import * as path from 'path';
import { CompileDatabase, DefineSettings, searchPath } from '../engine/source';

/** What a database gives one file. */
export interface FileFlags {
  /** Search directories in the compiler's order (`-iquote`, `-I`, `-isystem`, `-idirafter`). */
  includeDirs: string[];
  /** `-D`/`-U` of the unit (`KBUILD_*` names left out: they name the object being built). */
  defines: DefineSettings;
  /** The unit whose flags these are, and how it was chosen. */
  unit?: string;
}

const NONE: FileFlags = { includeDirs: [], defines: {} };
/** Translation units read to find one that includes a header (each a file read on the caller's thread). */
const MAX_INCLUDER_READS = 24;

export class CompileCommands {
  private readonly cache = new Map<string, { mtime: number; size: number; db: CompileDatabase | undefined }>();

  /** The databases to try, in order: the one a setting names (absolute or relative to the folder), or the folder's own. */
  static databasesFor(folder: string, setting: string): string[] {
    if (setting) return [path.isAbsolute(setting) ? setting : path.join(folder, setting)];
    return [path.join(folder, 'compile_commands.json'), path.join(folder, 'build', 'compile_commands.json')];
  }

  private database(file: string): CompileDatabase | undefined {
    let st: fs.Stats;
    try { st = fs.statSync(file); } catch { return undefined; }
    const hit = this.cache.get(file);
    if (hit && hit.mtime === st.mtimeMs && hit.size === st.size) return hit.db;
    let db: CompileDatabase | undefined;
    try {
      db = CompileDatabase.fromText(fs.readFileSync(file, 'utf8'), file, { readFile: (p) => { try { return fs.readFileSync(p, 'utf8'); } catch { return undefined; } } });
    } catch { db = undefined; }
    if (this.cache.size > 16) this.cache.clear();
    this.cache.set(file, { mtime: st.mtimeMs, size: st.size, db });
    return db;
  }

  /** The flags for `file` (absolute) from the database of `folder`/`setting`. */
  flags(file: string, folder: string, setting: string): FileFlags {
    for (const name of CompileCommands.databasesFor(folder, setting)) {
      const db = this.database(name);
      if (!db) continue;
      const choice = db.flagsFor(file, MAX_INCLUDER_READS);
      if (!choice) continue;
      const defines: DefineSettings = {};
      for (const [k, v] of Object.entries(choice.flags.defines)) if (!/^_*KBUILD_/.test(k)) defines[k] = v;
      return { includeDirs: searchPath(choice.flags, true), defines, unit: choice.unit };
    }
    return NONE;
  }

  /** Include directories for `file` (absolute) from the database of `folder`/`setting`. */
  includeDirs(file: string, folder: string, setting: string): string[] {
    return this.flags(file, folder, setting).includeDirs;
  }
}
