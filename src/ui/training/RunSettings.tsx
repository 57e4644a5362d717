// The shared GRPO settings of a comparison (both runs get the same; α is RePro's only): the few
// that set a step's size and cost, the learning rate, the process coefficient and checkpointing.
import { NumberField } from '../NumberField.tsx';
import { DEFAULT_GRPO_CONFIG, type GrpoConfig } from '../../rl/config.ts';

export type RunSettingsValue = Pick<GrpoConfig,
  'per_device_train_batch_size' | 'num_generations' | 'max_completion_length' | 'learning_rate' | 'beta' | 'process_reward_coef' | 'checkpoint_every'>;

/**
 * The screen's defaults: the experiment's CI size (experiment/spec.ts CI_SPEC, 4 prompts × 6
 * samples), small enough that the default 20-step comparison shows a difference in minutes on a
 * laptop GPU (README, "Training: what to expect"); the method's own settings otherwise.
 */
export const DEFAULT_RUN_SETTINGS: RunSettingsValue = {
  per_device_train_batch_size: 4,
  num_generations: 6,
  max_completion_length: DEFAULT_GRPO_CONFIG.max_completion_length,
  learning_rate: DEFAULT_GRPO_CONFIG.learning_rate,
  beta: DEFAULT_GRPO_CONFIG.beta,
  process_reward_coef: DEFAULT_GRPO_CONFIG.process_reward_coef,
  checkpoint_every: 0,
};

/** The defaults with the known keys of `values` (a shared link's) on top; unknown keys are dropped. */
export function runSettingsOf(values: Record<string, number>): RunSettingsValue {
  const out = { ...DEFAULT_RUN_SETTINGS };
  for (const k of Object.keys(out) as (keyof RunSettingsValue)[]) if (typeof values[k] === 'number') out[k] = values[k];
  return out;
}

const FIELDS: { key: keyof RunSettingsValue; label: string; min: number; max: number; step: number; testId: string }[] = [
  { key: 'per_device_train_batch_size', label: 'Prompts / step (per_device_train_batch_size)', min: 1, max: 64, step: 1, testId: 'grpo-prompts' },
  { key: 'num_generations', label: 'Samples / prompt G (rollout.n, num_generations)', min: 2, max: 32, step: 1, testId: 'grpo-generations' },
  { key: 'max_completion_length', label: 'Response length (max_completion_length)', min: 8, max: 127, step: 1, testId: 'grpo-max-tokens' },
  { key: 'learning_rate', label: 'Learning rate (learning_rate)', min: 0, max: 0.1, step: 1e-5, testId: 'grpo-lr' },
  { key: 'beta', label: 'KL β (beta, kl_loss_coef)', min: 0, max: 10, step: 0.001, testId: 'grpo-beta' },
  { key: 'process_reward_coef', label: 'RePro α', min: 0, max: 10, step: 0.01, testId: 'grpo-alpha' },
  { key: 'checkpoint_every', label: 'Checkpoint every (steps)', min: 0, max: 1000, step: 1, testId: 'grpo-checkpoint-every' },
];

/** `maxCompletion`: the model's longest completion (the toy's 128-position block leaves 127; an engine model's is its context). */
export function RunSettings({ value, onChange, disabled, maxCompletion }: { value: RunSettingsValue; onChange(v: RunSettingsValue): void; disabled: boolean; maxCompletion?: number }) {
  return (
    <fieldset className="row" disabled={disabled} data-testid="grpo-settings">
      <legend>RL settings, by TRL / verl names (both runs; α applies to RePro only)</legend>
      {FIELDS.map((f) => (
        <NumberField
          key={f.key} group="training" label={f.label} min={f.min} max={f.key === 'max_completion_length' && maxCompletion !== undefined ? maxCompletion : f.max} step={f.step} testId={f.testId}
          value={value[f.key]} onChange={(v) => onChange({ ...value, [f.key]: v })}
        />
      ))}
    </fieldset>
  );
}
