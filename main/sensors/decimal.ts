/**
 * Numbers in sensor text: decimals with an optional exponent, and nothing else. Number() also reads
 * "0x1F" as 31, "0b101" as 5, "" as 0 and trims any Unicode space, none of which a sensor writes,
 * so a cell is held to this grammar before Number() converts it.
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NAN_LITERAL = /^[+-]?nan$/i;
const INF_LITERAL = /^[+-]?inf(inity)?$/i;
const RADIX_LITERAL = /^[+-]?0[xXbBoO]/;

/** 10^0 … 10^22: every one is exact in a double. */
const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * The number in text[start, end), or NaN when it is not a decimal. Plain decimals ("-12.345") are
 * read without slicing a string: when the digits form an integer below 2^53 and there are at most 22
 * after the point, one division of two exact doubles is correctly rounded, so this equals Number();
 * the rest (exponents, long digit runs) goes to Number() once the grammar allows it.
 */
export function parseDecimal(text: string, start: number, end: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 45;
  if (negative || c === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals < 0) decimals = 0;
    else return strictNumber(text.slice(start, end));
  }
  if (digits === 0 || mantissa > Number.MAX_SAFE_INTEGER || decimals > 22) return strictNumber(text.slice(start, end));
  const value = decimals > 0 ? mantissa / POWERS_OF_TEN[decimals] : mantissa;
  return negative ? -value : value;
}

function strictNumber(cell: string): number {
  return DECIMAL.test(cell) ? Number(cell) : NaN;
}

/** A cell that is meant as a number, usable or not (NaN and infinity are reported as bad values). */
export function looksNumeric(cell: string): boolean {
  return DECIMAL.test(cell) || NAN_LITERAL.test(cell) || INF_LITERAL.test(cell);
}

/** Why a cell is not a usable number, after "column X": "is empty", "\"abc\" is not a number", …. */
export function badNumberProblem(cell: string, quoted: string): string {
  if (cell === '') return 'is empty';
  if (NAN_LITERAL.test(cell)) return `is NaN (${quoted}); the file has missing values`;
  if (INF_LITERAL.test(cell) || DECIMAL.test(cell)) return `is infinite (${quoted})`;
  if (RADIX_LITERAL.test(cell)) return `${quoted} is not a number (hexadecimal, binary and octal literals are not read)`;
  const hint = /^[+-]?\d*,\d+$/.test(cell) ? ' (decimal commas are not supported; use a point)' : '';
  return `${quoted} is not a number${hint}`;
}
