// The training screen's regime presets end to end (dev server + headless Chromium on WebGPU): a
// preset starts outcome-only vs RePro from its regime's bundled SFT checkpoint (the worker fetches
// that file), runs a few steps, and the per-run summary cards show before → now numbers. The mixed
// preset runs here; the verbose one is the screen's default, whose two runs trainingFirstRun.test.ts
// starts and checks (regime, sizes, its checkpoint fetched, 2 steps each) — running them again here
// took half this file's time. Here the verbose button only has to switch the form back.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const HAS_CHECKPOINTS = ['toy-reasoner', 'toy-reasoner-verbose'].every((d) => existsSync(resolve(ROOT, `public/models/${d}/model.safetensors`)));

let e2e: E2E;
beforeAll(async () => {
  if (HAS_CHECKPOINTS) e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

type Run = { regime?: string; method: string; status: string; steps: number[] };
function runs(page: Page): Promise<Run[]> {
  return page.evaluate(() => {
    const store = (window as unknown as { __reproTraining?: { getState(): { runs: Record<string, { spec: { regime?: string; method: string }; status: string; metrics: { step: number }[] }> } } }).__reproTraining;
    if (!store) throw new Error('window.__reproTraining is missing (not a dev build?)');
    return Object.values(store.getState().runs).map((r) => ({ regime: r.spec.regime, method: r.spec.method, status: r.status, steps: r.metrics.map((m) => m.step) }));
  });
}

test.skipIf(!HAS_CHECKPOINTS)('the mixed preset trains both methods from its own checkpoint for a few steps; the verbose preset switches back', async () => {
  const { page, errors } = await e2e.newPage();
  const fetched: string[] = [];
  page.context().on('request', (r) => { if (r.url().endsWith('model.safetensors')) fetched.push(new URL(r.url()).pathname); });
  await page.goto(`${e2e.baseUrl}/?tab=training`, { timeout: 300_000 }); // a cold dev-server transform on a loaded machine
  await page.getByTestId('training-screen').waitFor({ timeout: 60_000 });

  expect(await page.getByTestId('train-regime').inputValue()).toBe('verbose'); // the default
  await page.getByTestId('preset-mixed').click();
  expect(await page.getByTestId('train-regime').inputValue()).toBe('mixed');
  expect(await page.getByTestId('train-steps').inputValue()).toBe('30');
  await page.getByTestId('train-steps').fill('2'); // a few steps of the preset's size
  await page.getByTestId('start-comparison').click();
  await expect.poll(async () => (await runs(page)).filter((r) => (r.regime ?? 'mixed') === 'mixed' && r.status === 'finished').length, {
    timeout: 400_000, interval: 1000, message: 'both mixed runs finish 2 steps',
  }).toBe(2);
  const mine = await runs(page);
  expect(mine.map((r) => [r.regime ?? 'mixed', r.method]).sort()).toEqual([['mixed', 'outcome'], ['mixed', 'repro']]);
  for (const r of mine) expect(r.steps).toEqual([1, 2]);
  // the mixed checkpoint, and only it: the verbose one (the screen's default) was never loaded
  expect(fetched).toContain('/models/toy-reasoner/model.safetensors');
  expect(fetched).not.toContain('/models/toy-reasoner-verbose/model.safetensors');
  // the verbose preset puts the form back on its regime and size
  await page.getByTestId('preset-verbose').click();
  expect(await page.getByTestId('train-regime').inputValue()).toBe('verbose');
  expect(await page.getByTestId('train-steps').inputValue()).toBe('20');
  // one summary card per run, with numbers (accuracy before → now from the rollouts)
  const cards = page.getByTestId('run-summary');
  await expect.poll(() => cards.count()).toBe(2);
  for (let i = 0; i < 2; i++) {
    expect(await cards.nth(i).getByTestId('summary-accuracy').textContent()).toMatch(/^Accuracy\d\.\d{3} → \d\.\d{3}/);
    expect(await cards.nth(i).getByTestId('summary-cot').textContent()).toMatch(/^CoT tokens\d+\.\d → \d+\.\d/);
  }
  expect(errors).toEqual([]);
}, 900_000);
