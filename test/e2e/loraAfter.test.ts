// A LoRA run on the bundled toy Llama (1 step) and its card's "look at what changed" actions: compare
// base vs adapted (both J curves, screenshot), batch before → after, open base + adapter in the inspector, export the
// adapter in PEFT's format (a zip holding adapter_config.json + adapter_model.safetensors), and that
// folder picked as a PEFT adapter on the inspector's model.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { unzipSync } from 'fflate';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';
import { DEFAULT_GRPO_CONFIG } from '../../src/rl/config.ts';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

interface Dbg { __reproDebug: { startRun(spec: unknown): Promise<void>; training: { getState(): { runs: Record<string, { status: string; message: string | null }> } } } }

test('LoRA run card: compare base vs adapted, open in inspector, export PEFT', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=training`);
  await page.getByRole('tab', { name: /training/i }).waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => typeof (window as unknown as Partial<Dbg>).__reproDebug?.startRun === 'function', null, { timeout: 120_000 });
  const runId = 'lora-e2e';
  const config = { ...DEFAULT_GRPO_CONFIG,
    per_device_train_batch_size: 2, num_generations: 2, max_completion_length: 48, learning_rate: 2e-2, eval_every: 0, checkpoint_every: 0, seed: 3, process_reward_coef: 0.5 };
  await page.evaluate(async ({ id, config }) => {
    await (window as unknown as Dbg).__reproDebug.startRun({
      runId: id, label: 'toy Llama LoRA', method: 'repro', config, steps: 1, task: { kind: 'toy-addition', min_digits: 2, max_digits: 2 },
      model: { kind: 'engine', source: { kind: 'bundled', name: 'toy-llama-verbose' }, lora: { r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj'], lora_dropout: 0 } },
    });
  }, { id: runId, config });
  await page.waitForFunction((id) => ['finished', 'error'].includes((window as unknown as Dbg).__reproDebug.training.getState().runs[id]?.status ?? ''), runId, { timeout: 300_000 });
  const run = await page.evaluate((id) => (window as unknown as Dbg).__reproDebug.training.getState().runs[id], runId);
  expect(run.status, run.message ?? '').toBe('finished');

  const card = page.locator(`[data-testid="run-summary"][data-run-id="${runId}"]`);
  await card.getByTestId('engine-run-panel').waitFor();
  expect(await card.getByTestId('run-adapter').textContent()).toBe('LoRA r 4, lora_alpha 8 on q_proj, v_proj');
  expect(await card.getByTestId('card-step-time').textContent()).toMatch(/s per step \(measured, mean of 1 step\)/);

  // export PEFT: the zip holds PEFT's two files
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), card.getByTestId('run-export-peft').click()]);
  const zip = unzipSync(readFileSync(await download.path()));
  const names = Object.keys(zip).map((n) => n.split('/').at(-1));
  expect(names.sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
  const cfg = JSON.parse(new TextDecoder().decode(Object.entries(zip).find(([n]) => n.endsWith('adapter_config.json'))![1]));
  expect(cfg).toMatchObject({ r: 4, lora_alpha: 8, peft_type: 'LORA' });

  // compare base vs adapted: both J curves
  await card.getByTestId('run-compare-base').click();
  await page.getByTestId('compare-panel').waitFor({ timeout: 300_000 });
  expect(await page.getByTestId('compare-side-a').textContent()).toMatch(/Base: bundled toy-llama-verbose/);
  expect(await page.getByTestId('compare-side-b').textContent()).toMatch(/Base \+ adapter \(run toy Llama LoRA, step 1\)/);
  expect(await page.getByTestId('compare-chart-k').locator('path.recharts-line-curve').count()).toBe(2);
  // the comparison's head (question, A and B) at the top of the shot, the J curves below it
  await page.getByTestId('compare-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: resolve(import.meta.dirname, '../../docs/screenshots/lora-before-after-compare.png'), fullPage: false });

  // batch before → after on the run's held-out problems: every metric row, both sides scored
  await card.getByTestId('run-before-after').click();
  await card.getByTestId('before-after').waitFor({ timeout: 300_000 });
  for (const k of ['accuracy', 'cotTokens', 'backtracking', 'tokensAfterCertainty', 'jGain']) {
    const cells = await card.getByTestId(`before-after-${k}`).locator('td').allTextContents();
    expect(cells[0], k).toMatch(/^-?\d+\.\d+$/);
    expect(cells[1], k).toMatch(/^-?\d+\.\d+$/);
  }

  // the sticky header would cover part of an element shot
  await page.evaluate(() => document.querySelectorAll<HTMLElement>('header').forEach((h) => (h.style.position = 'static')));
  await card.screenshot({ path: resolve(import.meta.dirname, '../../docs/screenshots/lora-run-card.png') });
  await page.evaluate(() => document.querySelectorAll<HTMLElement>('header').forEach((h) => (h.style.position = '')));

  // open in inspector: base + adapter loaded, labelled with the run and step
  await card.getByTestId('run-open-inspector').click();
  await page.getByTestId('model-loaded').waitFor({ timeout: 300_000 });
  expect(await page.getByTestId('model-loaded').textContent()).toMatch(/\+ adapter \(run toy Llama LoRA, step 1\)/);

  // the exported adapter folder picked in the model panel, on the same base
  const dir = resolve(ARTIFACTS, 'peft-adapter');
  mkdirSync(dir, { recursive: true });
  for (const [n, bytes] of Object.entries(zip)) if (!n.endsWith('/')) writeFileSync(resolve(dir, n.split('/').at(-1)!), bytes);
  await page.getByTestId('adapter-folder').setInputFiles(dir);
  await page.waitForFunction(() => /\+ adapter \(peft-adapter\)/.test(document.querySelector('[data-testid="model-loaded"]')?.textContent ?? ''), null, { timeout: 300_000 });
  expect(errors).toEqual([]);
}, 900_000);
