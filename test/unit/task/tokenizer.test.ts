import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import { toHfTokenizerConfig, toHfTokenizerJson, toyTokenizer, firstUnknownChar } from '../../../src/task/tokenizer.ts';
import { makeProblem } from '../../../src/task/problem.ts';
import { renderTrace, TRACE_STYLES } from '../../../src/task/trace.ts';
import { formatPrompt } from '../../../src/task/format.ts';
import { Rng } from '../../../src/sampling/rng.ts';

describe('ToyTokenizer', () => {
  test('documented ids (docs/toy-task.md)', () => {
    expect(toyTokenizer.vocabSize).toBe(50);
    expect(toyTokenizer.encode('<pad><bos><eos><unk>\n 09+-=?:,.Aaz')).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 49]);
  });

  test('round trip; specials as literal text; skipSpecialTokens; unknown chars', () => {
    const text = '<bos>12+34=?\n2+4=6\n\nAnswer: 46<eos>';
    const ids = toyTokenizer.encode(text);
    expect(ids.length).toBe(text.length - 8); // "<bos>" and "<eos>" are one token each
    expect(toyTokenizer.decode(ids)).toBe(text);
    expect(toyTokenizer.decode(ids, { skipSpecialTokens: true })).toBe('12+34=?\n2+4=6\n\nAnswer: 46');
    expect(toyTokenizer.encode('<bo')).toEqual([3, 25, 38]); // '<' alone is not in the vocabulary
    expect(toyTokenizer.encode('1×2')).toEqual([7, 3, 8]);
    expect(firstUnknownChar('1+2 ×')).toBe(4);
    expect(firstUnknownChar('<eos>ok')).toBe(-1);
    expect(firstUnknownChar('<x')).toBe(0);
    expect(toyTokenizer.decode([])).toBe('');
    expect(() => toyTokenizer.decode([4, 50])).toThrow(/ids\[1\] = 50/);
  });
});

describe('Hugging Face export', () => {
  const hf = new Tokenizer(toHfTokenizerJson(), toHfTokenizerConfig());

  test('@huggingface/tokenizers encodes and decodes every generated trace identically', () => {
    const rng = new Rng(123);
    for (let i = 0; i < 400; i++) {
      const p = makeProblem(rng, { split: 'any', minDigits: 1 });
      for (const style of TRACE_STYLES) {
        const { text } = renderTrace(p, style, rng);
        const ids = toyTokenizer.encode(text);
        expect(hf.encode(text).ids).toEqual(ids);
        expect(hf.decode(ids)).toBe(text);
        expect(hf.decode(ids, { skip_special_tokens: true })).toBe(toyTokenizer.decode(ids, { skipSpecialTokens: true }));
      }
    }
  });

  test('parity on odd text: unknown characters, spaces before punctuation, lone "<"', () => {
    for (const text of ['a , b . c ?', 'x<y <eos>< eos>', 'ÄÖ 1€2', '  \n\n \n', "isn't it"]) {
      expect(hf.encode(text).ids).toEqual(toyTokenizer.encode(text));
      const ids = toyTokenizer.encode(text);
      expect(hf.decode(ids)).toBe(toyTokenizer.decode(ids));
    }
  });

  test('the chat template renders exactly the task prompt', () => {
    const cfg = toHfTokenizerConfig();
    const tpl = new Template(cfg.chat_template as string);
    const render = (messages: { role: string; content: string }[]) =>
      tpl.render({ messages, bos_token: cfg.bos_token, eos_token: cfg.eos_token, add_generation_prompt: true });
    expect(render([{ role: 'user', content: '457+386=?' }])).toBe(formatPrompt('457+386=?'));
    expect(render([{ role: 'user', content: '457+386=?' }, { role: 'assistant', content: '7+6=13\n\nAnswer: 843' }]))
      .toBe('<bos>457+386=?\n7+6=13\n\nAnswer: 843<eos>');
  });

  test.each(['toy-reasoner', 'toy-reasoner-verbose', 'toy-llama-verbose'])('the bundled files in public/models/%s are the current export', (name) => {
    const dir = new URL(`../../../public/models/${name}/`, import.meta.url);
    expect(JSON.parse(readFileSync(new URL('tokenizer.json', dir), 'utf8'))).toEqual(toHfTokenizerJson());
    expect(JSON.parse(readFileSync(new URL('tokenizer_config.json', dir), 'utf8'))).toEqual(toHfTokenizerConfig());
  });
});
