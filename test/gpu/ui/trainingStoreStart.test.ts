// The training store against the real training worker (headless Chromium): a start the worker
// refuses never sends a status, so the store marks that run as an error with the worker's reason
// instead of leaving its row at 'starting' for ever (and the screen's error line says it too); its
// inspect and export buttons stay disabled (hasWorkerRun: there is no run in the worker).
import { expect, test } from 'vitest';
import { hasWorkerRun, useTraining } from '../../../src/store/trainingStore.ts';

test('a start the worker refuses: each run of the comparison says error with the reason, none stays at starting', async () => {
  // steps 0: the worker's start() throws before building anything (spec.steps must be ≥ 1)
  await useTraining.getState().startComparison({ steps: 0, seed: 0 });
  const runs = Object.values(useTraining.getState().runs);
  expect(runs).toHaveLength(2); // outcome-only and RePro
  for (const r of runs) {
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/^did not start: .*spec\.steps must be an integer ≥ 1 \(got 0\)/);
    expect(hasWorkerRun(r)).toBe(false);
  }
  expect(useTraining.getState().error).toMatch(/spec\.steps must be an integer ≥ 1/);
}, 120_000);
