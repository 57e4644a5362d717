// Issue #25 §2: the training screen opens on the paper's regime at a size that shows the lesson,
// says in one line what each regime shows, and explains the charts that are flat by construction.
import { expect, test } from 'vitest';
import { DEFAULT_PRESET, TRAINING_PRESETS } from '../../../src/ui/training/presets.ts';
import { DEFAULT_RUN_SETTINGS, runSettingsOf } from '../../../src/ui/training/RunSettings.tsx';
import { DEFAULT_STEPS } from '../../../src/store/trainingFormStore.ts';
import { REGIME_LESSON, TASK_REGIMES } from '../../../src/task/regime.ts';
import { clipFlatWhy, flatRuns, klFlatWhy, STEP_CHARTS } from '../../../src/ui/dashboard/trainingCharts.ts';
import { DEFAULT_GRPO_CONFIG, presetConfig } from '../../../src/rl/config.ts';
import { groupIdentical } from '../../../src/analysis/groupIdentical.ts';

test('the screen opens on the verbose preset: regime, steps and every run setting equal', () => {
  expect(DEFAULT_PRESET).toBe(TRAINING_PRESETS.find((p) => p.id === 'verbose'));
  expect(DEFAULT_PRESET.regime).toBe('verbose');
  expect(DEFAULT_STEPS).toBe(DEFAULT_PRESET.steps);
  expect(runSettingsOf({})).toEqual(DEFAULT_PRESET.settings);
  expect(DEFAULT_RUN_SETTINGS).toEqual({ per_device_train_batch_size: 4, num_generations: 6, max_completion_length: 96, learning_rate: 1e-4, beta: 0, process_reward_coef: 0.1, checkpoint_every: 0 });
  for (const r of TASK_REGIMES) expect(REGIME_LESSON[r].length).toBeGreaterThan(40);
});

test('KL and clip fraction: flat by construction under the defaults, and the chart says why', () => {
  const outcome = presetConfig('outcome', {});
  const repro = presetConfig('repro', {});
  expect([outcome.beta, outcome.num_iterations, DEFAULT_GRPO_CONFIG.beta]).toEqual([0, 1, 0]);
  expect(klFlatWhy(outcome)).toMatch(/^β = 0 .*not computed/);
  expect(clipFlatWhy(repro)).toMatch(/μ = num_iterations = 1.*exactly 1/);
  expect(klFlatWhy({ ...outcome, beta: 0.04 })).toBeNull();
  expect(clipFlatWhy({ ...outcome, num_iterations: 2 })).toBeNull();
  const kl = STEP_CHARTS.find((c) => c.id === 'kl')!;
  const runs = [{ config: outcome, label: 'Outcome only' }, { config: repro, label: 'RePro' }];
  const both = flatRuns(kl, runs);
  expect(both.drawn).toEqual([]);
  expect(both.empty).toBe(`Flat by design in these runs, so not drawn: ${klFlatWhy(outcome)}`);
  const one = flatRuns(kl, [runs[0], { config: { ...repro, beta: 0.04 }, label: 'RePro β' }]);
  expect(one.drawn.map((r) => r.label)).toEqual(['RePro β']);
  expect(one.note).toBe(`Left out (flat by design): Outcome only. ${klFlatWhy(outcome)}`);
  // charts without a flat case draw every run
  expect(flatRuns(STEP_CHARTS.find((c) => c.id === 'entropy')!, runs).drawn).toHaveLength(2);
});

test('identical rollout samples are grouped, in order of first appearance, with a count', () => {
  const s = ['a', 'b', 'a', 'c', 'a', 'b'];
  expect(groupIdentical(s, (x) => x)).toEqual([
    { item: 'a', count: 3, indices: [0, 2, 4] },
    { item: 'b', count: 2, indices: [1, 5] },
    { item: 'c', count: 1, indices: [3] },
  ]);
  expect(groupIdentical([], (x: string) => x)).toEqual([]);
});

test('the LoRA presets: the bundled Llama toy reasoner on the toy task, SmolLM2-135M on the bundled GSM8K-style set (parsed as an upload is, answers after ####)', async () => {
  const { readFileSync } = await import('node:fs');
  const { parsePromptBytes } = await import('../../../src/data/parsePromptBytes.ts');
  const { heldOutCount, setupProblem } = await import('../../../src/store/runSetup.ts');
  const toy = TRAINING_PRESETS.find((p) => p.id === 'toy-llama-verbose')!;
  expect(toy.engine).toMatchObject({ model: { kind: 'bundled', name: 'toy-llama-verbose' }, task: 'toy' });
  expect(toy.regime).toBe('verbose');
  const smol = TRAINING_PRESETS.find((p) => p.id === 'smollm2-gsm8k')!;
  expect(smol.engine!.model).toEqual({ kind: 'hub', id: 'HuggingFaceTB/SmolLM2-135M-Instruct' });
  const task = smol.engine!.task as { path: string; heldoutFraction: number };
  const parsed = await parsePromptBytes(new Uint8Array(readFileSync(`public/${task.path}`)), { filename: 'gsm8k-style.jsonl' });
  expect(parsed.errors).toEqual([]);
  expect(parsed.items).toHaveLength(24);
  expect(parsed.items[0]).toMatchObject({ answer: '10' });
  expect(heldOutCount(parsed.items.length, task.heldoutFraction)).toBe(4);
  for (const p of [toy, smol]) {
    const t = p.engine!.task === 'toy' ? { kind: 'toy' as const } : { kind: 'prompt-set' as const, set: { name: 's', items: parsed.items }, heldout: 'random' as const, heldoutFraction: task.heldoutFraction, heldOutSet: null, instruction: '' };
    expect(setupProblem(p.engine!.model, p.engine!.lora, t)).toBeNull();
  }
  // the toy presets stay on the toy GPT-2
  expect(TRAINING_PRESETS.filter((p) => !p.engine).map((p) => p.id)).toEqual(['verbose', 'mixed']);
});
