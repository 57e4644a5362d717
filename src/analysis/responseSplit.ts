// Splitting a generated response into CoT and final answer, and checking the answer against the
// ground truth. Pure: runs in Node.

/**
 * The text that ends the CoT for a model: "</think>" for thinking models, otherwise the probe's
 * visible text (the toy model's "Answer:", a plain model's "The final answer is").
 */
export function cotEndMarker(probe: string, thinking: boolean): string {
  if (thinking) return '</think>';
  const m = probe.trim();
  return m === '' ? '' : m;
}

export interface SplitResponse {
  cot: string;
  /** Text after the marker ('' when the marker never appears). */
  rest: string;
  foundMarker: boolean;
}

/** CoT = text before the first marker; a single newline the probe itself opens with is dropped. */
export function splitResponse(text: string, probe: string, thinking: boolean): SplitResponse {
  const marker = cotEndMarker(probe, thinking);
  const at = marker === '' ? -1 : text.indexOf(marker);
  if (at < 0) return { cot: text, rest: '', foundMarker: false };
  let cot = text.slice(0, at);
  const probeLead = probe.slice(0, probe.length - probe.trimStart().length);
  if (probeLead.length > 0 && cot.endsWith(probeLead)) cot = cot.slice(0, cot.length - probeLead.length);
  return { cot, rest: text.slice(at + marker.length), foundMarker: true };
}

/** The answer inside the last \boxed{…} (balanced braces), or null. */
export function lastBoxed(text: string): string | null {
  const at = text.lastIndexOf('\\boxed{');
  if (at < 0) return null;
  let depth = 1;
  for (let i = at + 7; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(at + 7, i);
  }
  return text.slice(at + 7); // unclosed: take the rest
}

/** The model's final answer from the text after the CoT marker. */
export function extractAnswer(rest: string): string {
  const boxed = lastBoxed(rest);
  if (boxed !== null) return boxed.trim();
  let s = rest.replace(/<[^>\s]{1,20}>/g, ' '); // special tokens such as <eos> or <|im_end|>
  s = s.replace(/^\s*(?:the\s+final\s+answer\s+is|answer\s*:)\s*/i, '');
  const line = s.trim().split(/\r?\n/)[0] ?? '';
  return line.trim();
}

/** Case-, space- and trailing-punctuation-insensitive match; numbers compare by value. */
export function answersMatch(modelAnswer: string, truth: string): boolean {
  const norm = (x: string) => x.trim().replace(/\s+/g, '').replace(/[.。]+$/, '').replace(/^\$(.*)\$$/, '$1').toLowerCase();
  const a = norm(modelAnswer);
  const b = norm(truth);
  if (a === '' || b === '') return false;
  if (a === b) return true;
  const num = /^[-+]?\d[\d,]*(?:\.\d+)?$/;
  if (num.test(a) && num.test(b)) return Number(a.replace(/,/g, '')) === Number(b.replace(/,/g, ''));
  return false;
}
