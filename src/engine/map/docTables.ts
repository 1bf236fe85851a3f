// The layout tables of a kernel's documentation (.rst): rows of start, end, size and description,
// with the line and columns of each cell. Tolerant of the shapes the kernel's tables take:
//  - `|`-separated tables (x86-64 mm.rst, RISC-V vm-layout.rst; also grid tables' `| a | b |` rows),
//    with `===`/`___`/`+--+` separator lines, continuation rows (empty address cells) and section rows
//    (a single cell of text);
//  - whitespace-separated tables (arm64 memory.rst, reST simple tables): a header line naming
//    Start, End, Size and a description column, rows of two addresses, a size and the rest.
// Addresses may carry `_` separators and a 0x prefix; sizes read `64 TB`, ` 0.5 TB`, `~16M TB`, `4 kB`,
// `512GB`. A cell that is a name (`FIXADDR_START`) is kept as text, without a value. Pure.

export interface DocSize {
  /** The size in bytes as written, rounded down (`0.5 TB` is 2^39). */
  bytes: bigint;
  /** The number as written and its unit's bytes: the written value is `mantissa / 10^decimals * unit`. */
  mantissa: bigint;
  decimals: number;
  unit: bigint;
  /** Written with `~`: an approximation. */
  approx: boolean;
  text: string;
}

/** A cell's position: 0-based line, columns [start, end). */
export interface DocCell {
  text: string;
  line: number;
  start: number;
  end: number;
}

export interface DocRow {
  /** 0-based line of the row's first line. */
  line: number;
  /** The start address, or undefined when the cell is a name or empty (then `startCell.text` says what). */
  start?: bigint;
  /** The inclusive last address. */
  end?: bigint;
  size?: DocSize;
  description: string;
  /** Written in brackets (arm64: a range inside another one, e.g. the KASAN shadow in the linear map). */
  bracketed: boolean;
  startCell?: DocCell;
  endCell?: DocCell;
  sizeCell?: DocCell;
}

export interface DocTable {
  /** The heading or `…::` caption the table follows (`Complete virtual memory map with 4-level page tables`). */
  title: string;
  /** 0-based line of the table's header line. */
  line: number;
  shape: 'pipe' | 'columns';
  rows: DocRow[];
}

export interface DocProblem {
  line: number;
  message: string;
}

export interface DocParse {
  tables: DocTable[];
  /** Lines of a table that could not be read (a clear sentence each). */
  problems: DocProblem[];
}

const UNIT_BYTES: Record<string, bigint> = { '': 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n, P: 1n << 50n, E: 1n << 60n };
const SIZE_RE = /^(~)?\s*(\d+(?:\.\d+)?)\s*([KM](?=\s*[KMGTPE]i?B))?\s*(?:([kKMGTPE])i?B|(B|bytes?))$/;

/** A size as the tables write it (`64 TB`, ` 0.5 TB`, `~16M TB`, `4 kB`, `512GB`), or undefined. */
export function parseDocSize(text: string): DocSize | undefined {
  const t = text.trim();
  const m = SIZE_RE.exec(t);
  if (!m) return undefined;
  const [, tilde, num, mult, unitLetter] = m;
  const [int, frac = ''] = num.split('.');
  let unit = UNIT_BYTES[(unitLetter ?? '').toUpperCase()];
  // `16M TB`: a million (2^20) terabytes; `16K PB`: 2^10 petabytes.
  if (mult) unit *= UNIT_BYTES[mult];
  const mantissa = BigInt(int + frac);
  const scale = 10n ** BigInt(frac.length);
  return { bytes: (mantissa * unit) / scale, mantissa, decimals: frac.length, unit, approx: !!tilde, text: t };
}

/** An address cell: hex digits with optional `_` separators and 0x prefix (at least 8 digits), or undefined. */
export function parseDocAddress(text: string): bigint | undefined {
  const t = text.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f][0-9a-f_]*$/i.test(t)) return undefined;
  const digits = t.replace(/_/g, '');
  if (digits.length < 8 || digits.length > 16) return undefined;
  return BigInt('0x' + digits);
}

