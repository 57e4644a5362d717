// The training screen for real-architecture models (issue #23 §1, §2, §5): a tiny random Llama
// served as a hub repo and the bundled Llama toy reasoner set up as LoRA runs. Setup: a hub id that
// does not exist and a budget the run does not fit disable Start with the reason, a prompt set
// with bad lines shows the batch screen's per-line report. Runs: the toy reasoner with every
// estimator (GRPO, PPO, REINFORCE++; outcome-only and RePro) for 2 steps, throughput and memory
// on screen, the PEFT export; the hub Llama paused (after the step in flight), the page reloaded,
// the saved pair named by its model and resumed from its checkpoint, finished. Screenshots: docs/screenshots/training-lora-setup.png,
// training-lora-dashboard.png.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startE2E, type E2E } from './harness.ts';
import { fakeHub } from '../fixtures/onnx/fakeHub.ts';
import { tinyLlama } from '../util/tinyLlama.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = resolve(ROOT, 'docs/screenshots');
const REPO = 'test-org/tiny-llama';
const HUB = fakeHub({ [REPO]: { folder: tinyLlama({ name: 'llama-gqa', dtype: 'BF16', seed: 3 }).folder } });
const TMP = mkdtempSync(join(tmpdir(), 'repro-lora-ui-'));

interface RunState { status: string; metrics: { step: number; timings: { sampling: number } }[]; spec: { runId: string; model?: { kind: string } } }
interface Dbg { __reproTraining: { getState(): { runs: Record<string, RunState> } } }

let e2e: E2E;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

/** huggingface.co served from the fake hub (the training worker's fetches included). */
async function routeHub(context: BrowserContext): Promise<void> {
  await context.route('https://huggingface.co/**', async (route) => {
    const res = await HUB.fetchImpl(route.request().url());
    const headers: Record<string, string> = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-length, link' };
    res.headers.forEach((v, k) => { headers[k] = v; });
    await route.fulfill({ status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) });
  });
}

const runs = (page: Page) => page.evaluate(() => Object.values((window as unknown as Dbg).__reproTraining.getState().runs).map((r) => ({
  id: r.spec.runId, status: r.status, steps: r.metrics.map((m) => m.step), engine: r.spec.model?.kind === 'engine',
})));

/** The sticky header would sit over the middle of a tall element's screenshot. */
const unstickHeader = (page: Page) => page.addStyleTag({ content: '.app-header { position: static !important; }' });

async function tinySettings(page: Page, steps: number): Promise<void> {
  await page.getByTestId('train-steps').fill(String(steps));
  for (const [id, v] of [['grpo-prompts', '1'], ['grpo-generations', '2'], ['grpo-max-tokens', '12']]) await page.getByTestId(id).fill(v);
}

