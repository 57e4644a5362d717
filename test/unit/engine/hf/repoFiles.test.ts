// Which files the engine reads from a repository, and which backends can open it: the hub's
// own layouts (HuggingFaceTB safetensors repos, onnx-community ONNX-only repos, both).
import { describe, expect, it } from 'vitest';
import { hasOnnxExport, repoBackends, repoFilePlan, weightFileBytes, weightLayout } from '../../../../src/engine/hf/repoFiles.ts';
import { QWEN3_0_6B, SMOLLM2_135M } from './realConfigs.ts';

// File lists as the hub's tree API returns them for these kinds of repositories.
const SAFETENSORS_REPO = ['.gitattributes', 'README.md', 'config.json', 'generation_config.json', 'merges.txt', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json'];
const SHARDED_REPO = ['config.json', 'generation_config.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json', 'tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja'];
const ONNX_ONLY = ['config.json', 'generation_config.json', 'onnx/model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_q4f16.onnx', 'tokenizer.json', 'tokenizer_config.json'];

describe('files to fetch', () => {
  it('one file: config, tokenizer, weights required; the rest when present', () => {
    expect(repoFilePlan(SAFETENSORS_REPO)).toEqual({
      layout: { kind: 'single', file: 'model.safetensors' },
      required: ['config.json', 'tokenizer.json', 'model.safetensors'],
      optional: ['generation_config.json', 'tokenizer_config.json', 'special_tokens_map.json'],
    });
  });
  it('sharded: the index (its shards follow from it), and chat_template.jinja', () => {
    expect(repoFilePlan(SHARDED_REPO)).toEqual({
      layout: { kind: 'sharded', index: 'model.safetensors.index.json' },
      required: ['config.json', 'tokenizer.json', 'model.safetensors.index.json'],
      optional: ['generation_config.json', 'tokenizer_config.json', 'chat_template.jinja'],
    });
  });
  it('a missing tokenizer or config is named; the weight bytes come from the listing sizes', () => {
    expect(() => repoFilePlan(SAFETENSORS_REPO.filter((f) => f !== 'tokenizer.json'))).toThrow('Missing file tokenizer.json: the model files do not include it.');
    const sized = SHARDED_REPO.map((path, i) => ({ path, size: 1000 * (i + 1) }));
    expect(weightFileBytes(sized, ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'])).toBe(3000 + 4000);
    expect(weightFileBytes(sized, ['model.safetensors'])).toBeNull();
    expect(weightLayout(SHARDED_REPO)).toEqual({ kind: 'sharded', index: 'model.safetensors.index.json' });
  });
});

describe('which backends can open a repository', () => {
  it('a safetensors repo of a supported architecture: the engine; with an ONNX export too: both', () => {
    const b = repoBackends(SAFETENSORS_REPO, SMOLLM2_135M);
    expect(b.ort).toBe(false);
    expect(b.engine.ok && b.engine.config.nLayer).toBe(30);
    expect(repoBackends([...SAFETENSORS_REPO, 'onnx/model_q4.onnx'], QWEN3_0_6B)).toMatchObject({ ort: true, engine: { ok: true } });
  });
  it('an onnx-community repo (no safetensors): ONNX Runtime only, the reason says so', () => {
    const b = repoBackends(ONNX_ONLY, SMOLLM2_135M);
    expect(b.ort).toBe(true);
    expect(b.engine).toEqual({
      ok: false,
      kind: 'missing-file',
      reason: 'Missing file model.safetensors: the engine reads model.safetensors or model.safetensors.index.json with its shards, and it has onnx/model.onnx, onnx/model_fp16.onnx, onnx/model_q4f16.onnx. It has an ONNX export: open it with ONNX Runtime instead.',
    });
    expect(hasOnnxExport(['model.onnx', 'model.onnx.data'])).toBe(true);
  });
  it('an unsupported architecture: the engine refuses naming it, and points to ONNX Runtime when there is an export', () => {
    const mistral = { ...SMOLLM2_135M, model_type: 'mistral', architectures: ['MistralForCausalLM'] };
    const both = repoBackends([...SAFETENSORS_REPO, 'onnx/model.onnx'], mistral);
    expect(both.ort).toBe(true);
    expect(both.engine.ok).toBe(false);
    if (!both.engine.ok) {
      expect(both.engine.kind).toBe('unsupported-architecture');
      expect(both.engine.reason).toMatch(/model_type "mistral" \(MistralForCausalLM\).*open it with ONNX Runtime instead\.$/);
    }
    const neither = repoBackends(SAFETENSORS_REPO, mistral);
    expect(neither.ort).toBe(false);
    expect(!neither.engine.ok && neither.engine.reason).not.toMatch(/ONNX/);
    expect(repoBackends(SAFETENSORS_REPO, null).engine).toMatchObject({ ok: false, kind: 'missing-file' });
  });
});
