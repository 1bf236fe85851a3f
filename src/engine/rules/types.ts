// Data types of the diagnostics rules: what they read (values found in a file) and what they report.
import { AddressContext } from './addressLike';

/** A 0-based range of a text (end exclusive), as VS Code counts (UTF-16 code units). */
export interface SrcRange {
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
}

export type RuleCode = 'PL001' | 'PL002' | 'PL003' | 'PL004' | 'PL005' | 'PL006' | 'PL007' | 'PL008' | 'PL009' | 'PL010' | 'PL011';
export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type SeveritySetting = Severity | 'off';

/** A numeric literal as written. */
export interface LiteralInfo {
  /** Exactly as written, suffix included (`0xffff880000000000UL`). */
  text: string;
  /** The digits only, without prefix, separators and suffix (`ffff880000000000`). */
  digits: string;
  radix: 2 | 8 | 10 | 16;
  /** Text before the digits (`0x`, `$`, ``) and after them (`UL`, `h`). */
  prefix: string;
  suffix: string;
  /** Value of the digits (before an ld K/M scale); may exceed 64 bits. */
  value: bigint;
  range: SrcRange;
}

/**
 * One value the rules look at: a definition (`#define`, `.set`, `equ`, an ld assignment) or a bare
 * literal of the code. Definitions from included files are given with `local: false`.
 */
export interface RuleValue {
  /** The name that owns the value (undefined for a bare literal). */
  name?: string;
  file: string;
  /** Where a diagnostic about the value goes: the literal when the value is one, else the name. */
  range: SrcRange;
  /** Range of the name (definitions). */
  nameRange?: SrcRange;
  /** The value, when known. May exceed 64 bits (then PL008 reports it). */
  value?: bigint;
  /** The definition's value is a single literal (possibly wrapped in `_AC(…, UL)`, `UL(…)`, parentheses, a cast). */
  literal?: LiteralInfo;
  /** The body as written (definitions). */
  body?: string;
  /** Conditions of the enclosing `#if` groups, as `g<group>:<branch>` keys: values of different branches of one group never meet. */
  branches: string[];
  /** Condition atoms of the enclosing branches (`CONFIG_X`, `!CONFIG_X`): values with contradicting atoms never meet. */
  conds?: string[];
  /** The value is written for this paging depth (its body names a `…_L4` / `…_L5` definition). */
  depth?: number;
  /** The layout cannot apply here: a branch that is false for the layout's configuration, or another architecture's file. */
  inactive?: boolean;
  /** Evidence for address-likeness besides the name. */
  context: Partial<AddressContext>;
  /** The definition sits among register field definitions (`*_SHIFT`, `*_MASK` within three lines): a bit field, not a range boundary. */
  registerField?: boolean;
  /** A comment near the definition says the range grows downwards (its END lies below its START). */
  growsDown?: boolean;
  /** The body names a load or staging address (`PLAT_ATF_LOAD_ADDR`): the value is where an image is put before it runs. */
  fromLoadAddress?: boolean;
  /** Defined in the checked file (true) or in an included one (false). */
  local: boolean;
}

export interface RuleInput {
  /** Path (or URI string) of the checked file, used in related information. */
  file: string;
  values: RuleValue[];
  /**
   * Whether the layout's paging mode applies to this file (false for another architecture's
   * directory, or a 32-bit-only file under a 64-bit layout). Layout-dependent rules stay silent when false.
   */
  layoutApplies: boolean;
}

export interface TextEdit {
  file: string;
  range: SrcRange;
  newText: string;
}

export interface Fix {
  title: string;
  /** Preferred fix (VS Code's isPreferred). */
  preferred?: boolean;
  edits: TextEdit[];
}

export interface RelatedInfo {
  file: string;
  range: SrcRange;
  message: string;
}

export interface Finding {
  code: RuleCode;
  severity: Severity;
  message: string;
  file: string;
  range: SrcRange;
  related: RelatedInfo[];
  fixes: Fix[];
  /** The value the finding is about (for "Decode" and "Show on map"). */
  value?: bigint;
}
