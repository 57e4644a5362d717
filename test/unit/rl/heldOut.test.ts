// The held-out set is built when first evaluated, so a digit range too small for eval_size
// distinct held-out problems only fails an evaluation that asks for it, not the run.
import { describe, expect, it } from 'vitest';
import { GrpoTrainer } from '../../../src/rl/trainer.ts';
import { presetConfig } from '../../../src/rl/config.ts';
import { ScriptedPolicy } from './scriptedPolicy.ts';
import { toyEnv } from '../../../src/rl/task/env.ts';

describe('GrpoTrainer held-out set', () => {
  it('1-digit problems with eval_size 32: training works, evaluation names the shortage', async () => {
    const cfg = presetConfig('outcome', {
      num_generations: 2, per_device_train_batch_size: 1, max_completion_length: 40,
      eval_every: 0, eval_size: 32, seed: 1,
    });
    const trainer = await GrpoTrainer.create(new ScriptedPolicy(1), cfg, {}, null, { env: toyEnv({ min_digits: 1, max_digits: 1 }) });
    const m = await trainer.trainStep();
    expect(m.step).toBe(1);
    await expect(trainer.evaluate()).rejects.toThrow(/heldOutProblems: only \d+ distinct held-out problems found, n = 32/);
  });
});
