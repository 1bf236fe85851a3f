// Rendering engine results as Markdown (hovers, previews, CLI text) and as JSON-safe objects.
import { Capacity, Overhead } from './calc';
import { Decoded, modeOf } from './decode';
import { LayoutDiff } from './diff';
import { addressMask, upperHalfStart } from './modes';
import { formatDecimal, formatHex, formatPercent, formatSize, hexDigits } from './numbers';
import { Layout, Region } from './types';

const hex = (v: bigint, digits = 16) => formatHex(v, { digits });
const ghex = (v: bigint, digits = 16) => formatHex(v, { grouped: true, digits });

/** Digits for a layout's addresses: 16 for 64-bit modes, 8 for 32-bit ones. */
export function digitsOf(layout: Layout): number {
  return hexDigits(modeOf(layout).addressBits);
}

export function regionJson(r: Region | undefined, digits = 16) {
  return r ? { name: r.name, kind: r.kind, start: hex(r.start, digits), end: hex(r.end, digits), size: (r.end - r.start + 1n).toString(), description: r.description } : null;
}

export function decodeJson(d: Decoded) {
  const digits = hexDigits(d.mode.addressBits);
  return {
    value: hex(d.value, digits),
    layout: d.layout.id,
    mode: d.mode.id,
    canonical: d.canonical,
    canonicalForm: hex(d.canonicalForm, digits),
    half: d.half,
    region: regionJson(d.region, digits),
    offset: d.offset !== undefined ? hex(d.offset) : null,
    indices: d.indices.map((i) => ({ level: i.level, linux: i.linux, index: i.index })),
    pageOffset: hex(d.pageOffset, 3).replace(/^0x0*(?=.)/, '0x'),
    largestPageAlignment: d.largestPage !== undefined ? d.largestPage.toString() : null,
    alignment: d.alignment.toString(),
    slot: d.slot,
    slotFromEnd: d.slotFromEnd,
    kernelSlot: d.kernelSlot ?? null,
  };
}

/** A region's place as "name + offset" text. */
export function regionPlace(d: Decoded): string {
  if (!d.region) return 'no region of this layout';
  return d.offset === 0n ? `start of **${d.region.name}**` : `**${d.region.name}** + ${formatSize(d.offset!)} (${hex(d.offset!).replace(/^0x0+(?=.)/, '0x')})`;
}

export function indicesText(d: Decoded): string {
  return d.indices.map((i) => `${i.level} ${i.index}`).join(' · ');
}

/** Markdown for a decoded address: compact, one fact a line. */
export function decodeMarkdown(d: Decoded, opts: { title?: string } = {}): string {
  const digits = hexDigits(d.mode.addressBits);
  const lines: string[] = [];
  lines.push(`${opts.title ? `${opts.title} = ` : ''}\`${ghex(d.value, digits)}\` — layout \`${d.layout.id}\``);
  lines.push('');
  if (!d.canonical) {
    lines.push(`⚠ **not canonical** in ${d.mode.title}; canonical form \`${ghex(d.canonicalForm, digits)}\``);
  } else {
    lines.push(`${d.half === 'kernel' ? 'kernel half' : 'user half'}, ${regionPlace(d)}${d.region ? ` *(${d.region.kind})*` : ''}`);
  }
  // Linux counts the kernel's top-level entries backwards too ("PGD entry -240" is slot 272).
  const slotText = d.kernelSlot !== undefined ? `slot ${d.slot} (kernel slot ${d.kernelSlot}; ${d.mode.levels[0].linux} entry ${d.slotFromEnd})` : `slot ${d.slot}`;
  lines.push('');
  lines.push(`indices: ${indicesText(d)} — ${d.mode.levels[0].arch} ${slotText}; page offset ${formatHex(d.pageOffset, { digits: 3 })}`);
  lines.push('');
  const align = d.largestPage ? `aligned to ${formatSize(d.largestPage)} pages` : `not page-aligned`;
  lines.push(`${align}${d.alignment > (d.largestPage ?? 0n) && d.value !== 0n ? ` (alignment ${formatSize(d.alignment)})` : ''}`);
  return lines.join('\n');
}

export function capacityJson(c: Capacity, digits = 16) {
  return {
    address: hex(c.address, digits),
    region: regionJson(c.region, digits),
    toTopOfSpace: c.toTopOfSpace.toString(),
    toRegionEnd: c.toRegionEnd?.toString() ?? null,
    nextRegion: regionJson(c.nextRegion, digits),
    toNextRegion: c.toNextRegion.toString(),
  };
}

