// Training-screen presets: the experiment's comparison (experiment/spec.ts CI_SPEC, docs/experiment.md)
// in each task regime, at the size of `npm run experiment`'s CI runs, on the toy GPT-2; and LoRA
// runs on real-architecture models (issue #23 §1): SmolLM2-135M on GSM8K-style word problems and
// the bundled Llama toy reasoner in the verbose regime. The screen opens on the verbose toy one
// (its defaults equal it: test/unit/ui/trainingDefaults.test.ts).
import type { TaskRegime } from '../../task/regime.ts';
import { REGIME_LABEL } from '../../task/regime.ts';
import type { LoraForm, ModelChoice } from '../../store/runSetup.ts';
import type { RunSettingsValue } from './RunSettings.tsx';

/** What an engine preset sets besides the run settings: the model, its LoRA, and the task. */
export interface EnginePresetSetup {
  model: ModelChoice;
  lora: LoraForm;
  /** 'toy': the toy addition task; else a bundled example set (its path under public/), fetched and parsed as an upload is */
  task: 'toy' | { path: string; name: string; heldoutFraction: number };
}

export interface TrainingPreset {
  id: string;
  label: string;
  regime: TaskRegime;
  steps: number;
  settings: RunSettingsValue;
  /** absent: the toy GPT-2 on the toy task */
  engine?: EnginePresetSetup;
}

const CI_SIZE: Omit<RunSettingsValue, 'process_reward_coef'> = {
  per_device_train_batch_size: 4, num_generations: 6, max_completion_length: 96, learning_rate: 1e-4, checkpoint_every: 0, beta: 0,
};

const ALL_TARGETS: LoraForm['target_modules'] = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

export const TRAINING_PRESETS: readonly TrainingPreset[] = [
  { id: 'verbose', label: `Verbose regime (${REGIME_LABEL.verbose}): the paper's setting`, regime: 'verbose', steps: 20, settings: { ...CI_SIZE, process_reward_coef: 0.1 } },
  { id: 'mixed', label: `Mixed regime (${REGIME_LABEL.mixed})`, regime: 'mixed', steps: 30, settings: { ...CI_SIZE, process_reward_coef: 0.1 } },
  {
    // The toy Llama's SFT data is the verbose regime's: the toy preset's sizes, LoRA on every
    // projection with a learning rate 10× the full-weight one (LoRA's usual ratio: a rank-8
    // update moves the policy less per step than full weights).
    id: 'toy-llama-verbose', label: 'Bundled Llama toy reasoner (LoRA), verbose regime', regime: 'verbose', steps: 20,
    settings: { ...CI_SIZE, learning_rate: 1e-3, process_reward_coef: 0.1 },
    engine: { model: { kind: 'bundled', name: 'toy-llama-verbose' }, lora: { r: 8, lora_alpha: 16, target_modules: ALL_TARGETS, budgetGiB: null }, task: 'toy' },
  },
  {
    // GSM8K-style word problems (public/examples/gsm8k-style.jsonl, 24 items, 4 held out): 4 × 4
    // rollouts of up to 160 tokens per step — about half of issue #22's 8 × 8 × 128 real-GPU
    // reference step, so 30 steps of both runs take minutes on a laptop GPU.
    id: 'smollm2-gsm8k', label: 'SmolLM2-135M on GSM8K-style problems (LoRA)', regime: 'mixed', steps: 30,
    settings: { per_device_train_batch_size: 4, num_generations: 4, max_completion_length: 160, learning_rate: 2e-4, checkpoint_every: 0, beta: 0, process_reward_coef: 0.1 },
    engine: {
      model: { kind: 'hub', id: 'HuggingFaceTB/SmolLM2-135M-Instruct' }, lora: { r: 16, lora_alpha: 32, target_modules: ALL_TARGETS, budgetGiB: null },
      task: { path: 'examples/gsm8k-style.jsonl', name: 'gsm8k-style.jsonl', heldoutFraction: 4 / 24 },
    },
  },
];

/** What the screen opens on: the verbose preset, where the two runs differ (the lesson of the first run). */
export const DEFAULT_PRESET: TrainingPreset = TRAINING_PRESETS[0];
