// Silent failure 1 of issue #10: input the toy model cannot represent (natural language: characters
// outside its 50-token vocabulary; longer than its 128-token context) must be detected, with the
// real bundled tokenizer and config, before anything is scored.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { HfTokenizer } from '../../../src/llm/hub/hfTokenizer.ts';
import { checkRepresentable, contextLengthOf, representabilityNote, unknownCharacters } from '../../../src/llm/representability.ts';

const dir = new URL('../../../public/models/toy-reasoner/', import.meta.url);
const read = (f: string) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Record<string, unknown>;
const tok = new HfTokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
const config = read('config.json');
const limits = { unkTokenId: tok.unkTokenId, contextLength: contextLengthOf(config) };
const prompt = (q: string) => tok.formatPrompt(q);

test('the toy model: <unk> is id 3 and the context is config.json max_position_embeddings = 128', () => {
  expect(tok.unkTokenId).toBe(3);
  expect(tok.encode('W', { addSpecialTokens: false })).toEqual([3]);
  expect(limits.contextLength).toBe(128);
});

test('contextLengthOf reads max_position_embeddings, GPT-2 n_positions, nested text_config; undefined when absent', () => {
  expect(contextLengthOf({ max_position_embeddings: 32768 })).toBe(32768);
  expect(contextLengthOf({ n_positions: 1024, n_ctx: 1024 })).toBe(1024);
  expect(contextLengthOf({ text_config: { max_position_embeddings: 4096 }, max_position_embeddings: 9 })).toBe(4096);
  expect(contextLengthOf({ rope_theta: 1e6 })).toBeUndefined();
  expect(contextLengthOf({ max_position_embeddings: 'big' })).toBeUndefined();
});

test('a toy-format problem is representable: no unknown tokens, the token count is prompt + CoT + probe + answer', () => {
  const r = checkRepresentable(tok, { prompt: prompt('37+65=?'), cot: '7+5=12\n\n3+6+1=10\n\n', probe: 'Answer: ', answer: '102' }, limits);
  // counted independently: the toy tokenizer is one token per character here (bos + text)
  const expected = tok.encode(prompt('37+65=?') + '7+5=12\n\n3+6+1=10\n\n', { addSpecialTokens: false }).length
    + tok.encode('Answer: 102', { addSpecialTokens: false }).length;
  expect(r).toEqual({ ok: true, tokens: expected, contextLength: 128, unknownTokens: 0, unknownChars: [], problems: [] });
  expect(representabilityNote(r)).toBe('');
});

test('a natural-language question and CoT: unknown characters listed, past the 128-token context', () => {
  const question = 'What is 37 plus 48? Please explain.';
  const cot = 'First, add the ones: 7 plus 8 is 15, so write 5 and carry 1.\n\nThen the tens: 3 plus 4 plus 1 is 8.\n\nSo the total is 85, which I double-checked carefully by counting up again from 37.';
  const r = checkRepresentable(tok, { prompt: prompt(question), question, cot, probe: 'Answer: ', answer: '85' }, limits);
  expect(r.ok).toBe(false);
  const ids = tok.encode(prompt(question) + cot, { addSpecialTokens: false });
  expect(r.unknownTokens).toBe(ids.filter((id) => id === 3).length);
  expect(r.unknownTokens).toBeGreaterThanOrEqual(5); // runs of unknown characters fuse into one <unk>
  expect(r.tokens).toBeGreaterThan(128);
  expect(r.problems).toHaveLength(2);
  expect(r.problems[0]).toMatch(/^\d+ unknown tokens: the model's vocabulary has no "W" "P" "F" "T" "S" "I"$/);
  expect(r.problems[1]).toBe(`${r.tokens} tokens (prompt + CoT + probe + answer) is longer than the model's 128-token context`);
  // every listed character really maps to <unk> on its own, and an in-vocabulary one is not listed
  for (const ch of r.unknownChars) expect(tok.encode(ch, { addSpecialTokens: false })).toContain(3);
  expect(r.unknownChars).not.toContain('7');
  expect(representabilityNote(r)).toBe(r.problems.join('; '));
});

test('exactly at the context: 129 tokens need positions 0…127 (the last answer token is not fed); 130 do not fit', () => {
  const p = prompt('1+1=?');
  const base = tok.encode(p, { addSpecialTokens: false }).length + tok.encode('Answer: 2', { addSpecialTokens: false }).length;
  const fits = checkRepresentable(tok, { prompt: p, cot: '1'.repeat(129 - base), probe: 'Answer: ', answer: '2' }, limits);
  expect(fits.tokens).toBe(129);
  expect(fits.ok).toBe(true);
  const over = checkRepresentable(tok, { prompt: p, cot: '1'.repeat(130 - base), probe: 'Answer: ', answer: '2' }, limits);
  expect(over.tokens).toBe(130);
  expect(over.ok).toBe(false);
});

test('a tokenizer without an unknown token and a model without a declared context are never flagged', () => {
  const r = checkRepresentable(tok, { prompt: prompt('What?'), cot: 'x'.repeat(300), probe: 'Answer: ', answer: '1' }, {});
  expect(r.ok).toBe(true);
  expect(r.contextLength).toBeNull();
  expect(unknownCharacters(tok, 'What', undefined)).toEqual([]);
});
