// The Training tab end to end (dev server + headless Chromium on WebGPU): start the two default
// runs (outcome-only vs RePro, same seed) with a tiny config, see both progress in the step
// counters and the charts, reload mid-run, resume both from their IndexedDB checkpoints, and check
// that the step count continues from the checkpoint with the metrics history intact; then open a
// rollout sample in the inspector with the run's current weights.
// Needs the bundled SFT checkpoint of the default regime (public/models/toy-reasoner-verbose/model.safetensors).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
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

interface RunState { method: string; status: string; metrics: { step: number; reward: number; responseTokens: number; loss: number }[] }

/** The runs as the training store holds them (dev builds expose it for tests). */
function runs(page: Page): Promise<Record<string, RunState>> {
  return page.evaluate(() => {
    const store = (window as unknown as { __reproTraining?: { getState(): { runs: Record<string, { spec: { method: string }; status: string; metrics: unknown[] }> } } }).__reproTraining;
    if (!store) throw new Error('window.__reproTraining is missing (not a dev build?)');
    const out: Record<string, RunState> = {};
    for (const [id, r] of Object.entries(store.getState().runs)) {
      out[id] = JSON.parse(JSON.stringify({ method: r.spec.method, status: r.status, metrics: r.metrics })) as RunState;
    }
    return out;
  });
}

/** The step counter of the run row of `method`, e.g. "3 / 40" → 3. */
async function shownStep(page: Page, method: 'outcome' | 'repro'): Promise<number> {
  const text = await page.getByTestId(`run-${method}`).getByTestId('run-step').textContent();
  return Number(/^(\d+)/.exec(text?.trim() ?? '')?.[1] ?? NaN);
}

async function untilSteps(page: Page, atLeast: number, what: string): Promise<void> {
  await expect.poll(async () => Math.min(await shownStep(page, 'outcome'), await shownStep(page, 'repro')), {
    timeout: 240_000, interval: 500, message: what,
  }).toBeGreaterThanOrEqual(atLeast);
}

