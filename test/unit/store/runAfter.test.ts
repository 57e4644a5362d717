// A LoRA run's before → after inputs: its base as a model-worker source, the adapted source, and its
// held-out items (the toy task's fixed held-out problems; a prompt set's held-out split).
import { describe, expect, it } from 'vitest';
import { adaptedSpecOf, heldOutItemsOf, runBaseSpec } from '../../../src/store/runAfter.ts';
import { heldOutProblems } from '../../../src/task/problem.ts';
import { HELDOUT_SEED } from '../../../src/rl/task/toyTask.ts';
import { DEFAULT_GRPO_CONFIG } from '../../../src/rl/config.ts';
import { DEFAULT_LORA_CONFIG } from '../../../src/engine/lora/loraConfig.ts';
import { PromptSetTask } from '../../../src/rl/task/promptSetTask.ts';

describe('run → before/after inputs', () => {
  it('maps the run model source onto the model worker\'s, adapter attached', () => {
    expect(runBaseSpec({ kind: 'hub', id: 'a/b', revision: 'r1' })).toEqual({ kind: 'hub', id: 'a/b', revision: 'r1', backend: 'engine' });
    expect(runBaseSpec({ kind: 'bundled', name: 'toy-llama-verbose' })).toEqual({ kind: 'bundled', regime: 'verbose', arch: 'llama', backend: 'engine' });
    const f = new File([new Uint8Array(3)], 'config.json');
    expect(runBaseSpec({ kind: 'files', files: [f], name: 'my-model' })).toMatchObject({ kind: 'local', files: [{ path: 'my-model/config.json', file: f }] });
    const peft = { 'adapter_config.json': new Uint8Array([1]) };
    expect(adaptedSpecOf({ kind: 'engine', source: { kind: 'hub', id: 'a/b' }, lora: { ...DEFAULT_LORA_CONFIG } }, peft, 'run X, step 2'))
      .toMatchObject({ kind: 'adapted', base: { kind: 'hub', id: 'a/b' }, adapter: peft, adapterName: 'run X, step 2' });
  });

  it('toy task: the fixed held-out problems; prompt set: its held-out split', () => {
    const toy = heldOutItemsOf({ config: DEFAULT_GRPO_CONFIG, task: { kind: 'toy-addition', min_digits: 1, max_digits: 2 } }, 5);
    const want = heldOutProblems(HELDOUT_SEED, 5, { minDigits: 1, maxDigits: 2 });
    expect(toy.map((i) => i.answer)).toEqual(want.map((p) => p.answer));
    expect(toy.map((i) => i.question)).toEqual(want.map((p) => p.question));
    const items = Array.from({ length: 6 }, (_, i) => ({ question: `What is ${i} + 1?`, answer: String(i + 1) }));
    const task = new PromptSetTask(items, { name: 'set.jsonl', heldout: 'last', heldoutSize: 2 }).settings;
    const held = heldOutItemsOf({ config: DEFAULT_GRPO_CONFIG, task, promptSet: { items } }, 8);
    expect(held.map((i) => i.answer)).toEqual(['5', '6']);
    expect(held[0].question).toContain('What is 4 + 1?');
    expect(() => heldOutItemsOf({ config: DEFAULT_GRPO_CONFIG, task }, 8)).toThrow(/not stored/);
  });
});
