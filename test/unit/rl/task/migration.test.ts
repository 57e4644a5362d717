// Runs saved before the task left the trainer keep loading: a checkpoint and a stored run spec
// written by that version (test/fixtures/rl/legacy-trainer-*, commit 9805314: a 1–3 digit toy run
// with β 0.05, checkpointed after step 2, and the step 3 that version took on resuming it) resume here to
// the same step 3 — same metrics, same prompts, same weights — with min_digits / max_digits moved
// from the config into the toy task's settings; run config files and experiment results too.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTrainerCheckpoint, encodeTrainerCheckpoint } from '../../../../src/rl/checkpoint.ts';
import { DEFAULT_GRPO_CONFIG, migrateLegacyConfig, presetConfig, type GrpoConfig } from '../../../../src/rl/config.ts';
import type { RolloutSample, StepMetrics } from '../../../../src/rl/metrics.ts';
import { GrpoTrainer } from '../../../../src/rl/trainer.ts';
import { splitLegacyTask, toyTaskSettings } from '../../../../src/rl/task/settings.ts';
import { toyEnv } from '../../../../src/rl/task/env.ts';
import { trainingPrompts } from '../../../../src/export/verl/fromTab.ts';
import { TrainingHost, type TrainingDeps } from '../../../../src/worker/trainingHost.ts';
import { migrateRunSpec } from '../../../../src/worker/runTrainers.ts';
import type { RunSpec } from '../../../../src/worker/trainingApi.ts';
import type { StoredTrainingRun } from '../../../../src/worker/trainingStorage.ts';
import { ScriptedPolicy, TINY } from '../scriptedPolicy.ts';

const bytes = new Uint8Array(readFileSync('test/fixtures/rl/legacy-trainer-checkpoint.safetensors'));
const legacy = JSON.parse(readFileSync('test/fixtures/rl/legacy-trainer-run.json', 'utf8')) as {
  spec: RunSpec & { config: GrpoConfig & { min_digits: number; max_digits: number } };
  next: Omit<StepMetrics, 'timings'>;
  questions: string[];
  paramsAfterNext: string;
};
const sha = (a: Float32Array) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
const ONE_TO_THREE = toyTaskSettings({ min_digits: 1, max_digits: 3 });

