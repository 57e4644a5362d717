// Final-answer extraction from dataset solutions: GSM8K's "rationale … #### 72" and MATH's
// "… \boxed{\frac{1}{2}}", so J scores the answer, not the whole rationale (repro-method.md §3).

/** Which rule produced an item's answer. */
export type ExtractionRule = 'gsm8k-####' | 'last-boxed' | 'whole-field';
/** 'auto' picks '####' when present, else the last \boxed{…}, else the whole field. */
export type ExtractionChoice = 'auto' | ExtractionRule;

export interface Extracted {
  answer: string;
  /** The text before the answer (the reference chain of thought); '' when there is none. */
  rationale: string;
  rule: ExtractionRule;
}

const GSM8K_NUMBER = /^\$?\s*(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?=$|\s|[.,;!?](?:\s|$))/;
/** GSM8K's calculator annotations ("<<48/2=24>>"): a tool trace, not text a model would write. */
const CALCULATOR = /<<[^<>]*>>/g;

/**
 * GSM8K: the answer follows the last "####". A leading number (optionally "$") is kept alone with
 * its thousands commas removed, as the GSM8K evaluation normalises it ("#### 1,000 dollars" →
 * "1000"); other text is kept whole. Null when there is no "####" or nothing after it.
 */
export function extractGsm8k(text: string): Extracted | null {
  const at = text.lastIndexOf('####');
  if (at < 0) return null;
  const tail = text.slice(at + 4).trim().split(/\r?\n/)[0].trim();
  if (tail.length === 0) return null;
  const num = GSM8K_NUMBER.exec(tail);
  const answer = num ? num[1].replace(/,/g, '') : tail;
  return { answer, rationale: text.slice(0, at).replace(CALCULATOR, '').trim(), rule: 'gsm8k-####' };
}

/**
 * MATH: the contents of the last \boxed{…} (or \fbox{…}), braces matched so nested groups such as
 * \frac{1}{2} stay whole. The rationale is the solution up to that \boxed. Null when there is none
 * or its braces never close.
 */
export function extractLastBoxed(text: string): Extracted | null {
  const re = /\\(?:boxed|fbox)\s*\{/g;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) last = m;
  if (last === null) return null;
  const open = last.index + last[0].length;
  let depth = 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++; // an escaped brace (\{) does not open or close a group
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      const answer = text.slice(open, i).trim();
      if (answer.length === 0) return null;
      return { answer, rationale: text.slice(0, last.index).trim(), rule: 'last-boxed' };
    }
  }
  return null;
}

/** Applies `choice` to `text`; a forced rule whose marker is missing is an error message. */
export function extractAnswer(text: string, choice: ExtractionChoice = 'auto'): Extracted | { error: string } {
  if (choice === 'gsm8k-####' || choice === 'auto') {
    const g = extractGsm8k(text);
    if (g) return g;
    if (choice === 'gsm8k-####') return { error: 'no "#### answer" in the answer text' };
  }
  if (choice === 'last-boxed' || choice === 'auto') {
    const b = extractLastBoxed(text);
    if (b) return b;
    if (choice === 'last-boxed') return { error: 'no complete \\boxed{…} in the answer text' };
    // A \boxed that never closes is a broken solution, not an answer to take whole.
    if (/\\(?:boxed|fbox)\s*\{/.test(text)) return { error: 'the last \\boxed{ never closes its braces' };
  }
  return { answer: text.trim(), rationale: '', rule: 'whole-field' };
}
