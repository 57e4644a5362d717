// Backtracking markers for the toy task: the one rule of repro-method.md §10, applied to a single
// segment's text (src/repro/backtracking.ts owns the rule and the default marker list).
import { DEFAULT_BACKTRACKING_MARKERS, findBacktracking } from '../repro/backtracking.ts';

export { DEFAULT_BACKTRACKING_MARKERS };

/** True when `text` (one segment) opens with one of `markers` (repro-method.md §10). */
export function isBacktrackingText(text: string, markers: readonly string[] = DEFAULT_BACKTRACKING_MARKERS): boolean {
  return findBacktracking(text, [{ start: 0, end: text.length }], { markers }).length === 1;
}
