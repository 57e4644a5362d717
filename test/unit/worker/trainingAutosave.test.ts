// Silent failure 6 of issue #10: a run must be saved at least every AUTOSAVE_STEPS steps even with
// checkpoint_every = 0 (the RePro run of a comparison, short of its first checkpoint, was lost on
// reload), and saveAll() (page hidden / unloading) checkpoints every run after its step in flight.
// Issue #22: a checkpoint is the only read-back of the model (none after every step).
import { expect, test } from 'vitest';
import { AUTOSAVE_STEPS, TrainingHost, type TrainingDeps } from '../../../src/worker/trainingHost.ts';
import type { StoredTrainingRun } from '../../../src/worker/trainingStorage.ts';
import type { RunSpec, TrainingEvents } from '../../../src/worker/trainingApi.ts';
import { presetConfig } from '../../../src/rl/config.ts';
import { decodeTrainerCheckpoint } from '../../../src/rl/checkpoint.ts';
import { ScriptedPolicy, TINY } from '../rl/scriptedPolicy.ts';
import { toyTaskSettings } from '../../../src/rl/task/settings.ts';

function deps(saves: StoredTrainingRun[]): TrainingDeps {
  const store = new Map<string, StoredTrainingRun>();
  return {
    initialWeights: async () => ({ config: TINY, params: new ScriptedPolicy(1).inner.params.slice() as unknown as Float32Array }),
    createModel: async () => new ScriptedPolicy(1),
    onDeviceLost: () => {},
    isDeviceLost: async () => false,
    reacquireDevice: async () => {},
    save: async (r) => { saves.push(r); store.set(r.runId, r); },
    load: async (id) => store.get(id),
    list: async () => [...store.values()],
    remove: async (id) => { store.delete(id); },
  };
}

function spec(runId: string, steps: number): RunSpec {
  const config = presetConfig('outcome', {
    per_device_train_batch_size: 1, num_generations: 2, max_completion_length: 24,
    eval_every: 0, checkpoint_every: 0, seed: 5,
  });
  return { runId, label: runId, method: 'outcome', config, steps, comparisonId: 'c1', task: toyTaskSettings({ min_digits: 1, max_digits: 1 }) };
}

function events(): { ev: TrainingEvents; steps: () => number; status: () => string } {
  let step = 0;
  let status = '';
  return {
    ev: { onMetrics: (_, m) => (step = m.step), onEval() {}, onSamples() {}, onLog() {}, onStatus: (_, s) => (status = s) },
    steps: () => step,
    status: () => status,
  };
}

async function until(ok: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > 60_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test(`with checkpoint_every = 0 a run is saved after its first step, then every ${AUTOSAVE_STEPS} steps, and at the end`, async () => {
  const saves: StoredTrainingRun[] = [];
  const host = new TrainingHost(deps(saves));
  const e = events();
  host.subscribe(e.ev);
  await host.start(spec('a', 12));
  await until(() => e.status() === 'finished', 'the run to finish');
  expect(saves.map((s) => s.step)).toEqual([1, 6, 11, 12]);
  // each save is the real trainer state at that step, history included, comparison kept
  for (const s of saves) {
    expect(decodeTrainerCheckpoint(s.checkpoint).state.step).toBe(s.step);
    expect(s.history.map((m) => m.step)).toEqual(Array.from({ length: s.step }, (_, i) => i + 1));
    expect(s.spec.comparisonId).toBe('c1');
  }
}, 60_000);

test('saveAll (page hidden): the step in flight ends with a checkpoint; nothing is read back in between', async () => {
  const saves: StoredTrainingRun[] = [];
  const d = deps(saves);
  // a device's read-backs resolve in a later task (mapAsync): steps interleave with the page's events
  d.createModel = async () => {
    const m = new ScriptedPolicy(1);
    const sample = m.sample.bind(m);
    m.sample = async (p, o) => { await new Promise((r) => setTimeout(r, 1)); return sample(p, o); };
    return m;
  };
  const host = new TrainingHost(d);
  const e = events();
  host.subscribe(e.ev);
  await host.start(spec('b', 1000));
  await until(() => e.steps() >= 2, 'two steps');
  const n = saves.length;
  const reported = e.steps();
  await host.saveAll();
  await until(() => saves.length > n, 'the checkpoint after the step in flight');
  const saved = saves[n];
  expect(saved.runId).toBe('b');
  // the step that had reported its metrics (still finishing) or the one after it, not a later one
  expect([reported, reported + 1]).toContain(saved.step);
  expect(decodeTrainerCheckpoint(saved.checkpoint).state.step).toBe(saved.step);
  const m = saves.length;
  await host.stop('b');
  expect(saves.length).toBe(m + 1); // stop saves too
  await host.saveAll(); // nothing new since the stop: no duplicate save
  expect(saves.length).toBe(m + 1);
}, 60_000);

test('a checkpoint is the only read-back of the model: 12 steps read back weights and moments 4 times, not 12', async () => {
  const saves: StoredTrainingRun[] = [];
  const readBacks = { params: 0, optimizer: 0 };
  const d = deps(saves);
  d.createModel = async () => {
    const m = new ScriptedPolicy(1);
    const getParams = m.getParams.bind(m);
    const getOpt = m.getOptimizerState.bind(m);
    m.getParams = () => { readBacks.params++; return getParams(); };
    m.getOptimizerState = () => { readBacks.optimizer++; return getOpt(); };
    return m;
  };
  const host = new TrainingHost(d);
  const e = events();
  host.subscribe(e.ev);
  await host.start(spec('c', 12));
  await until(() => e.status() === 'finished', 'the run to finish');
  expect(saves.map((s) => s.step)).toEqual([1, 6, 11, 12]);
  expect(readBacks).toEqual({ params: 4, optimizer: 4 });
}, 60_000);
