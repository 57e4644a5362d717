// "Compare with the starting model" (issue #17 §3) takes the run's starting weights from the
// training host: its regime's SFT weights, what a fresh run is built from — for a live run and for
// one only in storage; an unknown run is refused by name.
import { expect, test } from 'vitest';
import { TrainingHost, type TrainingDeps } from '../../../src/worker/trainingHost.ts';
import type { StoredTrainingRun } from '../../../src/worker/trainingStorage.ts';
import type { RunSpec } from '../../../src/worker/trainingApi.ts';
import type { TaskRegime } from '../../../src/task/regime.ts';
import { presetConfig } from '../../../src/rl/config.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/engine/checkpoint.ts';
import { ScriptedPolicy, TINY } from '../rl/scriptedPolicy.ts';
import { toyTaskSettings } from '../../../src/rl/task/settings.ts';

const weightsOf = (regime: TaskRegime) => {
  const p = Float32Array.from(new ScriptedPolicy(1).inner.params); // the bundled checkpoint is float32
  if (regime === 'verbose') p[0] += 0.25; // tell the regimes' weights apart
  return p;
};

function deps(store: Map<string, StoredTrainingRun>, asked: TaskRegime[]): TrainingDeps {
  return {
    initialWeights: async (regime = 'mixed') => { asked.push(regime); return { config: TINY, params: weightsOf(regime) }; },
    createModel: async () => new ScriptedPolicy(1),
    onDeviceLost: () => {},
    isDeviceLost: async () => false,
    reacquireDevice: async () => {},
    save: async (r) => { store.set(r.runId, r); },
    load: async (id) => store.get(id),
    list: async () => [...store.values()],
    remove: async (id) => { store.delete(id); },
  };
}

const spec = (runId: string, regime: TaskRegime): RunSpec => ({
  runId, label: runId, method: 'outcome', steps: 1, regime,
  config: presetConfig('outcome', { per_device_train_batch_size: 1, num_generations: 2, max_completion_length: 24, eval_every: 0, checkpoint_every: 0, seed: 5 }),
  task: toyTaskSettings({ min_digits: 1, max_digits: 1 }),
});

test('the starting weights are the run regime’s initial weights, live or saved, and survive the safetensors round trip', async () => {
  const store = new Map<string, StoredTrainingRun>();
  const asked: TaskRegime[] = [];
  const host = new TrainingHost(deps(store, asked));
  await host.start(spec('v', 'verbose'));
  await host.stop('v');
  asked.length = 0;
  const live = await host.startingWeights('v');
  expect(asked).toEqual(['verbose']);
  expect(live.spec.runId).toBe('v');
  expect(Array.from(live.params)).toEqual(Array.from(weightsOf('verbose')));
  // as the training worker sends it: a weights-only checkpoint the inspector's loader decodes
  const back = decodeCheckpoint(encodeCheckpoint({ config: live.config, params: live.params }));
  expect(Array.from(back.params)).toEqual(Array.from(live.params));

  // a fresh host (after a reload) knows the run only from storage
  const later = new TrainingHost(deps(store, asked));
  const saved = await later.startingWeights('v');
  expect(Array.from(saved.params)).toEqual(Array.from(weightsOf('verbose')));
  await expect(later.startingWeights('nope')).rejects.toThrow('no run "nope"');
});
