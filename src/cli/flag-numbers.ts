/** Numbers given on the command line. */

/**
 * A flag's whole number, written in digits; NaN otherwise. Number() alone took "" (an unset
 * variable in a script) for 0, and "0x10" and "1e3" for 16 and 1000.
 */
export function wholeNumber(value: string): number {
  const digits = value.trim();
  return /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
}
