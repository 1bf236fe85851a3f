// The actions offered on a number under the cursor: conversions between `0x…`, `_AC(…, UL)`, a shift
// and a size form (in the forms the language family accepts), *Decode* and *Show on map*.
import { NumberForm, NumberSpan, numberAt, numberForms } from '../engine/rules';
import { Family } from '../engine/source';

/** Longest line the actions look at. */
export const MAX_ACTION_LINE = 10_000;
/** Smaller numbers are counts and bit numbers: no actions. */
const SMALL_VALUE = 0x1000n;

export interface CommandAction {
  title: string;
  command: string;
  arguments: unknown[];
}

export interface LiteralActions {
  /** The number as written on the line (columns, end exclusive). */
  span: NumberSpan;
  rewrites: NumberForm[];
  decode: CommandAction;
  showOnMap: CommandAction;
}

/** The actions on the number at `character` of a line, or undefined when there is none worth acting on. */
export function literalActions(line: string, character: number, family: Family, layoutId: string): LiteralActions | undefined {
  if (line.length > MAX_ACTION_LINE) return undefined;
  const span = numberAt(line, character);
  if (!span || span.value < SMALL_VALUE) return undefined;
  const hex = '0x' + span.value.toString(16);
  return {
    span,
    rewrites: numberForms(span, family),
    decode: { title: `Decode ${hex} (${layoutId})`, command: 'pagingLayout.decodeAddress', arguments: [span.form === 'hex' || span.form === 'decimal' ? span.text : hex] },
    showOnMap: { title: `Show ${hex} on map`, command: 'pagingLayout.showMap', arguments: [{ address: hex, layoutId }] },
  };
}