test.skipIf(!HAS_CHECKPOINT)('two runs train side by side, survive a reload and resume from their checkpoints', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=training`);
  await page.getByTestId('training-screen').waitFor({ timeout: 60_000 });

  // a tiny comparison: 2 prompts × 4 samples, short completions, a checkpoint every step
  await page.getByTestId('train-steps').fill('40');
  await page.getByTestId('train-seed').fill('3');
  for (const [id, v] of [['grpo-prompts', '2'], ['grpo-generations', '4'], ['grpo-max-tokens', '64'], ['grpo-checkpoint-every', '1']]) {
    await page.getByTestId(id).fill(v);
  }
  await page.getByTestId('start-comparison').click();
  await untilSteps(page, 2, 'both runs reach step 2');

  // both runs report metrics; every chart of a step metric draws one line per run
  const live = await runs(page);
  expect(Object.values(live).map((r) => r.method).sort()).toEqual(['outcome', 'repro']);
  for (const r of Object.values(live)) {
    expect(r.metrics.length).toBeGreaterThanOrEqual(2);
    for (const m of r.metrics) expect(Number.isFinite(m.responseTokens)).toBe(true);
  }
  // each run: its raw line (faint) and its EMA-smoothed line; one shared legend for every chart
  const lines = page.getByTestId('chart-response-tokens').locator('.recharts-line');
  await expect.poll(() => lines.count(), { timeout: 30_000, message: 'raw + smoothed line per run' }).toBe(4);
  const legend = await page.getByTestId('shared-legend').textContent();
  expect(legend).toContain('Outcome only');
  expect(legend).toContain('RePro');
  await page.screenshot({ path: resolve(ARTIFACTS, 'training.png'), fullPage: true });
  mkdirSync(resolve(ROOT, 'docs/screenshots'), { recursive: true });
  copyFileSync(resolve(ARTIFACTS, 'training.png'), resolve(ROOT, 'docs/screenshots/training.png'));

  // reload mid-run: the page offers the saved runs, at the step of their last checkpoint
  const beforeReload = await runs(page);
  await page.reload();
  await page.getByTestId('training-screen').waitFor({ timeout: 60_000 });
  const saved = page.getByTestId('saved-run');
  await expect.poll(() => saved.count(), { timeout: 30_000 }).toBe(2);
  const savedStep: Record<string, number> = {};
  for (let i = 0; i < 2; i++) {
    const row = saved.nth(i);
    savedStep[(await row.getAttribute('data-run-id'))!] = Number(await row.getAttribute('data-step'));
  }
  for (const [id, step] of Object.entries(savedStep)) {
    expect(beforeReload[id], `run ${id} was live before the reload`).toBeDefined();
    expect(step).toBeGreaterThanOrEqual(1);
    // a checkpoint every step: at most the step in flight (and one being written) is lost
    expect(step).toBeGreaterThanOrEqual(beforeReload[id].metrics.at(-1)!.step - 1);
  }

  // resume both; the step counters continue from the checkpoints
  for (const id of Object.keys(savedStep)) {
    // The GPU process (SwiftShader) is busy compiling the resumed run's pipelines, and input events
    // wait behind it: give the click the time a software adapter needs.
    await page.locator(`[data-testid="saved-run"][data-run-id="${id}"]`).getByTestId('resume-saved').click({ timeout: 180_000 });
  }
  const minSaved = Math.min(...Object.values(savedStep));
  await untilSteps(page, minSaved + 2, 'both resumed runs take two more steps');
  const resumed = await runs(page);
  for (const [id, step] of Object.entries(savedStep)) {
    const hist = resumed[id].metrics;
    expect(hist.map((m) => m.step)).toEqual(Array.from({ length: hist.length }, (_, i) => i + 1));
    expect(hist.length).toBeGreaterThan(step);
    // the history up to the checkpoint is exactly what was shown before the reload
    const kept = beforeReload[id].metrics.filter((m) => m.step <= step);
    expect(hist.slice(0, kept.length)).toEqual(kept);
  }
  expect(await shownStep(page, 'outcome')).toBeGreaterThan(savedStep[Object.keys(savedStep).find((k) => resumed[k].method === 'outcome')!]);

  // Stop ends a run for good, so it asks first: "Keep running" keeps it, "Stop run" stops it.
  const outcomeRow = page.getByTestId('run-outcome');
  await outcomeRow.getByRole('button', { name: 'Stop', exact: true }).click({ timeout: 180_000 });
  await outcomeRow.getByTestId('confirm-stop').waitFor({ timeout: 60_000 });
  expect(await outcomeRow.getByTestId('confirm-stop').textContent()).toMatch(/Stop at step \d+\?/);
  await outcomeRow.getByTestId('confirm-stop-no').click({ timeout: 180_000 });
  await outcomeRow.getByTestId('confirm-stop').waitFor({ state: 'detached', timeout: 60_000 });
  expect((await runs(page))[Object.keys(savedStep).find((k) => resumed[k].method === 'outcome')!].status).toBe('running');
  for (const method of ['outcome', 'repro']) {
    const row = page.getByTestId(`run-${method}`);
    const stop = row.getByRole('button', { name: 'Stop', exact: true });
    if (!(await stop.count())) continue; // already finished
    await stop.click({ timeout: 180_000 });
    await row.getByTestId('confirm-stop-yes').click({ timeout: 180_000 });
  }
  // A stop lets the step in flight finish, and that step still publishes its samples: wait for
  // 'stopped' so the sample read below is the one clicked.
  await expect.poll(async () => Object.values(await runs(page)).every((r) => r.status === 'stopped' || r.status === 'finished'), {
    timeout: 240_000, interval: 500, message: 'both runs stopped',
  }).toBe(true);

  // a rollout sample opens in the inspector, scored with the run's current weights
  await expect.poll(() => page.getByTestId('samples-panel').getByTestId('sample').count(), { timeout: 60_000 }).toBeGreaterThan(0);
  const sample = page.getByTestId('samples-panel').getByTestId('sample').first();
  const question = (await sample.locator('strong').textContent())!.trim();
  await sample.getByTestId('open-sample').click({ timeout: 180_000 });
  await page.getByTestId('model-loaded').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('model-loaded').textContent()).toMatch(/· seed 3 · verbose but correct · step \d+/); // the screen's default regime
  await page.getByTestId('inspection').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('question').inputValue()).toBe(question);
  const J = await page.evaluate(() => (window as unknown as { __reproDebug: { inspector: { getState(): { trajectory: { J: number[] } | null } } } })
    .__reproDebug.inspector.getState().trajectory!.J);
  expect(J.length).toBeGreaterThanOrEqual(2);
  for (const j of J) expect(j).toBeLessThanOrEqual(0);
  if (errors.length) console.log('page errors:', errors);
  expect(errors).toEqual([]);
});
