// An import as JSON (exact addresses: 0x + 16 hex digits, sizes as decimal strings) and as Markdown.
import { formatHex, formatSize } from '../../paging/numbers';
import { SYM_ABSOLUTE, SYM_PERCPU, symbolAddress, symbolModule, symbolName, symbolType } from '../symbols';
import { FORMAT_TITLES, ImportEntry, ImportResult } from './common';

const hex = (v: bigint) => formatHex(v, { digits: 16 });

function entryJson(e: ImportEntry) {
  return {
    line: e.line, type: e.type, name: e.name,
    ...(e.end === undefined ? { address: hex(e.start) } : { start: hex(e.start), end: hex(e.end), size: (e.end - e.start + 1n).toString() }),
    ...(e.kind ? { kind: e.kind } : {}),
    ...(e.attrs ? { attrs: e.attrs } : {}),
  };
}

/** Every entry, symbols included, as JSON objects. */
export function importEntriesJson(r: ImportResult): object[] {
  const t = r.symbols;
  if (!t) return r.entries.map(entryJson);
  const out: object[] = new Array(t.count);
  for (let i = 0; i < t.count; i++) {
    const mod = symbolModule(t, i);
    out[i] = {
      line: t.line[i], type: 'symbol', name: symbolName(t, i), address: hex(symbolAddress(t, i)), symbolType: symbolType(t, i),
      ...(mod ? { module: mod } : {}), ...(t.flags[i] & SYM_ABSOLUTE ? { absolute: true } : {}), ...(t.flags[i] & SYM_PERCPU ? { percpu: true } : {}),
    };
  }
  return out;
}

export function importJson(r: ImportResult, file: string) {
  return {
    file, format: r.format, title: FORMAT_TITLES[r.format],
    mode: r.layout?.mode ?? null,
    lines: r.lines, truncated: r.truncated,
    entries: importEntriesJson(r),
    regions: r.layout?.regions.length ?? 0,
    hidden: r.hidden ?? null,
    facts: r.facts.map((f) => ({ name: f.name, value: f.name === 'pgtable_l5_enabled' || f.name === 'vabits_actual' ? f.value.toString() : hex(f.value), line: f.line, how: f.how })),
    problems: r.problems,
  };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');

/** A table of the entries, then the problems. */
export function importMarkdown(r: ImportResult, file: string): string {
  const out = [`# ${file}: ${FORMAT_TITLES[r.format]}`, ''];
  const t = r.symbols;
  if (t) {
    out.push(`${t.count} symbols${t.modules.length ? ` (${t.modules.length} modules)` : ''}.`, '', '| line | address | type | name | module |', '|---:|---|---|---|---|');
    for (let i = 0; i < t.count; i++) out.push(`| ${t.line[i]} | \`${hex(symbolAddress(t, i))}\` | ${symbolType(t, i)} | ${cell(symbolName(t, i))} | ${cell(symbolModule(t, i) ?? '')} |`);
  } else if (r.entries.length) {
    out.push('| line | type | name | start | end | size | details |', '|---:|---|---|---|---|---:|---|');
    for (const e of r.entries) {
      const details = Object.entries(e.attrs ?? {}).map(([k, v]) => `${k} ${v}`).join(', ');
      out.push(`| ${e.line} | ${e.type} | ${cell(e.name)} | \`${hex(e.start)}\` | ${e.end === undefined ? '' : `\`${hex(e.end)}\``} | ${e.end === undefined ? '' : formatSize(e.end - e.start + 1n)} | ${cell(details)} |`);
    }
  } else out.push('No entries.');
  if (r.facts.length) {
    out.push('', '| boot value | value | line | from |', '|---|---|---:|---|');
    for (const f of r.facts) out.push(`| \`${f.name}\` | \`${f.name === 'pgtable_l5_enabled' || f.name === 'vabits_actual' ? f.value : hex(f.value)}\` | ${f.line || ''} | ${cell(f.how)} |`);
  }
  if (r.problems.length) out.push('', '## Problems', '', ...r.problems.map((p) => `- ${p.line ? `line ${p.line}: ` : ''}${p.message}`));
  return out.join('\n') + '\n';
}
