// An imported PEFT adapter inspected on our engine (src/engine/lm/loadWithAdapter.ts: the base's
// folder merged with the adapter in memory, opened by the engine's loader): the engine's log-probs
// of every position against base + adapter in float64 (test/util/loraReference.ts, the adapted
// weights W + s·B·A summed apart from the merge code), on an F32 and a BF16 (3 shards) tiny base;
// the adapter moves the log-probs far more than the tolerance, so applying none would fail.
import { afterAll, describe, expect, it } from 'vitest';
import { llamaConfigFromHf } from '../../../src/engine/hf/hfConfig.ts';
import type { EngineLanguageModel } from '../../../src/engine/lm/engineLanguageModel.ts';
import { loadEngineModelWithAdapter } from '../../../src/engine/lm/loadWithAdapter.ts';
import { loraLayout } from '../../../src/engine/lora/loraLayout.ts';
import { exportPeftAdapter } from '../../../src/engine/lora/peftExport.ts';
import { logitsKernelFor } from '../../../src/gpu/logitsKernel.ts';
import type { FetchFile } from '../../../src/llm/hub/modelFiles.ts';
import { ModelLoadError } from '../../../src/llm/hub/modelLoadError.ts';
import { adaptedLogprobs, randomAdapter } from '../../util/loraReference.ts';
import { tinyLlama, type TinyLlamaName } from '../../util/tinyLlama.ts';
import { gpu } from './helpers.ts';

const models: EngineLanguageModel[] = [];
afterAll(async () => {
  for (const m of models) await m.dispose();
});

const IDS = [1, 17, 42, 99, 5, 230, 64, 8, 120, 77, 3, 250, 31, 2, 180, 90];

describe('a PEFT adapter on its base, on our engine', () => {
  it.each([['llama-gqa', 'F32', 1], ['qwen3-qknorm', 'BF16', 3]] as [TinyLlamaName, 'F32' | 'BF16', number][])('%s %s ×%i shards: log-probs = base + adapter (float64)', async (name, dtype, shards) => {
    const tiny = tinyLlama({ name, dtype, shards });
    const config = llamaConfigFromHf(tiny.config);
    const layout = loraLayout(config, { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: ['q_proj', 'v_proj', 'o_proj', 'up_proj', 'down_proj'] });
    const params = randomAdapter(layout, 11);
    const adapter = exportPeftAdapter(layout, params, { baseModel: `test/${name}` }).files;
    const fetchFile: FetchFile = async (path) => {
      const f = tiny.folder.get(path);
      if (!f) throw new ModelLoadError('missing-file', `no ${path}`);
      return f;
    };
    const { model, notes } = await loadEngineModelWithAdapter(await gpu(), { kind: 'fetch', id: `test/${name}`, fetchFile, files: [...tiny.folder.keys()] }, adapter, 'adapter');
    models.push(model);
    expect(notes).toEqual([]);
    expect(model.info.id).toBe(`test/${name} + adapter`);
    const r = await model.forward(IDS.slice(0, -1), model.emptyCache());
    const got = Array.from((await logitsKernelFor(model)(r.logits, Int32Array.from(IDS.slice(1)))).targetLogProb);
    r.dispose();
    r.cache.dispose();
    const want = adaptedLogprobs(config, tiny.folder, layout, params, IDS);
    const base = adaptedLogprobs(config, tiny.folder, layout, null, IDS);
    const diff = (a: number[], b: number[]) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
    expect(diff(base, want), 'the adapter changes the model').toBeGreaterThan(0.1);
    const err = diff(got, want);
    // the engine's f32 bound on the Llama family (test/gpu/engine/llamaReference.test.ts); SwiftShader: 6.3e-6 (F32), 2.9e-6 (BF16)
    expect(err, `max |engine − (base + adapter)| = ${err.toExponential(2)}`).toBeLessThanOrEqual(1e-4);
  });
});
