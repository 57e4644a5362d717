// A toy-reasoner checkpoint opened as the inspector's model (the worker's 'checkpoint' source, the
// path the training screen's "Inspect" / "Open in inspector" take): the weights in the safetensors
// are the weights the model runs (on our engine by default, or ONNX Runtime through its export) — logits equal the float64 CPU reference of the same parameters, and
// answers are tokenized with the toy tokenizer. Bad checkpoints get a specific error.
import { expect, test } from 'vitest';
import { loadLanguageModel } from '../../../src/worker/llmAdapter.ts';
import { encodeCheckpoint } from '../../../src/engine/checkpoint.ts';
import { initParams } from '../../../src/engine/init.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { readLogitsRow } from '../../../src/llm/logitsRow.ts';
import { toyTokenizer } from '../../../src/task/tokenizer.ts';
import { formatPrompt } from '../../../src/task/format.ts';
import { VOCAB } from '../../../src/task/vocab.ts';
import { expectAllclose } from '../../util/allclose.ts';

const config: ModelConfig = { vocabSize: VOCAB.length, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 16 };
const noProgress = () => {};

for (const backend of ['engine', 'ort'] as const) test(`a checkpoint loads on ${backend === 'engine' ? 'our engine (the default)' : 'ONNX Runtime (its export)'} with its own weights: logits equal the CPU reference`, async () => {
  // Weights no bundled file has: a random init scaled up so the logits are far from uniform.
  const params = initParams(config, 123).map((x) => x * 8);
  const bytes = encodeCheckpoint({ config, params });
  const model = await loadLanguageModel({ kind: 'checkpoint', name: 'run-x · step 7', bytes, ...(backend === 'ort' && { backend }) }, noProgress, new AbortController().signal);
  try {
    expect(model.info.runtime).toBe(backend === 'engine' ? 'engine' : 'onnxruntime');
    expect(model.info.vocabSize).toBe(config.vocabSize);
    expect(model.info.numLayers).toBe(2);
    expect(model.defaultProbe).toBe('Answer: ');
    const ids = toyTokenizer.encode(formatPrompt('12+34'));
    expect(model.tokenizer.encode(model.formatPrompt('12+34'))).toEqual(ids);
    const r = await model.forward(ids, model.emptyCache());
    const ref = new CpuModel(config, params).logits(Int32Array.from(ids), 1, ids.length);
    for (let t = 0; t < ids.length; t++) {
      const row = await readLogitsRow(r.logits, t, model.device);
      expectAllclose(row, ref.subarray(t * config.vocabSize, (t + 1) * config.vocabSize), { rtol: 1e-4, atol: 1e-4 });
    }
    r.dispose();
    r.cache.dispose();
  } finally {
    await model.dispose();
  }
});

test('bad checkpoints: garbage bytes and a foreign vocabulary are named, not loaded', async () => {
  const signal = new AbortController().signal;
  const garbage = loadLanguageModel({ kind: 'checkpoint', name: 'notes.safetensors', bytes: new TextEncoder().encode('hello') }, noProgress, signal);
  await expect(garbage).rejects.toThrow(/notes\.safetensors is not a usable toy-reasoner checkpoint: checkpoint is truncated/);
  const foreign = { ...config, vocabSize: 60 };
  const bytes = encodeCheckpoint({ config: foreign, params: initParams(foreign, 1) });
  const e = await loadLanguageModel({ kind: 'checkpoint', name: 'big.safetensors', bytes }, noProgress, signal).catch((x: Error) => x);
  expect(e).toBeInstanceOf(Error);
  expect((e as Error).name).toBe('ModelLoadError (corrupt-file, big.safetensors)');
  expect((e as Error).message).toMatch(/vocabulary has 60 tokens, the toy task's tokenizer 50/);
});
