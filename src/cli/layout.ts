// paging-layout layout --kbuild DIR [--arch A] [--format md|json|svg]
//
// The layout of a kernel tree under its configuration: the architecture's recipe (layouts/recipes/,
// data) evaluated with the `eval --kbuild` machinery, boot defaults for runtime bases, the pieces
// that cannot be evaluated reported as such. The derivation is derive.ts's (the editor's too).

import { mapMarkdown, formatHex } from '../engine/paging';
import { derivedJson, DerivedLayout, renderSvg } from '../engine/map';
import { Command, json, one, parseArgs, UsageError } from './common';
import { deriveKbuildLayout } from './derive';


export const LAYOUT_USAGE = 'layout --kbuild DIR [--arch A] [--format md|json|svg]  the layout derived from a kernel tree\'s headers for its configuration';

/** The Markdown of a derived layout: the map, then what is randomised and what is not placed. */
export function derivedMarkdown(d: DerivedLayout): string {
  const lines = [mapMarkdown(d.layout).trimEnd(), ''];
  const rnd = d.regions.filter((r) => r.placed && r.randomised);
  if (rnd.length) lines.push(`Randomised at boot (shown at the boot default): ${rnd.map((r) => r.name).join(', ')}.`, '');
  const out = d.regions.filter((r) => !r.placed);
  if (out.length) {
    lines.push('Not placed:', '');
    for (const r of out) lines.push(`- ${r.name} (${r.kind}): ${r.reason}${r.start.value !== undefined ? `; start ${formatHex(r.start.value, { digits: 16 })}` : ''}`);
    lines.push('');
  }
  return lines.join('\n');
}

export const layoutCmd: Command = (args, io) => {
  const p = parseArgs(args, ['--kbuild', '--arch', '--format'], []);
  if (p.positional.length) throw new UsageError(`unexpected argument '${p.positional[0]}'`);
  const dir = one(p, '--kbuild');
  if (!dir) throw new UsageError('layout needs --kbuild DIR');
  const format = one(p, '--format') ?? 'md';
  if (!['md', 'json', 'svg'].includes(format)) throw new UsageError(`unknown --format '${format}' (md, json or svg)`);
  const k = deriveKbuildLayout(dir, { arch: one(p, '--arch') });
  if (format === 'md') io.out(derivedMarkdown(k.derived));
  else if (format === 'json') io.out(json({ ...derivedJson(k.derived), recipe: k.recipe.id, kbuild: { sourceTree: k.sourceTree, buildDir: k.buildDir, arch: k.arch } }));
  else io.out(renderSvg({ layout: k.derived.layout }));
  return 0;
};
