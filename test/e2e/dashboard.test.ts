// The training dashboard with two runs (issue #10): invalid training settings refused inline, one
// shared legend and no per-chart legends, raw + EMA lines per run, charts at least 340 × 230 px at
// 1400 px and 300 px wide at 800 px, screenshots at both widths. (Clip-fraction axis, S(M) for RePro
// only, crosshair sync, the config diff, stop confirmation and the reload resuming the pair are not
// driven here yet.)
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const HAS_CHECKPOINT = existsSync(resolve(ROOT, 'public/models/toy-reasoner/model.safetensors'));

let e2e: E2E;
beforeAll(async () => {
  if (HAS_CHECKPOINT) e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

interface RunState { method: string; status: string; steps: number[] }
function runs(page: Page): Promise<RunState[]> {
  return page.evaluate(() => {
    const store = (window as unknown as { __reproTraining: { getState(): { runs: Record<string, { spec: { method: string }; status: string; metrics: { step: number }[] }> } } }).__reproTraining;
    return Object.values(store.getState().runs).map((r) => ({ method: r.spec.method, status: r.status, steps: r.metrics.map((m) => m.step) }));
  });
}
const minStep = async (page: Page) => Math.min(...(await runs(page)).map((r) => r.steps.at(-1) ?? 0));

test.skipIf(!HAS_CHECKPOINT)('dashboard at 1400 and 800 px with two runs; reload resumes the pair', async () => {
  const { page, errors } = await e2e.newPage();
  // SwiftShader and the shared 2-core machine can hold the renderer for long stretches.
  page.setDefaultTimeout(120_000);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`${e2e.baseUrl}/?tab=training`, { timeout: 180_000 });
  await page.getByTestId('training-screen').waitFor({ timeout: 60_000 });

  // invalid training settings: inline error, Start disabled, never applied
  await page.getByTestId('grpo-generations').fill('1');
  expect(await page.getByTestId('grpo-generations-error').textContent()).toMatch(/^Samples \/ prompt \(G\): 1 is outside the allowed range; enter an integer from 2 to 32\. Not applied — still using \d+\.$/);
  expect(await page.getByTestId('start-comparison').isDisabled()).toBe(true);
  await page.getByTestId('train-steps').fill('0');
  expect(await page.getByTestId('train-steps-error').textContent()).toMatch(/^Steps: 0 is outside the allowed range/);

  await page.getByTestId('train-steps').fill('60');
  await page.getByTestId('train-seed').fill('4');
  for (const [id, v] of [['grpo-prompts', '2'], ['grpo-generations', '4'], ['grpo-max-tokens', '64'], ['grpo-checkpoint-every', '0']]) await page.getByTestId(id).fill(v);
  expect(await page.getByTestId('start-comparison').isDisabled()).toBe(false);
  await page.getByTestId('start-comparison').click();
  await expect.poll(() => minStep(page), { timeout: 240_000, interval: 1000 }).toBeGreaterThanOrEqual(3);

  // one shared legend with both runs; no per-chart legends
  const legend = page.getByTestId('shared-legend');
  expect(await legend.locator('.legend-item').count()).toBe(2);
  expect(await page.getByTestId('dashboard').locator('.recharts-legend-wrapper').count()).toBe(0);
  // charts are large: at 1400 px at least 340 px wide and 240 px tall, three per row
  try {
    await expect.poll(() => page.getByTestId('chart-kl').locator('.recharts-line').count(), { timeout: 30_000 }).toBe(4);
  } catch (e) {
    await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard-failed.png'), fullPage: true, timeout: 120_000 });
    console.log('chart-kl:', await page.getByTestId('chart-kl').textContent(), errors);
    throw e;
  }
  const box = (await page.getByTestId('chart-kl').locator('svg.recharts-surface').boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(340);
  expect(box.height).toBeGreaterThanOrEqual(230);
  await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard-1400.png'), fullPage: true, timeout: 120_000 });
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.waitForTimeout(500);
  const narrow = (await page.getByTestId('chart-kl').locator('svg.recharts-surface').boundingBox())!;
  expect(narrow.width).toBeGreaterThanOrEqual(300);
  await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard-800.png'), fullPage: true, timeout: 120_000 });
  if (errors.length) console.log('page errors:', errors);
  expect(errors).toEqual([]);
}, 900_000);
