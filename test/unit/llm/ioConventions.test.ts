import { describe, expect, test } from 'vitest';
import { detectDecoderIo } from '../../../src/llm/ort/ioConventions.ts';
import { eosTokenIds } from '../../../src/llm/hub/modelConfig.ts';
import { ModelLoadError } from '../../../src/llm/hub/modelLoadError.ts';

const past = (layers: number, type = 'float32', shape: (number | string)[] = ['batch', 'kv', 'past', 'hs']) =>
  Array.from({ length: layers }, (_, l) => ['key', 'value'].map((kv) => ({ name: `past_key_values.${l}.${kv}`, type, shape }))).flat();
const present = (layers: number) => Array.from({ length: layers }, (_, l) => [{ name: `present.${l}.key` }, { name: `present.${l}.value` }]).flat();

describe('detectDecoderIo', () => {
  test('reads optional inputs, GQA heads and head_dim from config, dtypes from the graph', () => {
    const io = detectDecoderIo(
      [{ name: 'input_ids' }, { name: 'attention_mask' }, ...past(3, 'float16'), { name: 'num_logits_to_keep' }],
      [{ name: 'logits', type: 'float16', shape: ['b', 's', 1000] }, ...present(3)],
      { num_hidden_layers: 3, num_attention_heads: 8, num_key_value_heads: 2, hidden_size: 256, head_dim: 64, vocab_size: 999 },
    );
    expect(io).toMatchObject({
      numLayers: 3, kvHeads: 2, headDim: 64, kvDtype: 'float16', logitsDtype: 'float16', hasPositionIds: false,
      hasAttentionMask: true, logitsToKeepName: 'num_logits_to_keep', hasUseCacheBranch: false, vocabSize: 1000,
    });
    expect(io.past[2]).toEqual({ key: 'past_key_values.2.key', value: 'past_key_values.2.value' });
  });

  test('static graph dims win over config; hidden/heads gives head_dim; merged decoders', () => {
    const io = detectDecoderIo(
      [{ name: 'input_ids' }, { name: 'position_ids' }, { name: 'use_cache_branch' }, ...past(1, 'float32', ['b', 4, 'p', 16])],
      [{ name: 'logits' }, ...present(1)],
      { num_attention_heads: 8, hidden_size: 64, vocab_size: 77, text_config: { num_key_value_heads: 1 } },
    );
    expect(io).toMatchObject({ kvHeads: 4, headDim: 16, hasPositionIds: true, hasUseCacheBranch: true, vocabSize: 77, logitsToKeepName: null });
    const io2 = detectDecoderIo([{ name: 'input_ids' }, ...past(1)], [{ name: 'logits' }, ...present(1)], { num_attention_heads: 8, hidden_size: 64, vocab_size: 5 });
    expect(io2).toMatchObject({ kvHeads: 8, headDim: 8 });
  });

  test('clear errors for graphs outside the layout', () => {
    const bad = (f: () => unknown, re: RegExp) => {
      expect(f).toThrow(ModelLoadError);
      expect(f).toThrow(re);
    };
    bad(() => detectDecoderIo([{ name: 'ids' }], [{ name: 'logits' }], {}), /no input_ids input/);
    bad(() => detectDecoderIo([{ name: 'input_ids' }], [{ name: 'logits' }], {}), /no past_key_values/);
    bad(() => detectDecoderIo([{ name: 'input_ids' }, ...past(2)], [{ name: 'logits' }, ...present(1)], { num_attention_heads: 2, hidden_size: 4, vocab_size: 3 }), /lacks output present\.1\.key/);
    bad(() => detectDecoderIo([{ name: 'input_ids' }, ...past(2)], [{ name: 'logits' }, ...present(2)], { num_hidden_layers: 3, num_attention_heads: 2, hidden_size: 4, vocab_size: 3 }), /num_hidden_layers = 3, but the ONNX graph has 2/);
    bad(() => detectDecoderIo([{ name: 'input_ids' }, ...past(1)], [{ name: 'logits' }, ...present(1)], { vocab_size: 3 }), /key\/value heads/);
    bad(() => detectDecoderIo([{ name: 'input_ids' }, ...past(1, 'int8')], [{ name: 'logits' }, ...present(1)], { num_attention_heads: 2, hidden_size: 4, vocab_size: 3 }), /element type int8/);
  });
});

test('EOS ids: generation_config first, then config; numbers or lists', () => {
  expect(eosTokenIds({ eos_token_id: [151645, 151643] }, { eos_token_id: 1 })).toEqual([151645, 151643]);
  expect(eosTokenIds({}, { eos_token_id: 2 })).toEqual([2]);
  expect(eosTokenIds({}, { text_config: { eos_token_id: [5, 5] } })).toEqual([5]);
  expect(eosTokenIds({}, {})).toEqual([]);
});
