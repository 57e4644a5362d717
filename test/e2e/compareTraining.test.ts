// "Compare with the starting model" on a training rollout sample (issue #17 §3): two GRPO steps
// with the bundled toy model, then the button on a sample — its CoT scored under the starting
// checkpoint (A) and the run's current weights (B). Checked against independent scorings: A
// against the bundled model scored in the page itself, B against "Open in inspector" (the run's
// current weights in the inspector). Cancel is tried once first. Screenshot: docs/screenshots/compare-training.png.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './harness.ts';
import { checkAndShootComparePanel } from './comparePanel.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const HAS_CHECKPOINT = existsSync(resolve(ROOT, 'public/models/toy-reasoner/model.safetensors'));

interface Item { label: string; weights?: string; trajectory: { J: number[]; cot: string; question: string; answer: string } }
interface DebugWindow {
  __reproTraining: { getState(): { runs: Record<string, { status: string }> } };
  __reproDebug: {
    compare: { getState(): { open: { a: Item; b: Item } | null } };
    inspector: { getState(): { trajectory: { J: number[]; cot: string } | null; scoring: string | null } };
    scoreInPage(input: { question: string; cot: string; answer: string }): Promise<{ J: number[] }>;
  };
}

let e2e: E2E;
beforeAll(async () => {
  if (HAS_CHECKPOINT) e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const opened = (page: Page) => page.evaluate(() => {
  const o = (window as unknown as DebugWindow).__reproDebug.compare.getState().open;
  return o ? (JSON.parse(JSON.stringify({ a: o.a, b: o.b })) as { a: Item; b: Item }) : null;
});

test.skipIf(!HAS_CHECKPOINT)('compare a rollout sample under the starting checkpoint and the current weights', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=training`);
  await page.getByTestId('training-screen').waitFor({ timeout: 60_000 });
  // the mixed regime: its SFT checkpoint is the bundled model the page scores with below (scoreInPage)
  await page.getByTestId('train-regime').selectOption('mixed');
  await page.getByTestId('train-steps').fill('2');
  await page.getByTestId('train-seed').fill('5');
  for (const [id, v] of [['grpo-prompts', '2'], ['grpo-generations', '4'], ['grpo-max-tokens', '48']]) await page.getByTestId(id).fill(v);
  await page.getByTestId('start-comparison').click();
  await expect.poll(() => page.evaluate(() => Object.values((window as unknown as DebugWindow).__reproTraining.getState().runs).map((r) => r.status).join(',')), {
    timeout: 280_000, interval: 1000, message: 'both runs finish their two steps',
  }).toBe('finished,finished');
  await expect.poll(() => page.getByTestId('samples-panel').getByTestId('sample').count(), { timeout: 60_000 }).toBeGreaterThan(0);
  const sample = page.getByTestId('samples-panel').getByTestId('sample').first();
  const runLabel = ((await page.getByTestId('samples-panel').locator('h3').textContent()) ?? '').replace(/^Samples · /, '');

  // cancel: nothing opens, the reason is shown
  await sample.getByTestId('compare-start').click({ timeout: 180_000 });
  await page.getByTestId('compare-cancel').click({ timeout: 60_000 });
  await expect.poll(() => page.getByTestId('compare-store-error').textContent().catch(() => ''), { timeout: 120_000 }).toContain('cancelled');
  expect(await opened(page)).toBeNull();

  await sample.getByTestId('compare-start').click({ timeout: 180_000 });
  await page.getByTestId('compare-progress').waitFor({ timeout: 60_000 });
  await page.getByTestId('compare-view').waitFor({ timeout: 240_000 });
  expect(await page.getByTestId('compare-weights-a').textContent()).toContain('starting weights: models/toy-reasoner/model.safetensors');
  expect(await page.getByTestId('compare-weights-b').textContent()).toContain("the run's current weights (step 2)");
  const o = (await opened(page))!;
  expect(o.b.label).toBe(`${runLabel} · step 2`);
  expect(o.a.trajectory.cot).toBe(o.b.trajectory.cot);
  // one CoT: every row pairs a segment with itself, no token or segment difference
  const same = await page.getByTestId('aligned-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-same')));
  expect(same.every((s) => s === 'true')).toBe(true);
  expect(Number(await page.getByTestId('diff-cotTokens-diff').getAttribute('data-value'))).toBe(0);
  expect(Number(await page.getByTestId('diff-JK-diff').getAttribute('data-value'))).toBeCloseTo(o.b.trajectory.J.at(-1)! - o.a.trajectory.J.at(-1)!, 12);
  // two GRPO steps moved the weights: J differs somewhere
  expect(Math.max(...o.a.trajectory.J.map((j, k) => Math.abs(j - o.b.trajectory.J[k])))).toBeGreaterThan(0);
  await checkAndShootComparePanel(page, 'compare-training');

  // A = the bundled SFT model, scored in the page on its own instance (the bundled ONNX file)
  const t = o.a.trajectory;
  const direct = await page.evaluate((input) => (window as unknown as DebugWindow).__reproDebug.scoreInPage(input), { question: t.question, cot: t.cot, answer: t.answer });
  expect(direct.J.length).toBe(t.J.length);
  t.J.forEach((j, k) => expect(Math.abs(j - direct.J[k]), `A: J_${k}`).toBeLessThan(1e-4));

  // B = the same sample opened in the inspector with the run's current weights
  await sample.getByTestId('open-sample').click({ timeout: 180_000 });
  await expect.poll(() => page.evaluate((cot) => {
    const s = (window as unknown as DebugWindow).__reproDebug.inspector.getState();
    return s.scoring === null && s.trajectory?.cot === cot;
  }, t.cot), { timeout: 240_000, message: 'the sample is scored in the inspector' }).toBe(true);
  const own = await page.evaluate(() => (window as unknown as DebugWindow).__reproDebug.inspector.getState().trajectory!.J);
  expect(own.length).toBe(o.b.trajectory.J.length);
  own.forEach((j, k) => expect(Math.abs(j - o.b.trajectory.J[k]), `B: J_${k}`).toBeLessThan(1e-6));
  if (errors.length) console.log('page errors:', errors);
  expect(errors).toEqual([]);
}, 600_000); // two training steps, three scorings and two model loads on SwiftShader, on a shared 2-core machine
