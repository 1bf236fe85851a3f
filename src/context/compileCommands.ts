// The `-I`/`-isystem` directories a compile_commands.json gives a file: the entry of the file itself,
// else one of a file in the same directory, else the first entry. The database is the one the
// setting names, else `compile_commands.json` or `build/compile_commands.json` of the folder. Read
// once per modification time. No `vscode` import.
import * as fs from 'fs';
import * as path from 'path';

interface CompileCommand { directory?: string; file?: string; command?: string; arguments?: string[] }

export class CompileCommands {
  private readonly cache = new Map<string, { mtime: number; entries: CompileCommand[] }>();

  /** The databases to try, in order: the one a setting names (absolute or relative to the folder), or the folder's own. */
  static databasesFor(folder: string, setting: string): string[] {
    if (setting) return [path.isAbsolute(setting) ? setting : path.join(folder, setting)];
    return [path.join(folder, 'compile_commands.json'), path.join(folder, 'build', 'compile_commands.json')];
  }

  private entries(file: string): CompileCommand[] {
    try {
      const st = fs.statSync(file);
      const hit = this.cache.get(file);
      if (hit && hit.mtime === st.mtimeMs) return hit.entries;
      const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      const entries = Array.isArray(parsed) ? parsed.filter((e): e is CompileCommand => !!e && typeof e === 'object') : [];
      if (this.cache.size > 16) this.cache.clear();
      this.cache.set(file, { mtime: st.mtimeMs, entries });
      return entries;
    } catch { return []; }
  }

  /** Include directories for `file` (absolute) from the database of `folder`/`setting`. */
  includeDirs(file: string, folder: string, setting: string): string[] {
    let entries: CompileCommand[] = [];
    for (const db of CompileCommands.databasesFor(folder, setting)) {
      entries = this.entries(db);
      if (entries.length) break;
    }
    const abs = (dir: string, f: string) => (path.isAbsolute(f) ? f : path.join(dir, f));
    const named = (e: CompileCommand) => typeof e.file === 'string' && e.file.length > 0;
    const pick = entries.find((e) => named(e) && abs(e.directory ?? folder, e.file!) === file)
      ?? entries.find((e) => named(e) && path.dirname(abs(e.directory ?? folder, e.file!)) === path.dirname(file))
      ?? entries[0];
    if (!pick) return [];
    const dir = typeof pick.directory === 'string' ? pick.directory : folder;
    const args = Array.isArray(pick.arguments) ? pick.arguments.filter((a): a is string => typeof a === 'string') : (typeof pick.command === 'string' ? pick.command : '').split(/\s+/);
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const m = /^-(?:I|isystem)(.*)$/.exec(args[i]);
      if (!m) continue;
      const d = m[1] || args[++i];
      if (d) out.push(abs(dir, d));
    }
    return out;
  }
}
