// config.json → LlamaConfig on the real configs of SmolLM2, Llama-3.2, Qwen2.5 and Qwen3 (checked
// against their published parameter counts), transformers' defaults for omitted fields, and a
// refusal that names each option the engine does not run.
import { describe, expect, it } from 'vitest';
import { declaredWeightDtype, llamaConfigFromHf } from '../../../../src/engine/hf/hfConfig.ts';
import { llamaTensorShapes, type LlamaConfig } from '../../../../src/engine/llamaConfig.ts';
import { ModelLoadError } from '../../../../src/llm/hub/modelLoadError.ts';
import { LLAMA_3_2_1B, QWEN2_5_0_5B, QWEN3_0_6B, SMOLLM2_135M } from './realConfigs.ts';

const params = (c: LlamaConfig) => [...llamaTensorShapes(c).values()].reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);

function refusal(json: Record<string, unknown>, opts?: Parameters<typeof llamaConfigFromHf>[1]): ModelLoadError {
  try {
    llamaConfigFromHf(json, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelLoadError);
    return e as ModelLoadError;
  }
  throw new Error('expected a refusal');
}

describe('real configs', () => {
  it('SmolLM2-135M: llama, GQA 9/3, tied, no rope scaling', () => {
    const c = llamaConfigFromHf(SMOLLM2_135M);
    expect(c).toEqual({
      arch: 'llama', family: 'llama', vocabSize: 49152, blockSize: 8192, nLayer: 30, nHead: 9, nKvHead: 3, nEmbd: 576, headDim: 64,
      intermediateSize: 1536, rmsNormEps: 1e-5, ropeTheta: 100000, ropeScaling: null, qkvBias: false, oBias: false, qkNorm: false, tieWordEmbeddings: true,
    });
    expect(params(c)).toBe(134_515_008);
    expect(declaredWeightDtype(SMOLLM2_135M)).toBe('BF16');
  });

  it('Llama-3.2-1B: llama3 rope scaling, explicit head_dim', () => {
    const c = llamaConfigFromHf(LLAMA_3_2_1B);
    expect(c.ropeScaling).toEqual({ type: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 });
    expect([c.ropeTheta, c.blockSize, c.headDim, c.nHead, c.nKvHead, c.tieWordEmbeddings]).toEqual([500000, 131072, 64, 32, 8, true]);
    expect(params(c)).toBe(1_235_814_400);
  });

  it('Qwen2.5-0.5B: q/k/v bias (never o), sliding window off', () => {
    const c = llamaConfigFromHf(QWEN2_5_0_5B);
    expect([c.family, c.qkvBias, c.oBias, c.qkNorm, c.headDim, c.rmsNormEps, c.ropeTheta]).toEqual(['qwen2', true, false, false, 64, 1e-6, 1e6]);
    expect(llamaTensorShapes(c).get('model.layers.0.self_attn.k_proj.bias')).toEqual([128]);
    expect(llamaTensorShapes(c).has('model.layers.0.self_attn.o_proj.bias')).toBe(false);
    expect(params(c)).toBe(494_032_768);
  });

  it('Qwen3-0.6B: q/k norm, head_dim 128 ≠ hidden / heads', () => {
    const c = llamaConfigFromHf(QWEN3_0_6B);
    expect([c.family, c.qkNorm, c.qkvBias, c.headDim, c.nEmbd / c.nHead, c.blockSize]).toEqual(['qwen3', true, false, 128, 64, 40960]);
    expect(llamaTensorShapes(c).get('model.layers.27.self_attn.q_proj.weight')).toEqual([2048, 1024]);
    expect(params(c)).toBe(596_049_920);
  });

  it('transformers 5 writes rope_parameters (theta inside) and dtype instead of torch_dtype', () => {
    const { rope_scaling: _s, rope_theta: _t, torch_dtype: _d, ...rest } = LLAMA_3_2_1B;
    const v5 = { ...rest, dtype: 'float16', rope_parameters: { ...LLAMA_3_2_1B.rope_scaling, rope_theta: 500000.0 } };
    expect(llamaConfigFromHf(v5)).toEqual(llamaConfigFromHf(LLAMA_3_2_1B));
    expect(declaredWeightDtype(v5)).toBe('F16');
    // A legacy `type` key instead of rope_type; original_max_position_embeddings defaulting to max positions.
    const legacy = { ...SMOLLM2_135M, rope_scaling: { type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4 } };
    expect(llamaConfigFromHf(legacy).ropeScaling?.originalMaxPositionEmbeddings).toBe(8192);
    expect(llamaConfigFromHf({ ...SMOLLM2_135M, rope_scaling: { rope_type: 'default' } }).ropeScaling).toBeNull();
  });
});

