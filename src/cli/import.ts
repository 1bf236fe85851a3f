// paging-layout import: a memory map from a running system, a crash dump, an emulator or a build, printed
// as a table, as JSON (the detected format and every entry with exact addresses) or as an SVG picture;
// with --boot, this boot's values applied to the static layout. --live reads this machine's own files.
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_LAYOUT_ID, formatSize, getPreset, InputError, Layout } from '../engine/paging';
import {
  bootJson, bootMarkdown, deriveBootValues, FORMAT_TITLES, ImportResult, importJson, importMarkdown, importMemoryMap,
  isImportFormat, IMPORT_FORMATS, liveReportJson, liveReportMarkdown, readLiveMachine, renderSvg, thisBootLayout, BootValues, LiveFile,
} from '../engine/map';
import { chosenLayout, Command, has, IO, json, one, parseArgs, UsageError } from './common';

/** Largest file read (a 200,000-line kallsyms is ~10 MB). */
export const MAX_IMPORT_BYTES = 256 << 20;

export function readInput(file: string): string {
  let st: fs.Stats;
  try { st = fs.statSync(file); } catch (e) { throw new InputError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`); }
  if (st.isDirectory()) throw new InputError(`${file} is a directory`);
  // /proc and /sys files report size 0; they are read to their end.
  if (st.size > MAX_IMPORT_BYTES) throw new InputError(`${file} is larger than ${formatSize(BigInt(MAX_IMPORT_BYTES))}`);
  try {
    const buf = fs.readFileSync(file);
    if (buf.length > MAX_IMPORT_BYTES) throw new InputError(`${file} is larger than ${formatSize(BigInt(MAX_IMPORT_BYTES))}`);
    if (buf.subarray(0, 8192).includes(0)) throw new InputError(`${file} is a binary file, not a memory map in text`);
    return buf.toString('utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied (it may need root)' : (e as Error).message}`);
  }
}

function importFile(file: string, as?: string): ImportResult {
  if (as !== undefined && !isImportFormat(as)) throw new UsageError(`unknown input format '${as}' (one of ${IMPORT_FORMATS.join(', ')})`);
  return importMemoryMap(readInput(file), { name: path.basename(file), format: as });
}

/** The static layout this boot is compared with: --layout, else the default preset for its paging mode. */
function staticLayoutFor(p: ReturnType<typeof parseArgs>, boot: BootValues | undefined, imported?: Layout): Layout {
  if (one(p, '--layout') || p.flags.has('--layout-file')) return chosenLayout(p);
  const l5 = boot?.values.pgtable_l5_enabled?.value === 1n || imported?.mode === 'x86_64-5level';
  if (imported?.mode.startsWith('arm64')) {
    const arm = getPreset(`linux-${imported.mode.replace(/^arm64-(\d+k)-(\d+)$/, 'arm64-$1-$2bit')}`);
    if (arm) return arm;
  }
  return getPreset(l5 ? 'linux-x86_64-5level' : DEFAULT_LAYOUT_ID)!;
}

export const importCmd: Command = async (args, io) => {
  const p = parseArgs(args, ['--format', '--as', '--system-map', '--layout', '--layout-file'], ['--boot', '--live']);
  const format = one(p, '--format') ?? 'md';
  if (!['md', 'json', 'svg'].includes(format)) throw new UsageError(`unknown --format '${format}' (md, json or svg)`);
  if (has(p, '--live')) return live(p, format, io);
  if (p.positional.length !== 1) throw new UsageError('expected one FILE to import (or --live)');
  const file = p.positional[0];
  const result = importFile(file, one(p, '--as'));
  const mapFile = one(p, '--system-map');
  const linkTime = mapFile ? importFile(mapFile, 'system-map') : undefined;
  const wantsBoot = has(p, '--boot') || linkTime !== undefined || result.facts.length > 0;
  let boot: BootValues | undefined;
  let applied: ReturnType<typeof thisBootLayout> | undefined;
  if (wantsBoot) {
    const pre = deriveBootValues([result], { name: path.basename(file), linkTime });
    const layout = staticLayoutFor(p, pre, result.layout);
    boot = deriveBootValues([result], { name: path.basename(file), linkTime, layout });
    applied = thisBootLayout(layout, boot);
  }
  if (format === 'json') {
    io.out(json({ ...importJson(result, file), boot: boot ? bootJson(boot, applied) : null }));
  } else if (format === 'md') {
    io.out(importMarkdown(result, file) + (boot ? '\n' + bootMarkdown(boot, applied) : ''));
  } else if (has(p, '--boot')) {
    if (!applied || !applied.moves.length) throw new InputError(`${file}: no boot value moves a region of the layout (${boot && Object.keys(boot.values).length ? 'the bases equal the static ones' : 'the input states no bases and no text slide'})`);
    const base = getPreset(applied.layout.extends ?? '') ?? chosenLayout(p);
    io.out(renderSvg({ layout: base, compare: { b: applied.layout, summary: applied.moves.map((m) => m.text) } }));
  } else {
    if (!result.layout) throw new InputError(`${file}: nothing to draw (${result.problems.find((x) => x.line === 0 || x.line === 1)?.message ?? result.problems[0]?.message ?? 'no entries'})`);
    io.out(renderSvg({ layout: result.layout }));
  }
  // Problems go to stderr (one line each) so that JSON and SVG on stdout stay clean.
  if (format !== 'md') for (const pr of result.problems.slice(0, 20)) io.err(`${file}:${pr.line ? `${pr.line}:` : ''} ${pr.message}\n`);
  // Exit 2 when nothing was recognised; a file whose addresses the kernel hid was read, and says so.
  return result.layout || result.symbols?.count || result.entries.length || result.hidden ? 0 : 2;
};

async function live(p: ReturnType<typeof parseArgs>, format: string, io: IO): Promise<number> {
  if (p.positional.length) throw new UsageError('--live reads this machine\'s files; give no FILE');
  if (format === 'svg') throw new UsageError('--live prints a report: --format md or json');
  const reader = (file: string): LiveFile => {
    try {
      const buf = fs.readFileSync(file);
      return { text: buf.subarray(0, MAX_IMPORT_BYTES).toString('utf8') };
    } catch (e) {
      return { error: (e as NodeJS.ErrnoException).code ?? 'EIO', message: (e as Error).message };
    }
  };
  const layout = one(p, '--layout') || p.flags.has('--layout-file') ? chosenLayout(p) : getPreset(DEFAULT_LAYOUT_ID)!;
  const report = await readLiveMachine(reader, { arch: process.arch, layout });
  const applied = Object.keys(report.boot.values).length || report.boot.slide ? thisBootLayout(layout, report.boot) : undefined;
  if (format === 'json') io.out(json({ ...liveReportJson(report), boot: bootJson(report.boot, applied) }));
  else io.out(liveReportMarkdown(report) + '\n' + bootMarkdown(report.boot, applied));
  return 0;
}

export const IMPORT_USAGE = `import FILE [--format md|json|svg] [--as FORMAT] [--system-map F] [--boot] [--layout ID]   a memory map (${Object.keys(FORMAT_TITLES).length} formats, detected); --live: this machine's /proc and debugfs`;