test('setup: a missing hub repo and a budget too small disable Start with the reason; a prompt set with bad lines gets its per-line report', async () => {
  const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await routeHub(page.context());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${e2e.baseUrl}/?tab=training`, { timeout: 180_000 });
  await page.getByTestId('training-screen').waitFor({ timeout: 120_000 });
  await page.getByTestId('train-model-hub').check();
  await page.getByTestId('train-hub-id').fill('test-org/nothing-here');
  const start = page.getByTestId('start-comparison');
  await expect.poll(() => page.getByTestId('preflight-blocker').textContent().catch(() => ''), { timeout: 120_000 }).toMatch(/^The model cannot be opened: test-org\/nothing-here: /);
  expect(await start.isDisabled()).toBe(true);

  await page.getByTestId('train-hub-id').fill(REPO);
  await page.getByTestId('preflight-ok').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('preflight-model').textContent()).toMatch(/^test-org\/tiny-llama: llama, 2 layers × 32, vocabulary 294, weights BF16/);
  expect(await page.getByTestId('preflight-total').textContent()).toMatch(/of 4\.00 GiB budget \(assumed\)/);
  expect(await start.isDisabled()).toBe(false);

  // the step-time estimate before Start: kernels timed on this adapter, one row per run
  await page.getByTestId('step-estimate-run').click();
  await page.getByTestId('step-estimate-table').waitFor({ timeout: 120_000 });
  const estimates = await page.getByTestId('step-estimate-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-total-ms'))));
  expect(estimates).toHaveLength(2);
  for (const ms of estimates) expect(ms).toBeGreaterThan(0);
  expect(await page.getByTestId('step-estimate-table').locator('caption').textContent()).toMatch(/^timed on /);

  await page.getByTestId('lora-budget').fill('0.02');
  // settings changed after the estimate: it is marked stale
  await page.getByTestId('step-estimate-stale').waitFor({ timeout: 30_000 });
  await expect.poll(() => page.getByTestId('preflight-blocker').textContent().catch(() => ''), { timeout: 60_000 }).toMatch(/^This run does not fit on the GPU\. The run needs [\d.]+ MiB on the GPU, more than the 20\.5 MiB budget; the largest parts: .* Lower one of: .*group size/);
  expect(await start.isDisabled()).toBe(true);
  expect(await start.getAttribute('title')).toMatch(/does not fit on the GPU/);
  expect(await page.getByTestId('training-blocked').textContent()).toMatch(/does not fit on the GPU/);
  await page.getByTestId('lora-budget').fill('2');
  await page.getByTestId('preflight-ok').waitFor({ timeout: 60_000 });

  // a prompt set with bad lines: the batch screen's parser and per-line report
  const file = join(TMP, 'with-bad-lines.jsonl');
  writeFileSync(file, [
    JSON.stringify({ question: 'What is 2 + 3?', answer: '5' }),
    '{"question": "no closing brace", "answer": "1"',
    JSON.stringify({ question: 'What is 4 + 4?' }),
    JSON.stringify({ question: 'What is 6 + 1?', answer: '7' }),
    JSON.stringify({ question: 'What is 9 + 9?', answer: '18' }),
  ].join('\n'));
  await page.getByTestId('train-task-prompt-set').check();
  await page.getByTestId('task-file-train').setInputFiles(file);
  const report = page.getByTestId('task-report-train');
  await report.waitFor({ timeout: 60_000 });
  expect(await report.getByTestId('parsed-count').textContent()).toBe('3');
  const lines = await report.getByTestId('parse-errors').locator('li').allTextContents();
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^line 2: /);
  expect(lines[1]).toMatch(/^line 3: .*answer/);
  expect(await page.getByTestId('task-split').textContent()).toBe('2 training, 1 held-out items');
  // the prompt set's longest prompt sizes the run
  await page.getByTestId('preflight-ok').waitFor({ timeout: 60_000 });
  await unstickHeader(page);
  await page.getByTestId('training-screen').screenshot({ path: resolve(SHOTS, 'training-lora-setup.png') });
  expect(errors).toEqual([]);
  await page.close();
});

test('the bundled Llama toy reasoner: every estimator 2 steps with throughput and memory shown, PEFT export', { timeout: 900_000 }, async () => {
  const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await page.goto(`${e2e.baseUrl}/?tab=training`, { timeout: 180_000 });
  await page.getByTestId('training-screen').waitFor({ timeout: 120_000 });
  await page.getByTestId('preset-toy-llama-verbose').click();
  expect(await page.getByTestId('train-model-bundled').isChecked()).toBe(true);
  await tinySettings(page, 2);
  for (const e of ['gae', 'reinforce_plus_plus']) await page.getByTestId(`estimator-${e}`).check();
  await page.getByTestId('preflight-ok').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('preflight-together').textContent()).toMatch(/all 6 runs side by side/);
  await page.getByTestId('start-comparison').click();
  await expect.poll(async () => (await runs(page)).filter((r) => r.steps.length > 0).length, { timeout: 280_000, interval: 1000 }).toBe(6);
  await expect.poll(async () => (await runs(page)).map((r) => r.status).join(','), { timeout: 280_000, interval: 1000 }).toBe(Array(6).fill('finished').join(','));
  // the dashboard once the charts stop redrawing (every 1.5 s while runs go): every run's raw and smoothed lines
  // (a viewport as tall as the dashboard: a capture beyond the viewport resizes the charts, which then redraw blank)
  await unstickHeader(page);
  await page.setViewportSize({ width: 1280, height: 2100 });
  await page.getByTestId('dashboard').scrollIntoViewIfNeeded();
  const drawn = () => page.getByTestId('chart-entropy').locator('.recharts-line path').evaluateAll((ps) => ps.filter((p) => (p.getAttribute('d') ?? '').length > 10).length);
  await expect.poll(drawn, { timeout: 120_000 }).toBe(12);
  await page.getByTestId('dashboard').screenshot({ path: resolve(SHOTS, 'training-lora-dashboard.png'), timeout: 120_000 });
  await page.setViewportSize({ width: 1280, height: 900 });
  const rs = await runs(page);
  expect(rs.every((r) => r.engine && r.steps.join() === '1,2')).toBe(true);
  expect(rs.map((r) => r.id.replace(/-s0-.*/, '')).sort()).toEqual(['gae-outcome', 'gae-repro', 'outcome', 'reinforce_plus_plus-outcome', 'reinforce_plus_plus-repro', 'repro']);
  const rows = page.getByTestId('run-resources-row');
  expect(await rows.count()).toBe(6);
  for (const t of await page.getByTestId('run-step-time').allTextContents()) expect(t).toMatch(/^\d+(\.\d+)? (ms|s)$/);
  for (const t of await page.getByTestId('run-tokens-per-s').allTextContents()) expect(Number(t)).toBeGreaterThan(0);
  await expect.poll(() => page.getByTestId('run-memory').count(), { timeout: 60_000 }).toBe(6);
  expect(await page.getByTestId('empty-tokens-after-certainty').textContent()).toMatch(/^Not measured yet: the first held-out evaluation comes after step 10/);

  // PEFT export of the GRPO RePro run: adapter_config.json with the preset's LoRA
  const downloads: string[] = [];
  page.on('download', (d) => void d.path().then((p) => downloads.push(`${d.suggestedFilename()}|${p}`)));
  await page.locator('[data-testid="run-resources-row"][data-run-id^="repro-"]').getByTestId('download-peft').click();
  await expect.poll(() => downloads.length, { timeout: 120_000 }).toBe(2);
  const config = downloads.find((d) => d.includes('adapter_config.json'))!;
  const cfg = JSON.parse(readFileSync(config.split('|')[1], 'utf8')) as { peft_type: string; r: number; lora_alpha: number; target_modules: string[] };
  expect(cfg).toMatchObject({ peft_type: 'LORA', r: 8, lora_alpha: 16 });
  expect([...cfg.target_modules].sort()).toEqual(['down_proj', 'gate_proj', 'k_proj', 'o_proj', 'q_proj', 'up_proj', 'v_proj']);
  const weights = downloads.find((d) => d.includes('adapter_model.safetensors'))!;
  const bytes = readFileSync(weights.split('|')[1]);
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8')) as Record<string, unknown>;
  expect(Object.keys(header)).toContain('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight');
  await page.close();
});

test('a tiny hub Llama, every estimator: paused, reloaded, resumed from its checkpoints together, finished', { timeout: 900_000 }, async () => {
  const STEPS = 4;
  const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await routeHub(page.context());
  await page.goto(`${e2e.baseUrl}/?tab=training`, { timeout: 180_000 });
  await page.getByTestId('training-screen').waitFor({ timeout: 120_000 });
  await page.getByTestId('train-model-hub').check();
  await page.getByTestId('train-hub-id').fill(REPO);
  await tinySettings(page, STEPS);
  for (const e of ['gae', 'reinforce_plus_plus']) await page.getByTestId(`estimator-${e}`).check();
  await page.getByTestId('preflight-ok').waitFor({ timeout: 120_000 });
  await page.getByTestId('start-comparison').click();
  const all = (status: string) => Array(6).fill(status).join(',');
  // Each run is paused as soon as it shows a Pause button (it finishes the step in flight, if any, and
  // writes its checkpoint). The runs start one after another, and the first can be steps ahead by the
  // time the last starts (CI saw one finish before all six were running), so no run waits for the others.
  // Clicked in the page, all in one task: the table re-renders every second and detaches its buttons;
  // a run whose pause is pending shows no Pause button and reads 'pausing…'. A tiny run can still
  // finish before its click lands (CI, under load: the last run to start, alone on the worker once the
  // other five had paused, ran its steps in the second the click took): finished runs are saved too
  // and resume as finished, so the test needs most, not all, to pause part-way.
  const settled = (s: string) => s.split(',').length === 6 && s.split(',').every((x) => x === 'paused' || x === 'finished');
  await expect.poll(() => page.getByTestId('run-table').evaluate((t) => {
    for (const b of t.querySelectorAll('button')) if (b.textContent === 'Pause') b.click();
    return [...t.querySelectorAll('[data-testid=run-status]')].map((s) => (/^(paused|pausing…)/.test(s.textContent ?? '') ? 'paused' : s.textContent)).join(',');
  }).then((s) => (settled(s) ? 'settled' : s)), { timeout: 280_000, interval: 100 }).toBe('settled');
  await expect.poll(async () => (await runs(page)).map((r) => r.status).join(','), { timeout: 280_000, interval: 500 }).toSatisfy((s: string) => settled(s) && s.split(',').filter((x) => x === 'paused').length >= 4);
  const before = await runs(page);
  await page.reload({ timeout: 180_000 });
  await page.getByTestId('training-screen').waitFor({ timeout: 120_000 });
  const saved = page.getByTestId('saved-run');
  await expect.poll(() => saved.count(), { timeout: 60_000 }).toBe(6);
  for (const t of await page.getByTestId('saved-model').allTextContents()) expect(t).toBe('test-org/tiny-llama, LoRA r 8 on q, k, v, o');
  const savedSteps = await saved.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-step'))));
  expect(savedSteps.sort()).toEqual(before.map((r) => r.steps.at(-1) ?? 0).sort());
  expect(savedSteps.filter((n) => n < STEPS).length).toBeGreaterThanOrEqual(4);
  // clicked in the page: the resume replays the saved history while the page is busy, longer than Playwright's post-click wait
  await page.getByTestId('resume-comparison').evaluate((b) => (b as HTMLButtonElement).click());
  await expect.poll(async () => (await runs(page)).map((r) => r.status).join(','), { timeout: 400_000, interval: 1000 }).toBe(all('finished'));
  const done = await runs(page);
  expect(done).toHaveLength(6);
  for (const r of done) expect(r.steps).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
  await page.close();
});
