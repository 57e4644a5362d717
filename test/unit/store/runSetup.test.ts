// The training screen's run setup → RunSpec (src/store/runSetup.ts, src/store/comparisonSpecs.ts):
// each model choice becomes the spec's model (LoRA targets in PEFT order, the budget in bytes or
// absent = assumed), a prompt set becomes the task the worker rebuilds exactly (fingerprint and
// split checked by PromptSetTask.fromSettings), the held-out count follows the fraction, and what
// cannot be started is named before anything reaches the worker.
import { describe, expect, it } from 'vitest';
import { PromptSetTask } from '../../../src/rl/task/promptSetTask.ts';
import { comparisonSpecs } from '../../../src/store/comparisonSpecs.ts';
import { DEFAULT_LORA_FORM, heldOutCount, runModelOf, setupProblem, taskOf, type TaskChoice } from '../../../src/store/runSetup.ts';
import { migrateRunSpec } from '../../../src/worker/runTrainers.ts';

const items = Array.from({ length: 10 }, (_, i) => ({ question: `What is ${i} + ${i}?`, answer: String(2 * i) }));
const SET = { name: 'set.jsonl', items };
const promptSet = (over: Partial<Extract<TaskChoice, { kind: 'prompt-set' }>> = {}): TaskChoice => ({
  kind: 'prompt-set', set: SET, heldout: 'random', heldoutFraction: 0.2, heldOutSet: null, instruction: '', ...over,
});

describe('model choice → the spec model', () => {
  it('the toy trains full weights; engine choices get LoRA with targets in PEFT order and the budget in bytes', () => {
    expect(runModelOf({ kind: 'toy' }, DEFAULT_LORA_FORM)).toEqual({ kind: 'toy' });
    const lora = { r: 4, lora_alpha: 8, target_modules: ['down_proj', 'q_proj'] as const, budgetGiB: 1.5 };
    expect(runModelOf({ kind: 'hub', id: ' HuggingFaceTB/SmolLM2-135M-Instruct ' }, { ...lora, target_modules: [...lora.target_modules] })).toEqual({
      kind: 'engine', source: { kind: 'hub', id: 'HuggingFaceTB/SmolLM2-135M-Instruct' },
      lora: { r: 4, lora_alpha: 8, target_modules: ['q_proj', 'down_proj'], lora_dropout: 0 }, budgetBytes: 1.5 * 2 ** 30,
    });
    const bundled = runModelOf({ kind: 'bundled', name: 'toy-llama-verbose' }, DEFAULT_LORA_FORM);
    expect(bundled.kind === 'engine' && bundled.source).toEqual({ kind: 'bundled', name: 'toy-llama-verbose' });
    expect(bundled.kind === 'engine' && 'budgetBytes' in bundled).toBe(false);
  });
});

describe('task choice → the spec task', () => {
  it('held-out counts: at least one, always leaving one to train on', () => {
    expect([heldOutCount(10, 0.2), heldOutCount(10, 0.01), heldOutCount(2, 0.9), heldOutCount(1, 0.5), heldOutCount(7, 0.5)]).toEqual([2, 1, 1, 0, 4]);
  });

  it('a fraction split: the worker rebuilds the same task from the spec (fingerprint and split)', () => {
    const { task, promptSet: ps } = taskOf(promptSet({ instruction: 'Answer with a number.' }), 3);
    expect(task).toMatchObject({ kind: 'prompt-set', name: 'set.jsonl', size: 10, heldout: 'random', heldout_size: 2, split_seed: 3, instruction: 'Answer with a number.' });
    const rebuilt = PromptSetTask.fromSettings(ps!.items, task as never);
    expect(rebuilt.train.length + rebuilt.held.length).toBe(10);
    expect(rebuilt.held).toHaveLength(2);
  });

  it('a separate held-out file: its items, carried in the spec', () => {
    const held = { name: 'held.jsonl', items: items.slice(0, 3) };
    const { task, promptSet: ps } = taskOf(promptSet({ heldout: 'separate', heldOutSet: held }), 0);
    expect(task).toMatchObject({ heldout: 'separate', heldout_size: 3, size: 10 });
    expect(ps!.heldOutItems).toEqual(held.items);
    expect(PromptSetTask.fromSettings(ps!.items, task as never, ps!.heldOutItems).held).toEqual(held.items);
  });

  it('the toy task is the default toy addition', () => {
    expect(taskOf({ kind: 'toy' }, 0)).toEqual({ task: { kind: 'toy-addition', min_digits: 2, max_digits: 2 } });
  });
});

