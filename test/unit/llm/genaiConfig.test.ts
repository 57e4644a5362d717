// genai_config.json (the onnxruntime-genai model builder's) mapped onto config.json /
// generation_config.json fields, as Phi-3-mini-4k-instruct-onnx's cpu-int4 folder writes it.
import { expect, test } from 'vitest';
import { configFromGenai } from '../../../src/llm/ort/genaiConfig.ts';
import { ModelLoadError } from '../../../src/llm/hub/modelLoadError.ts';
import { estimateMemory } from '../../../src/llm/ort/memoryEstimate.ts';
import { contextLengthOf } from '../../../src/llm/representability.ts';
import { eosTokenIds } from '../../../src/llm/hub/modelConfig.ts';
import { samplingFromGenerationConfig } from '../../../src/llm/sampling.ts';

const phi3 = {
  model: {
    bos_token_id: 1, context_length: 4096, eos_token_id: [32007, 32001, 32000], pad_token_id: 32000, type: 'phi3', vocab_size: 32064,
    decoder: { filename: 'phi3-mini-4k-instruct-cpu-int4-rtn-block-32-acc-level-4.onnx', head_size: 96, hidden_size: 3072, num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 32 },
  },
  search: { do_sample: false, max_length: 4096, temperature: 1.0, top_k: 1, top_p: 1.0 },
};

test('the model section becomes config.json fields the loader reads; search becomes sampling defaults', () => {
  const { config, generationConfig } = configFromGenai(phi3);
  expect(config).toMatchObject({ model_type: 'phi3', vocab_size: 32064, hidden_size: 3072, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 32, head_dim: 96, max_position_embeddings: 4096 });
  expect(contextLengthOf(config)).toBe(4096);
  expect(eosTokenIds(generationConfig, config)).toEqual([32007, 32001, 32000]);
  expect(samplingFromGenerationConfig(generationConfig).temperature).toBe(0); // do_sample false: greedy
  // KV bytes from the mapped fields: 32 layers × 2 × 32 heads × 96 × 4096 positions × 2 bytes.
  expect(estimateMemory(config, 0, { dtype: 'fp16', kvBytesPerElement: 2 }).kvBytes).toBe(32 * 2 * 32 * 96 * 4096 * 2);
});

test('a genai_config.json without a decoder section is refused with a clear error', () => {
  expect(() => configFromGenai({ search: {} })).toThrow(ModelLoadError);
  expect(() => configFromGenai({ search: {} })).toThrow(/no model\.decoder section/);
});