describe('defaults of omitted fields (the transformers config classes)', () => {
  const minimal = { vocab_size: 64, hidden_size: 32, intermediate_size: 48, num_hidden_layers: 2, num_attention_heads: 4 };
  it('llama: kv heads = heads, head_dim = hidden / heads, 2048 positions, untied, theta 1e4, eps 1e-6', () => {
    const c = llamaConfigFromHf({ model_type: 'llama', ...minimal });
    expect([c.nKvHead, c.headDim, c.blockSize, c.tieWordEmbeddings, c.ropeTheta, c.rmsNormEps, c.qkvBias, c.oBias]).toEqual([4, 8, 2048, false, 10000, 1e-6, false, false]);
    const biased = llamaConfigFromHf({ model_type: 'llama', ...minimal, attention_bias: true });
    expect([biased.qkvBias, biased.oBias]).toEqual([true, true]);
  });
  it('qwen2: q/k/v bias regardless of attention_bias, 32768 positions; qwen3: head_dim 128, attention_bias on all four', () => {
    const q2 = llamaConfigFromHf({ model_type: 'qwen2', ...minimal, num_key_value_heads: 2, attention_bias: true });
    expect([q2.qkvBias, q2.oBias, q2.blockSize, q2.headDim]).toEqual([true, false, 32768, 8]);
    const q3 = llamaConfigFromHf({ model_type: 'qwen3', ...minimal, num_key_value_heads: 2, attention_bias: true });
    expect([q3.headDim, q3.qkvBias, q3.oBias, q3.qkNorm]).toEqual([128, true, true, true]);
    // Qwen2Config/Qwen3Config default num_key_value_heads to 32, not to the head count.
    expect(refusal({ model_type: 'qwen2', ...minimal }).message).toMatch(/num_attention_heads \(4\) must be a multiple of num_key_value_heads \(32\)/);
  });
  it('the model type is taken from architectures when model_type is missing', () => {
    expect(llamaConfigFromHf({ architectures: ['Qwen3ForCausalLM'], ...minimal, num_key_value_heads: 4 }).family).toBe('qwen3');
  });
});

