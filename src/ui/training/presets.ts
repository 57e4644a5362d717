// Training-screen presets: the experiment's comparison (experiment/spec.ts CI_SPEC, docs/experiment.md)
// in each task regime, at the size of `npm run experiment`'s CI runs. The screen opens on the verbose
// one (its defaults equal it: test/unit/ui/trainingDefaults.test.ts).
import type { TaskRegime } from '../../task/regime.ts';
import { REGIME_LABEL } from '../../task/regime.ts';
import type { RunSettingsValue } from './RunSettings.tsx';

export interface TrainingPreset {
  id: string;
  label: string;
  regime: TaskRegime;
  steps: number;
  settings: RunSettingsValue;
}

const CI_SIZE: Omit<RunSettingsValue, 'process_reward_coef'> = {
  per_device_train_batch_size: 4, num_generations: 6, max_completion_length: 96, learning_rate: 1e-4, checkpoint_every: 0,
};

export const TRAINING_PRESETS: readonly TrainingPreset[] = [
  { id: 'verbose', label: `Verbose regime (${REGIME_LABEL.verbose}): the paper's setting`, regime: 'verbose', steps: 20, settings: { ...CI_SIZE, process_reward_coef: 0.1 } },
  { id: 'mixed', label: `Mixed regime (${REGIME_LABEL.mixed})`, regime: 'mixed', steps: 30, settings: { ...CI_SIZE, process_reward_coef: 0.1 } },
];

/** What the screen opens on: the verbose preset, where the two runs differ (the lesson of the first run). */
export const DEFAULT_PRESET: TrainingPreset = TRAINING_PRESETS[0];