export function capacityMarkdown(c: Capacity, digits = 16): string {
  return [
    `capacity from \`${ghex(c.address, digits)}\`:`,
    `- to the top of the address space: **${formatSize(c.toTopOfSpace)}** (${formatDecimal(c.toTopOfSpace)} bytes)`,
    c.region ? `- to the end of **${c.region.name}**: ${formatSize(c.toRegionEnd!)}` : '- not inside a region',
    `- to the next region${c.nextRegion ? ` (**${c.nextRegion.name}** at \`${ghex(c.nextRegion.start, digits)}\`)` : ''}: ${formatSize(c.toNextRegion)}`,
  ].join('\n');
}

export function overheadJson(o: Overhead) {
  return {
    mode: o.mode.id,
    pageSize: o.pageSize.toString(),
    mappedBytes: o.mappedBytes.toString(),
    pages: o.pages.toString(),
    tableBytes: o.tableBytes.toString(),
    ratio: Number(o.tableBytes) / Number(o.mappedBytes),
    levels: o.levels.map((l) => ({ level: l.level, linux: l.linux, tables: l.tables.toString(), tableSize: l.tableSize.toString(), bytes: l.bytes.toString() })),
  };
}

export function overheadMarkdown(o: Overhead): string {
  const rows = o.levels.map((l) => `| ${l.level} (${l.linux}) | ${formatDecimal(l.tables)} | ${formatSize(l.tableSize)} | ${formatSize(l.bytes)} |`);
  return [
    `Mapping **${formatSize(o.mappedBytes)}** with **${formatSize(o.pageSize)}** pages in ${o.mode.title}: ${formatDecimal(o.pages)} pages,`,
    `page tables **${formatSize(o.tableBytes)}** (${formatDecimal(o.tableBytes)} bytes) = **${formatPercent(o.tableBytes, o.mappedBytes)}** of the mapped memory.`,
    '',
    '| level | tables | table size | bytes |',
    '|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** Offset of a kernel-half address from the top of the space, mm.rst style: "-128 TB" → "-128 TiB". */
function offsetText(v: bigint, layout: Layout): string {
  const mode = modeOf(layout);
  const upper = upperHalfStart(mode);
  if (upper !== undefined && v >= upper) return `-${formatSize(addressMask(mode) + 1n - v)}`;
  return formatSize(v) === '0 bytes' ? '0' : formatSize(v);
}

/** The layout as a Markdown table in the style of the kernel's memory-map documents. */
export function mapMarkdown(layout: Layout): string {
  const d = digitsOf(layout);
  const out = [
    `# ${layout.title} (\`${layout.id}\`, ${modeOf(layout).title})`,
    '',
    '| start | offset | end | size | region | kind | description |',
    '|---|---:|---|---:|---|---|---|',
  ];
  for (const r of layout.regions) {
    out.push(`| \`${hex(r.start, d)}\` | ${offsetText(r.start, layout)} | \`${hex(r.end, d)}\` | ${formatSize(r.end - r.start + 1n)} | ${r.name} | ${r.kind} | ${r.description.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
  }
  if (layout.symbols.length) {
    out.push('', '| symbol | value |', '|---|---|');
    for (const s of layout.symbols) out.push(`| \`${s.name}\` | \`${hex(s.value, d)}\` |`);
  }
  if (layout.source.length) out.push('', 'Source: ' + layout.source.join('; '));
  return out.join('\n') + '\n';
}

export function mapJson(layout: Layout) {
  const d = digitsOf(layout);
  return {
    id: layout.id, title: layout.title, mode: layout.mode, description: layout.description, source: layout.source, notes: layout.notes,
    regions: layout.regions.map((r) => regionJson(r, d)!),
    symbols: layout.symbols.map((s) => ({ name: s.name, value: hex(s.value, d), description: s.description ?? null })),
  };
}

function signedSize(v: bigint): string {
  return v === 0n ? '0' : (v > 0n ? '+' : '−') + formatSize(v < 0n ? -v : v);
}

