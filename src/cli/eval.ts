// paging-layout eval <expression> [-I dir]… [-D NAME[=VALUE]]… [--file path]… [--json] [--layout ID] [--mode ID]
//
// Evaluates a C constant expression (or a macro name) with the definitions of the given files and
// their includes, the user's defines and the active paging mode's helpers.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText, chainText, condText, deriveName, EvalAlternative, EvalResult, parseDefineArgs } from '../engine/source';
import { requireLayout, DEFAULT_LAYOUT_ID, getMode, MODES, formatHex, PagingMode } from '../engine/paging';

export interface EvalIO {
  out(s: string): void;
  err(s: string): void;
}

export const usage = 'eval <expression> [-I dir]… [-D NAME[=VALUE]]… [--file path]… [--json] [--layout ID|--mode ID]  value of a C expression or macro';

class Usage extends Error {}

interface Opts {
  expr: string[];
  includeDirs: string[];
  defines: string[];
  files: string[];
  json: boolean;
  layout?: string;
  mode?: string;
}

function parse(args: string[]): Opts {
  const o: Opts = { expr: [], includeDirs: [], defines: [], files: [], json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const val = (flag: string): string => {
      if (i + 1 >= args.length) throw new Usage(`${flag} needs a value`);
      return args[++i];
    };
    if (a === '--') { o.expr.push(...args.slice(i + 1)); break; }
    if (a === '--json') o.json = true;
    else if (a === '-I' || a === '--include') o.includeDirs.push(val(a));
    else if (/^-I./.test(a)) o.includeDirs.push(a.slice(2));
    else if (a === '-D' || a === '--define') o.defines.push(val(a));
    else if (/^-D./.test(a)) o.defines.push(a.slice(2));
    else if (a === '--file' || a === '-f') o.files.push(val(a));
    else if (a.startsWith('--file=')) o.files.push(a.slice(7));
    else if (a === '--layout') o.layout = val(a);
    else if (a.startsWith('--layout=')) o.layout = a.slice(9);
    else if (a === '--mode') o.mode = val(a);
    else if (a.startsWith('--mode=')) o.mode = a.slice(7);
    else if (a.startsWith('--') || (/^-[A-Za-z]/.test(a) && a.length > 1)) throw new Usage(`unknown option ${a}`);
    else o.expr.push(a);
  }
  if (o.expr.length === 0) throw new Usage('missing <expression> (usage: paging-layout ' + usage.split('  ')[0] + ')');
  return o;
}

function pickMode(o: Opts): PagingMode {
  if (o.mode) {
    const m = getMode(o.mode);
    if (!m) throw new Usage(`unknown paging mode '${o.mode}' (known: ${MODES.map((x) => x.id).join(', ')})`);
    return m;
  }
  let layout;
  try {
    layout = requireLayout(o.layout ?? DEFAULT_LAYOUT_ID);
  } catch (e) {
    throw new Usage((e as Error).message);
  }
  const m = getMode(layout.mode);
  if (!m) throw new Usage(`layout ${layout.id} names unknown paging mode ${layout.mode}`);
  return m;
}

const hex16 = (v: bigint) => formatHex(v, { digits: 16 });

function readFile(p: string): string | undefined {
  try {
    const st = fs.statSync(p);
    if (!st.isFile() || st.size > 16 * 1024 * 1024) return undefined;
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

/** `paging-layout eval`: exit 0 with a value, 1 when it cannot be evaluated, 2 on bad input. */
export function run(args: string[], io: EvalIO): number {
  let o: Opts;
  let mode: PagingMode;
  try {
    o = parse(args);
    mode = pickMode(o);
    for (const f of o.files) {
      if (readFile(path.resolve(f)) === undefined) throw new Usage(`cannot read --file ${f}`);
    }
    for (const d of o.defines) if (!/^[A-Za-z_]\w*(=.*)?$/s.test(d)) throw new Usage(`-D ${d}: expected NAME or NAME=VALUE`);
  } catch (e) {
    io.err(`paging-layout eval: ${(e as Error).message}\n`);
    return 2;
  }
  const expr = o.expr.join(' ');
  // The files become includes of a synthetic document, so their own includes resolve as usual.
  const main = path.resolve('<command line>');
  const text = o.files.map((f) => `#include "${path.resolve(f)}"`).join('\n');
  const includeDirs = o.includeDirs.map((d) => path.resolve(d));
  const analysis = analyzeText(text, { file: main, family: 'c', mode, defines: parseDefineArgs(o.defines), includeDirs, readFile });
  const problems = analysis.includes.filter((i) => i.error && !/cycle/.test(i.error)).map((i) => i.error!);

  const isName = /^[A-Za-z_]\w*$/.test(expr);
  const result: EvalResult = analysis.evaluate(expr);
  const alts = result.alternatives;
  const syntax = alts.find((a) => a.errorCode === 'syntax');
  if (syntax && alts.every((a) => a.errorCode === 'syntax')) {
    io.err(`paging-layout eval: '${expr}': ${syntax.error}\n`);
    return 2;
  }
  const first = alts[0];
  const sameValue = alts.every((a) => a.u64 !== undefined && a.u64 === first.u64);
  const steps = isName ? deriveName(expr, analysis.options) : undefined;
  const dependsOn = sameValue ? [] : first.conditions.map(condText);
  const unresolved = [...new Set(first.unresolved)];
  const altJson = (a: EvalAlternative) => ({
    value: a.u64 !== undefined ? hex16(a.u64) : null,
    dependsOn: a.conditions.map(condText),
    unresolved: a.unresolved,
    ...(a.error ? { error: a.error } : {}),
  });

  if (o.json) {
    const out: Record<string, unknown> = {
      expression: expr,
      value: first.u64 !== undefined ? hex16(first.u64) : null,
      unresolved,
      dependsOn,
    };
    if (first.error) out.error = first.error;
    if (first.type) out.type = first.type.name;
    if (first.runtime.length) out.runtime = first.runtime;
    if (first.assumptions.length) out.assumptions = first.assumptions;
    if (steps) out.steps = steps.alternatives.map((a) => ({ chain: a.chain, dependsOn: a.conditions.map(condText), value: a.u64 !== undefined ? hex16(a.u64) : null }));
    if (alts.length > 1 && !sameValue) out.alternatives = alts.map(altJson);
    out.mode = mode.id;
    if (problems.length) out.includeProblems = problems;
    io.out(JSON.stringify(out, null, 2) + '\n');
  } else {
    const lines: string[] = [];
    for (const [k, a] of alts.entries()) {
      if (k > 0 && sameValue) break;
      const cond = a.conditions.length && !sameValue ? `   if ${a.conditions.map(condText).join(' && ')}` : '';
      const chain = steps?.alternatives[k] ? chainText(steps.alternatives[k]) : undefined;
      if (a.u64 !== undefined) {
        const head = chain && chain.includes(' = ') ? chain : `${expr} = ${hex16(a.u64)}`;
        lines.push(`${head}${cond}`);
        lines.push(`  ${formatHex(a.u64, { grouped: true })}  (${a.u64}${a.value !== undefined && a.value < 0n ? `, ${a.value} as ${a.type?.name}` : ''})`);
      } else {
        lines.push(`${chain && chain.includes(' = ') ? chain + ': ' : expr + ': '}${a.error}${cond}`);
      }
    }
    for (const s of first.assumptions) lines.push(`  assumes ${s}`);
    for (const p of problems) lines.push(`  note: ${p}`);
    io.out(lines.join('\n') + '\n');
  }
  return first.u64 !== undefined ? 0 : 1;
}
