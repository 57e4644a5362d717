// A LoRA run's model spec (src/worker/runModel.ts) and its sizing before Start
// (src/worker/engineRunPlan.ts): specs without a model stay toy runs; bad sources and LoRA settings
// are refused naming the field; the longest prompt bound is the brute-force maximum over every
// problem of the task (toy format: one token per character) and over a prompt set's items; the
// training buffers hold the whole step; the probe rows are top-k × (probe + longest answer).
import { describe, expect, it } from 'vitest';
import { llamaConfigFromHf } from '../../../src/engine/hf/hfConfig.ts';
import { preflight } from '../../../src/engine/lora/preflight.ts';
import { presetConfig } from '../../../src/rl/config.ts';
import { taskEnv, toyEnv } from '../../../src/rl/task/env.ts';
import { PromptSetTask } from '../../../src/rl/task/promptSetTask.ts';
import { TOY_FORMAT } from '../../../src/rl/task/toyFormat.ts';
import { formatQuestion } from '../../../src/task/format.ts';
import { engineRunPlan, maxPromptTokens, probeTokensPerSample } from '../../../src/worker/engineRunPlan.ts';
import { DEFAULT_TRAINING_BUDGET_BYTES, validateRunModel, type EngineRunModel } from '../../../src/worker/runModel.ts';
import { migrateRunSpec } from '../../../src/worker/runTrainers.ts';
import type { RunSpec } from '../../../src/worker/trainingApi.ts';
import { TINY_LLAMA_CONFIGS } from '../../util/tinyLlama.ts';

const LORA = { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: ['v_proj', 'q_proj'] as EngineRunModel['lora']['target_modules'] };
const MODEL: EngineRunModel = { kind: 'engine', source: { kind: 'hub', id: 'org/tiny' }, lora: LORA };
const LIMITS = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27 };

describe('the run model', () => {
  it('a spec without a model is a toy run and stays as it was stored', () => {
    const spec: RunSpec = { runId: 'a', label: 'a', method: 'repro', config: presetConfig('repro'), steps: 2 };
    expect(migrateRunSpec(spec).model).toBeUndefined();
    expect(validateRunModel(undefined)).toEqual({ kind: 'toy' });
  });

  it('LoRA settings are normalised; bad sources and settings are refused naming the field', () => {
    expect(validateRunModel(MODEL)).toEqual({ ...MODEL, lora: { ...LORA, use_rslora: false, target_modules: ['q_proj', 'v_proj'] } });
    expect(() => validateRunModel({ ...MODEL, source: { kind: 'hub', id: 'no-owner' } })).toThrow(/hub id must look like "owner\/name"/);
    expect(() => validateRunModel({ ...MODEL, source: { kind: 'bundled', name: 'nope' as 'toy-llama-verbose' } })).toThrow(/no bundled engine model "nope"/);
    expect(() => validateRunModel({ ...MODEL, source: { kind: 'files', files: [], name: 'x' } })).toThrow(/holds no files/);
    expect(() => validateRunModel({ ...MODEL, lora: { ...LORA, lora_dropout: 0.1 } })).toThrow(/lora_dropout 0.1 is not supported/);
    expect(() => validateRunModel({ ...MODEL, lora: { ...LORA, target_modules: ['lm_head' as 'q_proj'] } })).toThrow(/"lm_head" unknown/);
    expect(() => validateRunModel({ ...MODEL, budgetBytes: -1 })).toThrow(/budgetBytes must be a positive number/);
  });
});

describe('sizing a LoRA run', () => {
  const config = llamaConfigFromHf(TINY_LLAMA_CONFIGS['llama-gqa']);

  it('the toy task on the toy format: the longest prompt is the brute-force maximum over every 1–2 digit problem', () => {
    let most = 0;
    for (let a = 0; a < 100; a++) for (let b = 0; b < 100; b++) most = Math.max(most, TOY_FORMAT.promptIds(formatQuestion(a, b)).length);
    const c = presetConfig('repro', { eval_every: 0 });
    expect(maxPromptTokens(toyEnv({ min_digits: 1, max_digits: 2 }), c)).toBe(most);
  });

  it('a prompt set: the longest of its training and held-out prompts', () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ question: `q${'x'.repeat(i % 7)}${i}`, answer: String(i) }));
    const task = new PromptSetTask(items, { name: 's', heldout: 'last', heldoutSize: 5 });
    const want = Math.max(...items.map((it) => TOY_FORMAT.promptIds(it.question).length));
    expect(maxPromptTokens(taskEnv(task, TOY_FORMAT), presetConfig('repro'))).toBe(want);
  });

  it('probe rows: top-k × (probe + the longest answer) with the process reward, none without', () => {
    const env = toyEnv({ min_digits: 2, max_digits: 2 });
    // "Answer: " is 8 tokens; 99 + 99 = 198 the longest answer, 3 tokens
    expect(probeTokensPerSample(env, presetConfig('repro', { entropy_top_k: 5, eval_every: 0 }))).toBe(5 * (8 + 3));
    expect(probeTokensPerSample(env, presetConfig('outcome', { eval_every: 0 }))).toBe(0);
  });

  it('the buffers hold the whole step; the pre-flight reads the same numbers, with the default budget', () => {
    const env = toyEnv({ min_digits: 2, max_digits: 2 });
    const c = presetConfig('repro', { per_device_train_batch_size: 3, num_generations: 4, max_completion_length: 40, eval_every: 0, adv_estimator: 'gae' });
    const Tp = maxPromptTokens(env, c);
    const plan = engineRunPlan(config, 'BF16', validateRunModel(MODEL) as EngineRunModel, c, env, LIMITS);
    expect(plan.sizes).toEqual({ maxSeqLen: Tp + 40, maxBatchTokens: 12 * (Tp + 40) });
    expect(plan.preflight.train).toMatchObject({ promptsPerStep: 3, numGenerations: 4, maxPromptTokens: Tp, maxCompletionTokens: 40, critic: true, sequencesPerPass: 12 });
    expect(plan.preflight.lora).toEqual({ r: 4, targets: ['q_proj', 'v_proj'] });
    expect(plan.preflight.limits.budgetBytes).toBe(DEFAULT_TRAINING_BUDGET_BYTES);
    expect(preflight(plan.preflight).fits).toBe(true);
    // the model's positions cap the sequence: a longer completion is cut to what fits
    const long = engineRunPlan(config, 'BF16', MODEL, { ...c, max_completion_length: 5000 }, env, LIMITS);
    expect(long.sizes.maxSeqLen).toBe(config.blockSize);
    expect(long.preflight.train.maxCompletionTokens).toBe(config.blockSize - Tp);
  });
});