describe('what cannot start is named', () => {
  const hub = { kind: 'hub' as const, id: 'a/b' };
  it.each([
    [{ kind: 'toy' as const }, DEFAULT_LORA_FORM, promptSet(), /toy GPT-2 reads only the toy addition task/],
    [{ kind: 'hub' as const, id: 'SmolLM2' }, DEFAULT_LORA_FORM, { kind: 'toy' as const }, /hub id must look like "owner\/name" \(got "SmolLM2"\)/],
    [hub, { ...DEFAULT_LORA_FORM, target_modules: [] }, { kind: 'toy' as const }, /at least one LoRA target/],
    [hub, { ...DEFAULT_LORA_FORM, r: 0 }, { kind: 'toy' as const }, /LoRA r must be a positive integer \(got 0\)/],
    [hub, { ...DEFAULT_LORA_FORM, budgetGiB: 0 }, { kind: 'toy' as const }, /budget must be positive/],
    [hub, DEFAULT_LORA_FORM, promptSet({ heldout: 'separate' }), /Pick the held-out file/],
    [hub, DEFAULT_LORA_FORM, promptSet({ set: { name: 'one', items: items.slice(0, 1) } }), /has 1 item: a held-out split needs two or more/],
    [hub, DEFAULT_LORA_FORM, promptSet({ heldoutFraction: 1 }), /fraction must be between 0 and 1/],
  ])('%#', (m, lora, t, re) => {
    expect(setupProblem(m, lora, t)).toMatch(re);
  });
  it('a good setup has no problem', () => {
    expect(setupProblem(hub, DEFAULT_LORA_FORM, promptSet())).toBeNull();
    expect(setupProblem({ kind: 'toy' }, { ...DEFAULT_LORA_FORM, target_modules: [] }, { kind: 'toy' })).toBeNull();
  });
});

describe('the comparison on an engine model', () => {
  it('outcome-only and RePro per estimator, one comparison, the model and task in every spec, and the worker accepts them', () => {
    const model = runModelOf({ kind: 'bundled', name: 'toy-llama-verbose' }, DEFAULT_LORA_FORM);
    const { task, promptSet: ps } = taskOf(promptSet(), 0);
    const specs = comparisonSpecs({ steps: 2, seed: 5, estimators: ['grpo', 'gae'], model, modelName: 'toy Llama reasoner', task, promptSet: ps, overrides: { num_generations: 2 } }, 'k');
    expect(specs.map((s) => s.runId)).toEqual(['outcome-s5-k', 'repro-s5-k', 'gae-outcome-s5-k', 'gae-repro-s5-k']);
    expect(new Set(specs.map((s) => s.comparisonId))).toEqual(new Set(['s5-k']));
    expect(specs[3].label).toBe('RePro (PPO + process reward) · seed 5 · toy Llama reasoner (LoRA)');
    for (const s of specs) {
      expect(s.regime).toBeUndefined();
      expect(s.config.num_generations).toBe(2);
      const m = migrateRunSpec(s);
      expect(m.model).toEqual({ ...model, lora: { ...(model as { lora: object }).lora, use_rslora: false } });
      expect(m.task).toEqual(task);
    }
    expect(specs[0].config.process_reward_coef).toBe(0);
    expect(specs[1].config.process_reward_coef).toBeGreaterThan(0);
  });

  it('the toy comparison is as before: regime in the spec and the label, no model field', () => {
    const [a] = comparisonSpecs({ steps: 3, seed: 0, regime: 'verbose' }, 'z');
    expect(a.model).toBeUndefined();
    expect(a.regime).toBe('verbose');
    expect(a.label).toMatch(/^Outcome only \(GRPO\) · seed 0 · /);
  });
});
