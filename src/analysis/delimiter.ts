// The segment-delimiter setting (text + "is a regex" flag) as segmentCot expects it. Pure; the
// settings store and the model worker both read it.

/** The delimiter setting as segmentCot expects it (undefined = the repro-method.md §2 default). */
export function delimiterOf(s: { delimiter: string; delimiterIsRegex: boolean }): string | RegExp | undefined {
  if (s.delimiter === '') return undefined;
  return s.delimiterIsRegex ? new RegExp(s.delimiter) : s.delimiter;
}