describe('refusals name what is not supported', () => {
  it('another architecture, naming it, and offering ONNX Runtime when the repository has an export', () => {
    const e = refusal({ ...SMOLLM2_135M, model_type: 'mistral', architectures: ['MistralForCausalLM'] }, { hasOnnx: true });
    expect(e.kind).toBe('unsupported-architecture');
    expect(e.message).toBe(
      'config.json names model_type "mistral" (MistralForCausalLM); the engine runs llama (LlamaForCausalLM), qwen2 (Qwen2ForCausalLM), qwen3 (Qwen3ForCausalLM). This repository also has an ONNX export: open it with ONNX Runtime instead.',
    );
    expect(refusal({ ...QWEN2_5_0_5B, model_type: 'qwen2_moe' }).message).toMatch(/^config\.json names model_type "qwen2_moe" \(Qwen2ForCausalLM\); the engine runs .*\)\.$/);
    expect(refusal({ ...SMOLLM2_135M, architectures: ['LlamaForSequenceClassification'] }).message).toMatch(/architecture LlamaForSequenceClassification for model_type "llama"; the engine runs the causal LM LlamaForCausalLM/);
    expect(refusal({ architectures: ['GPT2LMHeadModel'] }).message).toMatch(/names architecture GPT2LMHeadModel/);
  });
  it('rope scaling types other than llama3, naming the type', () => {
    for (const type of ['linear', 'dynamic', 'yarn', 'longrope']) {
      const e = refusal({ ...LLAMA_3_2_1B, rope_scaling: { rope_type: type, factor: 4 } });
      expect(e.kind).toBe('unsupported-architecture');
      expect(e.message).toContain(`rope_scaling type "${type}" is not supported`);
    }
    expect(refusal({ ...QWEN2_5_0_5B, rope_scaling: { type: 'yarn', factor: 4, original_max_position_embeddings: 32768 } }).message).toContain('"yarn"');
    expect(refusal({ ...LLAMA_3_2_1B, rope_scaling: { rope_type: 'llama3', factor: 32 } }).message).toBe('config.json: rope_scaling of type "llama3" needs low_freq_factor, high_freq_factor (numbers).');
  });
  it('activation, MLP bias, partial rotary, quantised weights, sliding window', () => {
    expect(refusal({ ...SMOLLM2_135M, hidden_act: 'gelu' }).message).toContain('hidden_act "gelu" is not supported');
    expect(refusal({ ...LLAMA_3_2_1B, mlp_bias: true }).message).toContain('mlp_bias is true');
    expect(refusal({ ...SMOLLM2_135M, partial_rotary_factor: 0.5 }).message).toContain('partial_rotary_factor 0.5');
    expect(refusal({ ...QWEN3_0_6B, quantization_config: { quant_method: 'gptq', bits: 4 } }).message).toContain('quantised weights (quant_method "gptq")');
    const sliding = refusal({ ...QWEN2_5_0_5B, use_sliding_window: true, max_window_layers: 21, sliding_window: 4096 });
    expect(sliding.kind).toBe('unsupported-architecture');
    expect(sliding.message).toContain('layers 21–23 attend within a sliding window of 4096 tokens');
    // Switched on, but max_window_layers ≥ layers: no layer slides (transformers' layer_types), so it loads.
    expect(llamaConfigFromHf({ ...QWEN2_5_0_5B, use_sliding_window: true }).nLayer).toBe(24);
    expect(refusal({ ...QWEN3_0_6B, layer_types: [...Array(27).fill('full_attention'), 'sliding_attention'] }).message).toContain('layer 27 attend');
  });
  it('missing or malformed fields are listed', () => {
    const { hidden_size: _h, vocab_size: _v, ...lacking } = QWEN3_0_6B;
    const e = refusal(lacking);
    expect(e.kind).toBe('invalid-config');
    expect(e.message).toBe('config.json: vocab_size, hidden_size are missing; a Qwen3ForCausalLM config needs vocab_size, hidden_size, intermediate_size, num_hidden_layers, num_attention_heads.');
    expect(refusal({ ...SMOLLM2_135M, num_hidden_layers: 2.5 }).message).toBe('config.json: num_hidden_layers must be a positive integer, got 2.5.');
    expect(refusal({ ...SMOLLM2_135M, tie_word_embeddings: 'yes' }).message).toBe('config.json: tie_word_embeddings must be true or false, got "yes".');
    expect(refusal({ ...SMOLLM2_135M, num_key_value_heads: 4 }).message).toMatch(/num_attention_heads \(9\) must be a multiple of num_key_value_heads \(4\)/);
    expect(refusal({ model_type: 'llama', vocab_size: 8, hidden_size: 30, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 4 }).message).toBe(
      'config.json: hidden_size (30) is not a multiple of num_attention_heads (4) and there is no head_dim.',
    );
  });
});