export function diffJson(diff: LayoutDiff) {
  const s = (v: bigint | undefined) => (v === undefined ? null : v.toString());
  const d = Math.max(digitsOf(diff.a), digitsOf(diff.b));
  return {
    a: diff.a.id, b: diff.b.id, changed: diff.changedCount,
    regions: diff.regions.map((r) => ({
      name: r.name, status: r.status, before: regionJson(r.before, d), after: regionJson(r.after, d),
      startDelta: s(r.startDelta), endDelta: s(r.endDelta), slotDelta: r.slotDelta ?? null,
      startSlotBefore: r.startSlotBefore ?? null, startSlotAfter: r.startSlotAfter ?? null,
      sizeBefore: s(r.sizeBefore), sizeAfter: s(r.sizeAfter),
      spaceAboveBefore: s(r.spaceAboveBefore), spaceAboveAfter: s(r.spaceAboveAfter),
    })),
    symbols: diff.symbols.map((x) => ({
      name: x.name, before: x.before !== undefined ? hex(x.before, d) : null, after: x.after !== undefined ? hex(x.after, d) : null,
      delta: s(x.delta), slotBefore: x.slotBefore ?? null, slotAfter: x.slotAfter ?? null,
      spaceAboveBefore: s(x.spaceAboveBefore), spaceAboveAfter: s(x.spaceAboveAfter),
    })),
  };
}

/** One sentence per change, then a table of every region; used by the CLI and the compare command. */
export function diffMarkdown(diff: LayoutDiff): string {
  const d = Math.max(digitsOf(diff.a), digitsOf(diff.b));
  const top = modeOf(diff.a).levels[0].arch;
  const out = [`# \`${diff.a.id}\` → \`${diff.b.id}\``, ''];
  const changes = diff.regions.filter((r) => r.status !== 'same');
  if (!changes.length) out.push('No region boundary differs.');
  for (const r of changes) {
    if (r.status === 'added') out.push(`- **${r.name}** added: \`${hex(r.after!.start, d)}\`..\`${hex(r.after!.end, d)}\` (${formatSize(r.sizeAfter!)}, ${top} ${slotSpan(diff.b, r.after!)})`);
    else if (r.status === 'removed') out.push(`- **${r.name}** removed (was \`${hex(r.before!.start, d)}\`..\`${hex(r.before!.end, d)}\`, ${formatSize(r.sizeBefore!)})`);
    else {
      const parts: string[] = [];
      if (r.startDelta) parts.push(`start moved ${signedSize(r.startDelta)} from \`${hex(r.before!.start, d)}\` (slot ${r.startSlotBefore}) to \`${hex(r.after!.start, d)}\` (slot ${r.startSlotAfter}${r.slotDelta !== undefined ? `, ${Math.abs(r.slotDelta)} slots` : ''})`);
      if (r.endDelta) parts.push(`end moved ${signedSize(r.endDelta)}`);
      parts.push(`size ${formatSize(r.sizeBefore!)} → ${formatSize(r.sizeAfter!)}`);
      if (r.startDelta) parts.push(`space above its start ${formatSize(r.spaceAboveBefore!)} → ${formatSize(r.spaceAboveAfter!)}`);
      out.push(`- **${r.name}**: ${parts.join('; ')}`);
    }
  }
  const movedSyms = diff.symbols.filter((s) => s.delta !== undefined && s.delta !== 0n);
  if (movedSyms.length) {
    out.push('', '| symbol | before | after | moved | slots | space above |', '|---|---|---|---:|---|---|');
    for (const s of movedSyms) {
      out.push(`| \`${s.name}\` | \`${hex(s.before!, d)}\` | \`${hex(s.after!, d)}\` | ${signedSize(s.delta!)} | ${s.slotBefore} → ${s.slotAfter} | ${formatSize(s.spaceAboveBefore!)} → ${formatSize(s.spaceAboveAfter!)} |`);
    }
  }
  out.push('', '| region | before | after | size before | size after |', '|---|---|---|---:|---:|');
  for (const r of diff.regions) {
    const b = r.before ? `\`${hex(r.before.start, d)}\`` : '—', a = r.after ? `\`${hex(r.after.start, d)}\`` : '—';
    out.push(`| ${r.name} | ${b} | ${a} | ${r.sizeBefore !== undefined ? formatSize(r.sizeBefore) : '—'} | ${r.sizeAfter !== undefined ? formatSize(r.sizeAfter) : '—'} |`);
  }
  return out.join('\n') + '\n';
}

function slotSpan(layout: Layout, r: Region): string {
  const m = modeOf(layout);
  const l = m.levels[0];
  const mask = (1n << BigInt(l.bits)) - 1n;
  const a = Number((r.start >> BigInt(l.shift)) & mask), b = Number((r.end >> BigInt(l.shift)) & mask);
  return a === b ? `slot ${a}` : `slots ${a}–${b} (${b - a + 1})`;
}