/** A line of a reST section underline or a table border: one punctuation character repeated. */
const UNDERLINE = /^\s*([=\-~^"'`#*+_])\1{2,}\s*$/;
/** A separator line of a pipe or grid table: only `_ = - + |` and blanks, with at least three of the first four. */
const PIPE_SEPARATOR = /^[\s_=+\-|]*$/;

/** Split a `|` row into cells with their columns (a leading/trailing `|` of a grid row dropped). */
function pipeCells(line: string, lineNo: number, grid: boolean): DocCell[] {
  const cells: DocCell[] = [];
  let a = 0;
  for (let i = 0; i <= line.length; i++) {
    if (i === line.length || line[i] === '|') {
      const raw = line.slice(a, i);
      const lead = raw.length - raw.trimStart().length;
      const text = raw.trim();
      cells.push({ text, line: lineNo, start: a + lead, end: a + lead + text.length });
      a = i + 1;
    }
  }
  // `| a | b |`: the empty cells before the first and after the last bar are the grid's edges.
  if (grid && /^\s*\|/.test(line) && cells.length > 1 && cells[0].text === '') cells.shift();
  if (grid && /\|\s*$/.test(line) && cells.length > 1 && cells[cells.length - 1].text === '') cells.pop();
  return cells;
}

interface Columns { start: number; end: number; size: number; description: number; count: number; grid: boolean }

/** A grid table's row: `|` first and last on the line (its header decides for the table). */
const GRID_ROW = /^\s*\|.*\|\s*$/;

const START_WORD = /^(start|first|from|begin)/i;
const END_WORD = /^(end|last|to)\b/i;
const SIZE_WORD = /^(size|span|length)\b/i;

/** The columns of a pipe header (`Start addr | Offset | End addr | Size | VM area description`), or undefined. */
function pipeHeader(cells: DocCell[]): Columns | undefined {
  const find = (re: RegExp) => cells.findIndex((c) => re.test(c.text));
  const start = find(START_WORD), end = find(END_WORD), size = find(SIZE_WORD);
  if (start < 0 || end < 0 || size < 0) return undefined;
  let description = find(/descr|\buse\b|area|region|name|what/i);
  if (description < 0 || description === start || description === end || description === size) description = cells.length - 1;
  return { start, end, size, description, count: cells.length, grid: false };
}

/** Table captions: a heading's text, or a paragraph line ending in `::` with text before it. */
function captionAt(lines: string[], i: number): string | undefined {
  const l = lines[i];
  const next = lines[i + 1];
  if (l.trim() && !UNDERLINE.test(l) && next !== undefined && UNDERLINE.test(next) && next.trim().length >= Math.min(3, l.trim().length)) return l.trim();
  const m = /^\s*(\S.*?)\s*::\s*$/.exec(l);
  if (m && !/^\.\./.test(m[1])) return m[1];
  return undefined;
}

const normalise = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Parse every layout table of a document. Never throws: unreadable table lines become problems. */
export function parseDocTables(text: string): DocParse {
  const lines = text.split(/\r?\n/);
  const tables: DocTable[] = [];
  const problems: DocProblem[] = [];
  let caption = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // A table's header first (a header line above a `====` border is no section heading).
    if (line.includes('|')) {
      const cols = pipeHeader(pipeCells(line, i, GRID_ROW.test(line)));
      if (cols) { i = readPipeTable(lines, i, { ...cols, grid: GRID_ROW.test(line) }, caption, tables, problems); continue; }
    }
    const cols = columnsHeader(line);
    if (cols) { i = readColumnsTable(lines, i, cols, caption, tables, problems); continue; }
    const c = captionAt(lines, i);
    if (c !== undefined) caption = c;
  }
  return { tables, problems };
}

function cellOf(cells: DocCell[], k: number): DocCell | undefined {
  return k < cells.length ? cells[k] : undefined;
}

/** A pipe table from its header line; returns the last line read. */
function readPipeTable(lines: string[], h: number, cols: Columns, title: string, tables: DocTable[], problems: DocProblem[]): number {
  const table: DocTable = { title, line: h, shape: 'pipe', rows: [] };
  let last: DocRow | undefined;
  let i = h + 1;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) {
      // A blank line ends the table once it has rows and the next text is no table line.
      let j = i + 1;
      while (j < lines.length && !lines[j].trim()) j++;
      if (table.rows.length && (j >= lines.length || !lines[j].includes('|'))) break;
      continue;
    }
    if (!line.includes('|')) {
      if (PIPE_SEPARATOR.test(line)) { last = undefined; continue; }
      break;
    }
    if (PIPE_SEPARATOR.test(line)) { last = undefined; continue; }
    const cells = pipeCells(line, i, cols.grid);
    if (cells.length < cols.count) {
      // A section row (`| Kernel-space virtual memory, …`): text across the table, no row.
      last = undefined;
      continue;
    }
    if (cells.length > cols.count) {
      problems.push({ line: i, message: `${cells.length} cells where the table's header (line ${h + 1}) has ${cols.count}` });
      continue;
    }
    const sc = cellOf(cells, cols.start)!, ec = cellOf(cells, cols.end)!, zc = cellOf(cells, cols.size)!, dc = cellOf(cells, cols.description)!;
    if (!sc.text && !ec.text && !zc.text) {
      // A continuation: more description for the row above.
      if (last && dc.text) last.description = normalise(`${last.description} ${dc.text}`);
      continue;
    }
    const row = makeRow(i, sc, ec, zc, normalise(dc.text.replace(/^\.\.\.\s*/, '')), false, problems);
    // A marker row (a start restated in another unit, `ffffffff80000000 |-2048 MB | | |`): no end, size or text.
    if (row.end === undefined && !row.size && !row.description && !ec.text && !zc.text) { last = undefined; continue; }
    table.rows.push(row);
    last = row;
  }
  tables.push(table);
  return i - 1;
}

