// paging-layout: the layout engine on the command line.
import * as v8 from 'v8';
import { InputError } from './engine/paging';
import { Command, IO } from './cli/common';
import { check } from './cli/check';
import { DOCS_USAGE } from './cli/docs';
import * as q from './cli/query';
import * as evalCmd from './cli/eval';
import { importCmd, IMPORT_USAGE } from './cli/import';
import { layoutCmd, LAYOUT_USAGE } from './cli/layout';

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  layouts: { run: q.layouts, usage: 'layouts [--json] [--layout-file F]…                 list the layout presets' },
  decode: { run: q.decode, usage: 'decode <address> [--layout ID] [--symbols F [--slide N]] [--json]  region, indices, canonical form, alignment; the symbol it is in' },
  capacity: { run: q.capacityCmd, usage: 'capacity <address> [--layout ID] [--json]          bytes to the top of the space and to the next region' },
  overhead: { run: q.overhead, usage: 'overhead <size> [--page 4K|2M|1G|4M] [--mode ID] [--json]  page-table memory to map <size>' },
  tlb: { run: q.tlb, usage: 'tlb <entries> [--page SIZE] [--json]               TLB reach' },
  slot: { run: q.slot, usage: 'slot <n> [--mode ID|--layout ID] [--kernel] [--json]  address range of a top-level slot' },
  diff: { run: q.diff, usage: 'diff <layoutA> <layoutB> [--json] | diff <layout> --kbuild DIR [--arch A]  moved boundaries and region sizes' },
  eval: { run: evalCmd.run, usage: 'eval <expr> [-I dir]… [-D N[=V]]… [--file F]… [--json] [--layout ID]  value of a C expression or #define' },
  check: { run: check, usage: 'check <path>… [--layout ID] [--format text|json|sarif]     diagnostics (PL001…) for C, asm and linker scripts; exit 1 on errors\n  ' + DOCS_USAGE },
  layout: { run: layoutCmd, usage: LAYOUT_USAGE },
  map: { run: q.map, usage: 'map [--layout ID] [--format md|json|svg]           the layout as a table or a picture' },
  import: { run: importCmd, usage: IMPORT_USAGE },
};

export function usage(): string {
  return 'usage: paging-layout <command> [options]\n\n' + Object.values(COMMANDS).map((c) => '  ' + c.usage).join('\n') +
    '\n\nEvery command accepts --layout-file FILE to load a custom layout (JSON, may extend a preset).\n';
}

/** Run the CLI; returns the exit code (0 ok, 1 findings, 2 usage or input error). */
export async function main(argv: string[], io: IO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { io.out(usage()); return name ? 0 : 2; }
  if (name === '--version') { io.out('paging-layout 0.1.0\n'); return 0; }
  const cmd = COMMANDS[name];
  if (!cmd) { io.err(`paging-layout: unknown command '${name}' (try --help)\n`); return 2; }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof InputError) { io.err(`paging-layout ${name}: ${e.message}\n`); return 2; }
    io.err(`paging-layout ${name}: internal error: ${(e as Error).message}\n`);
    return 3;
  }
}

/**
 * V8's optimizing compiler, tuned for the command line (a process of one run, and the check's worker
 * threads, each an isolate that compiles its hot functions again). With the defaults a whole-tree check
 * of Linux 6.1 spends about 4 s of compile time per isolate, much of it optimizing the lexer, the
 * evaluator and the value collector again after each deoptimization on a shape seen late. A larger
 * interrupt budget (a function is optimized after more of its feedback is in) and smaller inlined
 * functions halve that: on 2 cores `check` of the whole tree 7.8 → 7.1 s, CPU 15.0 → 13.4 s, and an
 * `eval --kbuild` 480 → 410 ms (bench/results/2026-12-04-jit.md). Set for the command line only (the
 * editor runs the same code in the extension host, whose flags are VS Code's), before any worker starts;
 * only for the V8 versions known to have both flags (Node 18–22), since an unknown flag prints an error.
 */
export function tuneCompiler(): void {
  const major = Number(process.versions.v8.split('.')[0]);
  if (!(major >= 10 && major <= 12)) return;
  v8.setFlagsFromString('--interrupt-budget=400000');
  v8.setFlagsFromString('--max-inlined-bytecode-size=120');
}

if (require.main === module) {
  tuneCompiler();
  const io: IO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
  main(process.argv.slice(2), io).then((code) => { process.exitCode = code; });
}
