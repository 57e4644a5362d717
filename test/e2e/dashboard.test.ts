// The training dashboard with two runs (issue #10): screenshots at 1400 px and 800 px, one shared
// legend, large charts in a grid, hover crosshairs synced across charts, smoothing and log scale,
// clip fraction on 0–1, S(M) drawn for the RePro run only, the first held-out evaluation noted,
// the config diff, stop asking for confirmation; then a reload with checkpoint_every = 0 (so only
// the autosave and the page-hide save keep the runs) brings both back and resumes them as a pair.
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
  // clip fraction axis 0–1; S(M) only for the RePro run (raw + EMA = 2 lines); held-out note
  const clipTicks = (await page.getByTestId('chart-clip-frac').locator('.recharts-cartesian-axis').nth(1).locator('.recharts-cartesian-axis-tick-value').allTextContents()).map(Number);
  expect(Math.max(...clipTicks)).toBe(1);
  expect(Math.min(...clipTicks)).toBe(0);
  expect(await page.getByTestId('chart-process-reward').locator('.recharts-line').count()).toBe(2);
  expect(await page.getByTestId('note-process-reward').textContent()).toMatch(/RePro runs only/);
  expect(await page.getByTestId('note-reward').textContent()).toMatch(/first evaluation after step 10/);
  // metric definition on hover, linking the Method page
  expect(await page.getByTestId('chart-title-clip-frac').getAttribute('title')).toMatch(/^Fraction \(0–1\) of completion tokens/);
  // the config diff names what differs between the runs
  await page.getByTestId('run-config').locator('summary').click();
  const differing = await page.getByTestId('config-row-differs').allTextContents();
  expect(differing.some((t) => t.startsWith('method'))).toBe(true);
  expect(differing.some((t) => t.startsWith('process_reward_coef'))).toBe(true);

  // hovering one chart moves the crosshair on the others
  const kl = (await page.getByTestId('chart-kl').locator('svg.recharts-surface').boundingBox())!;
  await page.mouse.move(kl.x + kl.width * 0.6, kl.y + kl.height * 0.5);
  await expect.poll(() => page.getByTestId('dashboard').locator('.recharts-tooltip-cursor').count(), { timeout: 10_000 }).toBeGreaterThan(3);
  await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard-1400.png'), fullPage: true, timeout: 120_000 });
  await page.mouse.move(5, 5);

  // smoothing off draws one line per run; log scale leaves the page working
  await page.getByTestId('smoothing').fill('0');
  await expect.poll(() => page.getByTestId('chart-kl').locator('.recharts-line').count()).toBe(2);
  await page.getByTestId('smoothing').fill('0.8');
  await page.getByTestId('log-scale').check();
  await expect.poll(() => page.getByTestId('chart-grad-norm').locator('.recharts-line').count()).toBe(4);
  await page.getByTestId('log-scale').uncheck();

  await page.setViewportSize({ width: 800, height: 1000 });
  await page.waitForTimeout(500);
  const narrow = (await page.getByTestId('chart-kl').locator('svg.recharts-surface').boundingBox())!;
  expect(narrow.width).toBeGreaterThanOrEqual(300);
  await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard-800.png'), fullPage: true, timeout: 120_000 });

  // stop asks first; "Keep running" keeps it running
  await page.getByTestId('run-outcome').getByRole('button', { name: 'Stop' }).click();
  await page.getByTestId('confirm-stop').waitFor();
  await page.getByTestId('confirm-stop-no').click();
  expect(await page.getByTestId('confirm-stop').count()).toBe(0);
  expect((await runs(page)).every((r) => r.status === 'running')).toBe(true);

  // reload (checkpoint_every = 0): both runs are saved and come back as one comparison
  const before = await runs(page);
  await page.reload({ timeout: 180_000 });
  await page.getByTestId('training-screen').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByTestId('saved-run').count(), { timeout: 30_000 }).toBe(2);
  expect(await page.getByTestId('saved-comparison').count()).toBe(1);
  const savedSteps = (await page.getByTestId('saved-run').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-step')))));
  for (const s of savedSteps) expect(s).toBeGreaterThanOrEqual(1);
  const lastBefore = Math.min(...before.map((r) => r.steps.at(-1)!));
  expect(Math.min(...savedSteps)).toBeGreaterThanOrEqual(Math.max(1, lastBefore - 5));
  await page.getByTestId('resume-comparison').click({ timeout: 180_000 });
  await expect.poll(async () => (await runs(page)).map((r) => r.status).sort().join(','), { timeout: 180_000 }).toBe('running,running');
  await expect.poll(() => minStep(page), { timeout: 240_000, interval: 1000 }).toBeGreaterThan(Math.min(...savedSteps));
  await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard-resumed.png'), fullPage: true, timeout: 120_000 });
  for (const method of ['outcome', 'repro']) {
    await page.getByTestId(`run-${method}`).getByRole('button', { name: 'Stop' }).click({ timeout: 120_000 });
    await page.getByTestId('confirm-stop-yes').click();
  }
  await expect.poll(async () => (await runs(page)).every((r) => r.status === 'stopped' || r.status === 'finished'), { timeout: 240_000 }).toBe(true);
  if (errors.length) console.log('page errors:', errors);
  expect(errors).toEqual([]);
}, 900_000);