interface SimpleColumns { header: number }

/** A whitespace-separated header (`Start  End  Size  Use`), or undefined. */
function columnsHeader(line: string): SimpleColumns | undefined {
  const words = line.trim().split(/\s+/);
  if (words.length < 4 || words.length > 8) return undefined;
  const has = (re: RegExp) => words.some((w) => re.test(w));
  if (!START_WORD.test(words[0]) || !has(END_WORD) || !has(SIZE_WORD) || !has(/^(use|description|region|name|area)$/i)) return undefined;
  return { header: 0 };
}

const COLUMN_ROW = /^(\s*)(\[)?(\s*)([0-9a-fA-Fx_]+)(\s+)([0-9a-fA-Fx_]+)(\s*\])?(\s+)(~?\s*\d+(?:\.\d+)?\s*[KM]?\s*(?:[kKMGTPE]i?B|B))(\s+)(.*?)\s*$/;

/** A whitespace table from its header line; returns the last line read. */
function readColumnsTable(lines: string[], h: number, _c: SimpleColumns, title: string, tables: DocTable[], problems: DocProblem[]): number {
  const table: DocTable = { title, line: h, shape: 'columns', rows: [] };
  let i = h + 1;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (UNDERLINE.test(line)) { if (table.rows.length) { /* a closing border */ i++; break; } continue; }
    if (!line.trim()) { if (table.rows.length) break; continue; }
    const m = COLUMN_ROW.exec(line.replace(/\t/g, '    '));
    if (!m) {
      if (/^\s*\[?\s*[0-9a-f_]{8,}/i.test(line)) { problems.push({ line: i, message: `a table row without two addresses, a size and a description: '${line.trim()}'` }); continue; }
      break;
    }
    // Columns in the line as written (tabs expanded to 4 for the match, mapped back by searching).
    const cell = (text: string, from: number): DocCell => {
      const at = line.indexOf(text, from);
      return { text, line: i, start: at, end: at + text.length };
    };
    const sc = cell(m[4], 0);
    const ec = cell(m[6], sc.end);
    const zc = cell(m[9].trim(), ec.end);
    table.rows.push(makeRow(i, sc, ec, zc, normalise(m[11]), !!m[2], problems));
  }
  tables.push(table);
  return i - 1;
}

/** A cell meant as an address that is not one (`123`, `00008000zz000000`); a name (`FIXADDR_START`) is not meant as one. */
function looksLikeAddress(t: string): boolean {
  return !!t && (/^(0x)?[0-9a-f_]+$/i.test(t) || (/^[0-9a-z_]+$/i.test(t) && (t.match(/\d/g) ?? []).length >= 8));
}

function makeRow(line: number, sc: DocCell, ec: DocCell, zc: DocCell, description: string, bracketed: boolean, problems: DocProblem[]): DocRow {
  const row: DocRow = { line, description, bracketed, startCell: sc, endCell: ec, sizeCell: zc };
  const start = parseDocAddress(sc.text);
  if (start !== undefined) row.start = start;
  else if (looksLikeAddress(sc.text)) problems.push({ line, message: `'${sc.text}' is not an address of 8 to 16 hex digits` });
  const end = parseDocAddress(ec.text);
  if (end !== undefined) row.end = end;
  else if (looksLikeAddress(ec.text)) problems.push({ line, message: `'${ec.text}' is not an address of 8 to 16 hex digits` });
  if (zc.text) {
    const size = parseDocSize(zc.text);
    if (size) row.size = size;
    else problems.push({ line, message: `cannot read the size '${zc.text}' (expected a number and a unit such as 64 TB or 0.5 GB)` });
  }
  return row;
}
