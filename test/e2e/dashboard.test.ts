// The training dashboard with two runs (issue #10): invalid training settings refused inline, one
// shared legend and no per-chart legends, raw + EMA lines per run, charts at least 340 × 230 px at
// 1400 px and 300 px wide at 800 px, screenshots at both widths; S(M) drawn for the RePro run only,
// the clip fraction on a 0–1 axis, hover moving the crosshair on every chart, the config diff.
// (Stop confirmation and the reload resuming the pair: training.test.ts.)
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const HAS_CHECKPOINT = existsSync(resolve(ROOT, 'public/models/toy-reasoner-verbose/model.safetensors')); // the screen's default regime

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

test.skipIf(!HAS_CHECKPOINT)('dashboard at 1400 and 800 px with two runs: shared legend, S(M), clip axis, synced crosshair, config diff', async () => {
  const { page, errors } = await e2e.newPage();
  // SwiftShader and the shared 2-core machine can hold the renderer for long stretches.
  page.setDefaultTimeout(120_000);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`${e2e.baseUrl}/?tab=training`, { timeout: 180_000 });
  await page.getByTestId('training-screen').waitFor({ timeout: 60_000 });

  // invalid training settings: inline error, Start disabled, never applied
  await page.getByTestId('grpo-generations').fill('1');
  expect(await page.getByTestId('grpo-generations-error').textContent()).toMatch(/^Samples \/ prompt G \(rollout\.n, num_generations\): 1 is outside the allowed range; enter an integer from 2 to 32\. Not applied — still using \d+\.$/);
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
    await expect.poll(() => page.getByTestId('chart-entropy').locator('.recharts-line').count(), { timeout: 30_000 }).toBe(4);
  } catch (e) {
    await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard-failed.png'), fullPage: true, timeout: 120_000 });
    console.log('chart-entropy:', await page.getByTestId('chart-entropy').textContent(), errors);
    throw e;
  }
  const box = (await page.getByTestId('chart-entropy').locator('svg.recharts-surface').boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(340);
  expect(box.height).toBeGreaterThanOrEqual(230);
  await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard-1400.png'), fullPage: true, timeout: 120_000 });

  // S(M) is drawn for the RePro run only (raw + smoothed), with a note saying so
  expect(await page.getByTestId('chart-process-reward').locator('.recharts-line').count()).toBe(2);
  expect(await page.getByTestId('note-process-reward').textContent()).toMatch(/RePro runs only/);
  // KL and clip fraction are zero by construction here (β = 0, one update per batch): the charts say
  // why instead of drawing flat lines (their 0–1 axis: test/unit/ui/smoothing.test.ts)
  expect(await page.getByTestId('empty-kl').textContent()).toMatch(/β = 0/);
  expect(await page.getByTestId('empty-clip-frac').textContent()).toMatch(/μ = num_iterations = 1/);

  // hover on one chart moves the crosshair on every chart: the same step in the loss chart's tooltip
  await page.getByTestId('chart-entropy').scrollIntoViewIfNeeded();
  const hoverBox = (await page.getByTestId('chart-entropy').locator('svg.recharts-surface').boundingBox())!;
  await page.mouse.move(hoverBox.x + hoverBox.width * 0.5, hoverBox.y + hoverBox.height * 0.5, { steps: 4 });
  await page.mouse.move(hoverBox.x + hoverBox.width * 0.6, hoverBox.y + hoverBox.height * 0.5, { steps: 4 });
  const tipOf = (id: string) => page.getByTestId(id).locator('.recharts-tooltip-wrapper .recharts-tooltip-label');
  await expect.poll(() => tipOf('chart-entropy').textContent(), { timeout: 30_000 }).toMatch(/^step \d+$/);
  const hoverStep = await tipOf('chart-entropy').textContent();
  await expect.poll(() => tipOf('chart-loss').textContent(), { timeout: 30_000 }).toBe(hoverStep);
  await expect.poll(() => tipOf('chart-response-tokens').textContent(), { timeout: 30_000 }).toBe(hoverStep);
  expect(await page.getByTestId('chart-loss').locator('.recharts-tooltip-wrapper').evaluate((e) => getComputedStyle(e).visibility)).toBe('visible');
  await page.mouse.move(0, 0);

  // the config panel: both runs' full configs, the differing keys counted and shown alone on request
  await page.getByTestId('run-config').locator('summary').click();
  const differing = Number(await page.getByTestId('config-diff-count').textContent());
  expect(differing).toBeGreaterThanOrEqual(2); // at least the method and α
  await page.getByTestId('config-diff-only').check();
  const diffRows = page.getByTestId('run-config').locator('tbody tr');
  expect(await diffRows.count()).toBe(differing);
  const alpha = diffRows.filter({ hasText: 'process_reward_coef' });
  expect(await alpha.count()).toBe(1);
  const alphaValues = (await alpha.locator('td.num').allTextContents()).map(Number).sort();
  expect(alphaValues[0]).toBe(0);
  expect(alphaValues[1]).toBeGreaterThan(0);
  await page.getByTestId('config-diff-only').uncheck();
  expect(await diffRows.count()).toBeGreaterThan(differing);
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.waitForTimeout(500);
  const narrow = (await page.getByTestId('chart-entropy').locator('svg.recharts-surface').boundingBox())!;
  expect(narrow.width).toBeGreaterThanOrEqual(300);
  await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard-800.png'), fullPage: true, timeout: 120_000 });
  if (errors.length) console.log('page errors:', errors);
  expect(errors).toEqual([]);
}, 900_000);
