// Saved runs name their model, and a picked folder whose files did not come back from IndexedDB
// is said so (the run asks for the folder again) instead of failing on resume (src/store/savedModel.ts).
import { expect, test } from 'vitest';
import { presetConfig } from '../../../src/rl/config.ts';
import { pickedFilesProblem, savedModelLabel } from '../../../src/store/savedModel.ts';
import type { RunSpec } from '../../../src/worker/trainingApi.ts';

const base: RunSpec = { runId: 'r', label: 'r', method: 'repro', config: presetConfig('repro'), steps: 2 };
const lora = { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: ['q_proj' as const, 'down_proj' as const] };

test('the model a saved run trained, by name', () => {
  expect(savedModelLabel({ ...base, regime: 'verbose' })).toMatch(/^toy GPT-2, .* SFT checkpoint$/);
  expect(savedModelLabel({ ...base, model: { kind: 'engine', source: { kind: 'hub', id: 'a/b' }, lora } })).toBe('a/b, LoRA r 4 on q, down');
  expect(savedModelLabel({ ...base, model: { kind: 'engine', source: { kind: 'bundled', name: 'toy-llama-verbose' }, lora } })).toBe('bundled toy-llama-verbose, LoRA r 4 on q, down');
});

test('picked files: readable ones pass; ones that did not survive storage ask for the folder again', async () => {
  const files = [new File([new Uint8Array([1, 2, 3])], 'config.json')];
  const spec = (f: unknown): RunSpec => ({ ...base, model: { kind: 'engine', source: { kind: 'files', files: f as File[], name: 'my-model' }, lora } });
  expect(await pickedFilesProblem(spec(files))).toBeNull();
  expect(await pickedFilesProblem(base)).toBeNull();
  // what a structured clone leaves of a File a browser did not keep: a plain object
  expect(await pickedFilesProblem(spec([{ name: 'config.json' }]))).toMatch(/^The picked folder "my-model" could not be read back .*no files were kept.*pick the folder again to resume/);
  const gone = new File([new Uint8Array(4)], 'model.safetensors');
  Object.defineProperty(gone, 'slice', { value: () => ({ arrayBuffer: () => Promise.reject(new Error('NotReadableError')) }) });
  expect(await pickedFilesProblem(spec([gone]))).toMatch(/NotReadableError/);
});