describe('runs saved before the task split', () => {
  it('the legacy checkpoint decodes with its digits moved to the toy task; the config holds none', () => {
    const snap = decodeTrainerCheckpoint(bytes);
    expect(snap.state.task).toEqual(ONE_TO_THREE);
    expect('min_digits' in snap.state.config || 'max_digits' in snap.state.config).toBe(false);
    expect(snap.state.step).toBe(2);
    expect(snap.refParams).not.toBeNull(); // β 0.05: the reference weights travel with it
  });

  it('resumes to the step that version took next: same metrics, prompts and weights', async () => {
    const policy = new ScriptedPolicy(99);
    const questions: string[] = [];
    const t = await GrpoTrainer.restore(policy, decodeTrainerCheckpoint(bytes), { onSamples: (s: RolloutSample[]) => questions.push(...s.map((x) => x.question)) });
    expect(t.env.task.settings).toEqual(ONE_TO_THREE);
    const { timings: _, ...m } = await t.trainStep();
    expect(JSON.parse(JSON.stringify(m))).toEqual(legacy.next);
    expect(questions).toEqual(legacy.questions);
    expect(sha(await policy.getParams())).toBe(legacy.paramsAfterNext);
  });

  it('a resume with another task is refused by name', async () => {
    await expect(GrpoTrainer.restore(new ScriptedPolicy(1), decodeTrainerCheckpoint(bytes), {}, null, { env: toyEnv({ min_digits: 2, max_digits: 2 }) }))
      .rejects.toThrow(/is not the one this run trained on/);
  });

  it('a stored run spec migrates, lists and resumes in the training host', async () => {
    const stored: StoredTrainingRun = { runId: legacy.spec.runId, spec: legacy.spec, step: 2, savedAt: 1, checkpoint: bytes, history: [], evalHistory: [] };
    const store = new Map([[stored.runId, stored]]);
    const deps: TrainingDeps = {
      initialWeights: async () => ({ config: TINY, params: Float32Array.from(new ScriptedPolicy(1).inner.params) }),
      createModel: async () => new ScriptedPolicy(99),
      onDeviceLost: () => {},
      isDeviceLost: async () => false,
      reacquireDevice: async () => {},
      save: async (r) => { store.set(r.runId, r); },
      load: async (id) => store.get(id),
      list: async () => [...store.values()],
      remove: async (id) => { store.delete(id); },
    };
    const host = new TrainingHost(deps);
    const seen: StepMetrics[] = [];
    let status = '';
    host.subscribe({ onMetrics: (_, m) => seen.push(m), onEval() {}, onSamples() {}, onLog() {}, onStatus: (_, s) => (status = s) });
    const [listed] = await host.listSaved();
    expect(listed.spec.task).toEqual(ONE_TO_THREE);
    expect('min_digits' in listed.spec.config).toBe(false);
    expect(listed.spec.comparisonId).toBe('c-legacy');
    await host.resumeSaved(legacy.spec.runId);
    const t0 = Date.now();
    while (status !== 'finished' && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 5));
    expect(status).toBe('finished');
    const { timings: _, ...third } = seen.find((m) => m.step === 3)!;
    expect(JSON.parse(JSON.stringify(third))).toEqual(legacy.next);
    const saved = store.get(legacy.spec.runId)!;
    expect(saved.spec.task).toEqual(ONE_TO_THREE);
    expect(decodeTrainerCheckpoint(saved.checkpoint).state.task).toEqual(ONE_TO_THREE);
  });

  it('migrateLegacyConfig / migrateRunSpec: digits to the task, estimator fields filled, the default toy task otherwise', () => {
    const raw = { ...legacy.spec.config } as Record<string, unknown>;
    delete raw.adv_estimator; // older still: no estimator fields
    const m = migrateLegacyConfig(raw as unknown as GrpoConfig);
    expect(m.task).toEqual(ONE_TO_THREE);
    expect(m.config.adv_estimator).toBe('grpo');
    expect('min_digits' in m.config).toBe(false);
    expect(migrateLegacyConfig(presetConfig('repro')).task).toBeNull();
    expect(splitLegacyTask({ max_digits: 3 }).task).toEqual(toyTaskSettings({ min_digits: 2, max_digits: 3 }));
    expect(() => splitLegacyTask({ min_digits: 0, max_digits: 3 })).toThrow(/min_digits must be an integer in \[1, 4\]/);
    const fresh: RunSpec = { runId: 'r', label: 'r', method: 'outcome', steps: 1, config: presetConfig('outcome') };
    expect(migrateRunSpec(fresh).task).toEqual(toyTaskSettings());
    expect(() => migrateRunSpec({ ...fresh, task: { kind: 'prompt-set', name: 'x', size: 3, fingerprint: 'ab', heldout: 'last', heldout_size: 1, split_seed: 0, instruction: '' } }))
      .toThrow(/trains on the prompt set "x" but its items are missing/);
  });

  it('a new checkpoint stores the task and no digits in the config; the verl export reads old and new run files alike', async () => {
    const t = await GrpoTrainer.create(new ScriptedPolicy(3), presetConfig('outcome', { num_generations: 2, per_device_train_batch_size: 1, max_completion_length: 40, eval_every: 0 }), {}, null, { env: toyEnv({ min_digits: 1, max_digits: 3 }) });
    await t.trainStep();
    const snap = decodeTrainerCheckpoint(encodeTrainerCheckpoint(await t.snapshot()));
    expect(snap.state.task).toEqual(ONE_TO_THREE);
    const raw = encodeTrainerCheckpoint(await t.snapshot());
    const n = new DataView(raw.buffer, raw.byteOffset).getUint32(0, true);
    const state = JSON.parse(JSON.parse(new TextDecoder().decode(raw.subarray(8, 8 + n))).__metadata__.grpo_state);
    expect(state.task).toEqual(ONE_TO_THREE);
    expect('min_digits' in state.config).toBe(false);
    const oldConfig = legacy.spec.config;
    const { config } = migrateLegacyConfig(oldConfig);
    expect(trainingPrompts(oldConfig, 3)).toEqual(trainingPrompts(config, 3, ONE_TO_THREE));
    expect(trainingPrompts({ ...DEFAULT_GRPO_CONFIG }, 2)).toEqual(trainingPrompts({ ...DEFAULT_GRPO_CONFIG }, 2, toyTaskSettings()));
  });
});
