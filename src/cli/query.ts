// CLI commands over layouts: layouts, decode (with --symbols: the symbol an address is in), capacity, overhead, tlb, slot, diff, map.
import { builtinLayouts, capacity, firmwareNeutralLayout, capacityJson, capacityMarkdown, decodeAddress, decodeJson, decodeMarkdown, diffJson, diffLayouts, diffMarkdown, formatHex, formatSize, getMode, hexDigits, InputError, mapJson, mapMarkdown, modeOf, MODES, overheadJson, overheadMarkdown, pageTableOverhead, parseAddress, parseSize, requireLayout, slotRange, tlbReach } from '../engine/paging';
import * as path from 'path';
import { describeMatch, FORMAT_TITLES, importMemoryMap, nearestSymbol, renderSvg } from '../engine/map';
import { readInput } from './import';
import { deriveKbuildLayout } from './derive';
import { chosenLayout, Command, customLayouts, has, json, one, parseArgs, UsageError } from './common';

const LAYOUT_OPTS = ['--layout', '--layout-file'];

/** Markdown to terminal text: drop emphasis and code marks, keep tables. */
export function plain(md: string): string {
  return md.replace(/\*\*(.*?)\*\*/g, '$1').replace(/\*(\(.*?\))\*/g, '$1').replace(/`([^`]*)`/g, '$1');
}

function needOne(positional: string[], what: string): string {
  if (positional.length !== 1) throw new UsageError(`expected exactly one ${what}`);
  return positional[0];
}

export const layouts: Command = (args, io) => {
  const p = parseArgs(args, ['--layout-file'], ['--json']);
  const all = [...customLayouts(p), ...builtinLayouts(), firmwareNeutralLayout()];
  if (has(p, '--json')) io.out(json(all.map((l) => ({ id: l.id, title: l.title, mode: l.mode, regions: l.regions.length, origin: l.origin, source: l.source }))));
  else {
    const w = Math.max(...all.map((l) => l.id.length));
    for (const l of all) io.out(`${l.id.padEnd(w)}  ${l.mode.padEnd(14)} ${l.title}\n`);
  }
  return 0;
};

/** The symbol an address is in, from --symbols FILE (kallsyms or System.map) and --slide N. */
function symbolOf(p: ReturnType<typeof parseArgs>, value: bigint): { json: object | null; text: string } | undefined {
  const file = one(p, '--symbols');
  const slideText = one(p, '--slide');
  if (!file) { if (slideText) throw new UsageError('--slide needs --symbols FILE'); return undefined; }
  const res = importMemoryMap(readInput(file), { name: path.basename(file) });
  if (!res.symbols) throw new InputError(`${file} is not a symbol file (kallsyms or System.map); it reads as ${FORMAT_TITLES[res.format]}`);
  const t = res.symbols;
  if (t.allZero) throw new InputError(`${file}: ${res.problems[0]?.message ?? 'every address is 0'}`);
  const slide = slideText ? (slideText.startsWith('-') ? -parseAddress(slideText.slice(1)) : parseAddress(slideText.replace(/^\+/, ''))) : 0n;
  const m = nearestSymbol(t, value, { slide });
  if (!m) {
    const hint = t.kind === 'system-map' && !slideText ? '; a System.map holds link-time addresses: give --slide with the boot\'s KASLR offset' : '';
    return { json: null, text: `Symbol: none in ${file} (below its first symbol, past the kernel image, or far from every module symbol${hint})` };
  }
  return {
    json: { name: m.name, offset: `0x${m.offset.toString(16)}`, type: m.type, module: m.module ?? null, address: formatHex(m.address), slide: m.slide ? `${m.slide < 0n ? '-' : '+'}0x${(m.slide < 0n ? -m.slide : m.slide).toString(16)}` : null, line: m.line, text: m.text },
    text: `Symbol: ${describeMatch(t, m)}`,
  };
}

export const decode: Command = (args, io) => {
  const p = parseArgs(args, [...LAYOUT_OPTS, '--symbols', '--slide'], ['--json']);
  const layout = chosenLayout(p);
  const value = parseAddress(needOne(p.positional, 'address'));
  const d = decodeAddress(value, layout);
  const sym = symbolOf(p, value);
  if (has(p, '--json')) io.out(json(sym ? { ...decodeJson(d), symbol: sym.json } : decodeJson(d)));
  else io.out(plain(decodeMarkdown(d)).replace(/\n\n/g, '\n') + '\n' + (sym ? sym.text + '\n' : ''));
  return 0;
};

export const capacityCmd: Command = (args, io) => {
  const p = parseArgs(args, LAYOUT_OPTS, ['--json']);
  const layout = chosenLayout(p);
  const c = capacity(parseAddress(needOne(p.positional, 'address')), layout);
  const digits = hexDigits(modeOf(layout).addressBits);
  io.out(has(p, '--json') ? json(capacityJson(c, digits)) : plain(capacityMarkdown(c, digits)) + '\n');
  return 0;
};

export const overhead: Command = (args, io) => {
  const p = parseArgs(args, ['--page', '--mode', ...LAYOUT_OPTS], ['--json']);
  const size = parseSize(needOne(p.positional, 'size'));
  const modeId = one(p, '--mode');
  const mode = modeId ? getMode(modeId) : modeOf(chosenLayout(p));
  if (!mode) throw new InputError(`unknown paging mode '${modeId}' (known: ${MODES.map((m) => m.id).join(', ')})`);
  const page = parseSize(one(p, '--page') ?? '4K');
  const o = pageTableOverhead(size, page, mode);
  io.out(has(p, '--json') ? json(overheadJson(o)) : plain(overheadMarkdown(o)) + '\n');
  return 0;
};

export const tlb: Command = (args, io) => {
  const p = parseArgs(args, ['--page'], ['--json']);
  const entries = BigInt(parseSize(needOne(p.positional, 'entry count')));
  const page = parseSize(one(p, '--page') ?? '4K');
  const reach = tlbReach(entries, page);
  io.out(has(p, '--json') ? json({ entries: entries.toString(), pageSize: page.toString(), reach: reach.toString() })
    : `${entries} entries × ${formatSize(page)} pages reach ${formatSize(reach)} (${reach} bytes)\n`);
  return 0;
};

export const slot: Command = (args, io) => {
  const p = parseArgs(args, ['--mode', ...LAYOUT_OPTS], ['--json', '--kernel']);
  const modeId = one(p, '--mode');
  const mode = modeId ? getMode(modeId) : modeOf(chosenLayout(p));
  if (!mode) throw new InputError(`unknown paging mode '${modeId}'`);
  const text = needOne(p.positional, 'slot number');
  if (!/^-?\d+$/.test(text)) throw new UsageError(`'${text}' is not a slot number`);
  const r = slotRange(mode, Number(text), has(p, '--kernel'));
  const digits = hexDigits(mode.addressBits);
  io.out(has(p, '--json') ? json({ slot: r.slot, start: formatHex(r.start, { digits }), end: formatHex(r.end, { digits }), size: r.size.toString() })
    : `${mode.levels[0].arch} slot ${r.slot}: ${formatHex(r.start, { digits })}..${formatHex(r.end, { digits })} (${formatSize(r.size)})\n`);
  return 0;
};

export const diff: Command = (args, io) => {
  const p = parseArgs(args, ['--layout-file', '--kbuild', '--arch'], ['--json']);
  const kbuild = one(p, '--kbuild');
  if (one(p, '--arch') && !kbuild) throw new UsageError('--arch needs --kbuild');
  if (p.positional.length !== (kbuild ? 1 : 2)) throw new UsageError(kbuild ? 'expected one layout id (the other is the layout derived from --kbuild)' : 'expected two layout ids');
  const extra = customLayouts(p);
  const b = kbuild ? deriveKbuildLayout(kbuild, { arch: one(p, '--arch') }).derived.layout : requireLayout(p.positional[1], extra);
  const d = diffLayouts(requireLayout(p.positional[0], extra), b);
  io.out(has(p, '--json') ? json(diffJson(d)) : plain(diffMarkdown(d)));
  return 0;
};

export const map: Command = (args, io) => {
  const p = parseArgs(args, ['--format', ...LAYOUT_OPTS], []);
  if (p.positional.length) throw new UsageError(`unexpected argument '${p.positional[0]}'`);
  const layout = chosenLayout(p);
  const format = one(p, '--format') ?? 'md';
  if (format === 'md') io.out(mapMarkdown(layout));
  else if (format === 'json') io.out(json(mapJson(layout)));
  else if (format === 'svg') io.out(renderSvg({ layout }));
  else throw new UsageError(`unknown --format '${format}' (md, json or svg)`);
  return 0;
};
