// "Copy link" end to end: an inspection on the bundled model becomes a link; a colleague's fresh
// page opening it shows the same inputs and settings, loads the model itself and scores the same
// J trajectory. A training link opens the form with the same values and no inspector settings.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const HAS_MODEL = existsSync(resolve(ROOT, 'public/models/toy-reasoner/onnx/model.onnx'));
const examples = readFileSync(resolve(ROOT, 'public/examples/toy-addition.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

let e2e: E2E;
beforeAll(async () => {
  if (HAS_MODEL) e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

async function copiedLink(page: Page): Promise<string> {
  await page.getByTestId('copy-link').click();
  await expect.poll(() => page.getByTestId('copy-link-url').textContent()).toMatch(/^http/);
  return (await page.getByTestId('copy-link-url').textContent())!;
}

async function trajectoryJ(page: Page): Promise<number[]> {
  await page.getByTestId('inspection').waitFor({ timeout: 180_000 });
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const cell = page.getByTestId(`J-${k}`);
    if ((await cell.count()) === 0) return out;
    out.push(Number(await cell.getAttribute('data-value')));
  }
}

test.skipIf(!HAS_MODEL)('an inspection link reproduces inputs, settings, model and J trajectory in a fresh page', async () => {
  const ex = examples.find((e) => String(e.id).includes('hesitation')) ?? examples[0];
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=inspector`);
  await page.getByTestId('load-bundled').click();
  await page.getByTestId('model-loaded').waitFor({ timeout: 180_000 });
  await page.getByTestId('question').fill(ex.question);
  await page.getByTestId('answer').fill(ex.answer);
  await page.getByTestId('cot').fill(ex.cot);
  await page.getByTestId('score').click();
  const J = await trajectoryJ(page);
  expect(J.length).toBeGreaterThan(2);
  const link = await copiedLink(page);

  const other = await e2e.browser.newPage(); // a colleague: own storage, nothing loaded
  await other.goto(link);
  expect(await other.getByTestId('question').inputValue()).toBe(ex.question);
  expect(await other.getByTestId('answer').inputValue()).toBe(ex.answer);
  expect(await other.getByTestId('cot').inputValue()).toBe(ex.cot);
  await other.getByTestId('link-banner').waitFor();
  const J2 = await trajectoryJ(other); // loaded and scored by itself
  expect(J2.length).toBe(J.length);
  J2.forEach((v, k) => expect(Math.abs(v - J[k]), `J_${k}`).toBeLessThan(1e-5));
  await other.close();
  expect(errors).toEqual([]);
});

test.skipIf(!HAS_MODEL)('a training link opens the form with its values and carries no inspector settings', async () => {
  const { page } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=inspector&seed=77`);
  await page.getByTestId('tab-training').click();
  await page.getByTestId('train-steps').fill('37');
  await page.getByTestId('grpo-lr').fill('0.0002');
  const link = await copiedLink(page);
  expect(new URL(link).searchParams.get('seed')).toBeNull();
  const other = await e2e.browser.newPage();
  await other.goto(link);
  await other.getByTestId('training-screen').waitFor({ timeout: 60_000 });
  expect(await other.getByTestId('train-steps').inputValue()).toBe('37');
  expect(Number(await other.getByTestId('grpo-lr').inputValue())).toBeCloseTo(0.0002, 10);
  await other.close();
});

test.skipIf(!HAS_MODEL)('a comparison file imports into the dashboard, exports back the same runs and opens its weights in the inspector', async () => {
  const { serializeComparison, parseComparison } = await import('../../src/data/comparisonFile.ts');
  const weights = new Uint8Array(readFileSync(resolve(ROOT, 'public/models/toy-reasoner/model.safetensors')));
  const metric = (step: number, reward: number, processReward: number | null) => ({
    step, reward, responseTokens: 30 - step, cotTokens: 25 - step, backtracking: 0.3, processReward, loss: step === 2 ? NaN : 0.1, clipFrac: 0, kl: 0,
    timings: { sampling: 1, scoring: 1, forwardBackward: 1, optimizer: 1 },
  });
  const text = serializeComparison({
    exportedAt: '2026-12-01T12:00:00.000Z',
    runs: [
      { spec: { runId: 'outcome-s1-a', label: 'Outcome only (GRPO) · seed 1', method: 'outcome', steps: 3, config: { adv_estimator: 'grpo' } }, status: 'finished',
        metrics: [metric(1, 0.3, null), metric(2, 0.4, null), metric(3, 0.5, null)] as never, evals: [], samples: [] },
      { spec: { runId: 'repro-s1-a', label: 'RePro (GRPO + process reward) · seed 1', method: 'repro', steps: 3, config: { adv_estimator: 'grpo', process_reward_coef: 0.1 } }, status: 'finished',
        metrics: [metric(1, 0.3, 0.2), metric(2, 0.45, 0.3), metric(3, 0.6, 0.4)] as never, evals: [], samples: [],
        checkpoint: { safetensors: weights, configJson: '{}' } },
    ],
  });
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=training`);
  await page.getByTestId('training-screen').waitFor({ timeout: 60_000 });
  await page.getByTestId('import-comparison').setInputFiles({ name: 'cmp.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect.poll(() => page.getByTestId('run-table').textContent(), { timeout: 30_000 }).toContain('(imported)');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-comparison').click()]);
  const back = parseComparison(readFileSync((await download.path())!, 'utf8'));
  expect(back.runs.map((r) => r.spec.runId).sort()).toEqual(['imported-outcome-s1-a', 'imported-repro-s1-a']);
  const repro = back.runs.find((r) => r.spec.method === 'repro')!;
  expect(repro.metrics.map((m) => m.reward)).toEqual([0.3, 0.45, 0.6]);
  expect(repro.metrics[1].loss).toBeNaN();
  expect(back.runs.find((r) => r.spec.method === 'outcome')!.metrics[0].processReward).toBeNull();
  // a malformed file is refused with a message, and the imported runs stay
  await page.getByTestId('import-comparison').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"x"}') });
  await expect.poll(() => page.getByTestId('comparison-error').textContent()).toContain('bad.json: Not a comparison file');
  expect(await page.getByTestId('run-table').textContent()).toContain('(imported)');
  // the imported RePro run's weights load as the inspector's model
  await page.getByTestId('inspect-imported').click();
  await expect.poll(async () => (await page.getByTestId('model-loaded').textContent()) ?? '', { timeout: 180_000 }).toContain('(imported)');
  expect(errors).toEqual([]);
});
