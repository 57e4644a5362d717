// 1-based line numbers of array elements inside already-valid JSON text, for per-record errors
// (JSON.parse itself reports no positions).

/**
 * Start line of each element of the target array: the top-level array when `key` is null, else
 * the array that is the value of property `key` of the top-level object. One pass over the text;
 * assumes `text` is valid JSON (call after JSON.parse succeeded).
 */
export function jsonElementLines(text: string, key: string | null): number[] {
  const out: number[] = [];
  const targetDepth = key === null ? 1 : 2;
  let line = 1;
  let depth = 0;
  let inTarget = key === null; // are we inside (or about to enter) the target array?
  let expectElement = false;
  let lastKeyAtDepth1: string | null = null;
  let stringStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (stringStart >= 0) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) {
        if (depth === 1 && key !== null) lastKeyAtDepth1 = JSON.parse(text.slice(stringStart, i + 1)) as string;
        stringStart = -1;
      } else if (c === 10) line++;
      continue;
    }
    if (c === 10) { line++; continue; }
    if (c === 32 || c === 9 || c === 13) continue;
    if (expectElement && depth === targetDepth && c !== 93 /* ] */) {
      out.push(line);
      expectElement = false;
    }
    if (c === 34) { stringStart = i; continue; }
    if (c === 91 /* [ */ || c === 123 /* { */) {
      depth++;
      if (c === 91 && depth === targetDepth && (key === null || (depth === 2 && lastKeyAtDepth1 === key))) {
        inTarget = true;
        expectElement = true;
      }
    } else if (c === 93 || c === 125) {
      if (depth === targetDepth && inTarget && c === 93) {
        if (key !== null) return out; // the target array closed
        inTarget = false;
      }
      depth--;
      expectElement = false;
    } else if (c === 44 /* , */ && depth === targetDepth && inTarget) {
      expectElement = true;
    }
  }
  return out;
}
