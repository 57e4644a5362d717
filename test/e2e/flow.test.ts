// The whole flow with the bundled toy model: inspect a toy example, step with the keyboard,
// check the table against the scorer called directly in the page, batch-run the example set,
// sort, export CSV and parse it back, reload and find the results still there.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MODEL = resolve(ROOT, 'public/models/toy-reasoner/onnx/model.onnx');
const SHOTS = resolve(ROOT, 'docs/screenshots');
const examples = readFileSync(resolve(ROOT, 'public/examples/toy-addition.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** What the dev-build debug hook (src/ui/debugHook.ts) puts on window, as far as this test reads it. */
type Store<S> = { getState(): S };
interface DebugWindow {
  __longTasks: number[];
  __reproDebug: {
    inspector: Store<{ trajectory: { segments: unknown[] } }>;
    settings: Store<{ settings: { topK: number; w: number; eps: number; markers: string[] } }>;
    batch: Store<{ running: string | null; rows: { id: string; question: string; finalScore: number | null; cotTokens: number | null }[] }>;
    analyse(t: unknown, s: unknown): { score: number[] };
    scoreInPage(input: { question: string; cot: string; answer: string }): Promise<{ J: number[] }>;
  };
}

let e2e: E2E;
beforeAll(async () => {
  if (existsSync(MODEL)) e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

async function shot(page: Page, name: string, keep = false) {
  const path = resolve(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  if (keep) {
    mkdirSync(SHOTS, { recursive: true });
    copyFileSync(path, resolve(SHOTS, `${name}.png`));
  }
}

test.skipIf(!existsSync(MODEL))('inspect → step → compare with the in-page scorer → batch → sort → CSV → reload', async () => {
  const { page, errors } = await e2e.newPage();
  // Long main-thread tasks during the batch (reported, not asserted).
  await page.addInitScript(() => {
    const w = window as unknown as DebugWindow;
    w.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${e2e.baseUrl}/?tab=inspector`);
  await page.getByTestId('load-bundled').click();
  await page.getByTestId('model-loaded').waitFor({ timeout: 180_000 });

  // Inspect a toy example with a hesitation segment.
  const ex = examples.find((e) => String(e.id).includes('hesitation'))!;
  await page.getByTestId('question').fill(ex.question);
  await page.getByTestId('answer').fill(ex.answer);
  await page.getByTestId('cot').fill(ex.cot);
  await page.getByTestId('score').click();
  await page.getByTestId('inspection').waitFor({ timeout: 180_000 });
  const K = await page.evaluate(() => (window as unknown as DebugWindow).__reproDebug.inspector.getState().trajectory.segments.length);
  expect(K).toBeGreaterThan(2);

  // Keyboard stepping.
  await page.locator('h2#inspector-title').click();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('k');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  expect(await page.getByTestId('step-label').textContent()).toContain(`k = ${Math.min(K, 4)} of ${K}`);
  await shot(page, 'inspector', true);

  // The table equals the scorer run directly in the page on its own model instance.
  const direct = await page.evaluate(async (input) => {
    const d = (window as unknown as DebugWindow).__reproDebug;
    const t = await d.scoreInPage(input);
    const s = d.settings.getState().settings;
    const a = d.analyse(t, { topK: s.topK, w: s.w, eps: s.eps, markers: s.markers });
    return { J: t.J, S: a.score };
  }, { question: ex.question, cot: ex.cot, answer: ex.answer });
  expect(direct.J.length).toBe(K + 1);
  for (let k = 0; k <= K; k++) {
    const shown = Number(await page.getByTestId(`J-${k}`).getAttribute('data-value'));
    expect(Math.abs(shown - direct.J[k]), `J_${k}`).toBeLessThan(1e-4);
    const S = Number(await page.getByTestId(`S-${k}`).getAttribute('data-value'));
    expect(Math.abs(S - direct.S[k]), `S(${k})`).toBeLessThan(1e-3);
  }

  // Batch: the toy example set, in one click.
  await page.getByTestId('tab-batch').click();
  await page.getByTestId('example-toy-addition.jsonl').click();
  await expect.poll(() => page.getByTestId('parsed-count').textContent(), { timeout: 15_000 }).toBe(String(examples.length));
  await page.evaluate(() => ((window as unknown as DebugWindow).__longTasks.length = 0));
  await page.getByTestId('batch-run').click();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as DebugWindow).__reproDebug.batch.getState().running), { timeout: 280_000, interval: 1000 })
    .toBeNull();
  const longest = await page.evaluate(() => Math.max(0, ...(window as unknown as DebugWindow).__longTasks));
  console.log(`longest main-thread task during the batch: ${longest.toFixed(0)} ms`);
  // The table renders from a deferred copy of the results: it may trail the store for a moment.
  await expect.poll(() => page.getByTestId('result-row').count(), { timeout: 30_000 }).toBe(examples.length);
  // The charts (redrawn at most every 2 s during the run) end on the whole set: 4 charts, and the
  // correct-vs-wrong chart's group labels count the store's final rows.
  await expect.poll(() => page.getByTestId('batch-charts').locator('figure').count(), { timeout: 30_000 }).toBe(4);
  const groups = await page.evaluate(() => {
    const rs = (window as unknown as { __reproDebug: { batch: Store<{ rows: { correct: boolean | null; cotTokens: number | null }[] }> } })
      .__reproDebug.batch.getState().rows.filter((r) => r.cotTokens !== null);
    return `correct (${rs.filter((r) => r.correct === true).length}) wrong (${rs.filter((r) => r.correct === false).length})`;
  });
  await expect.poll(async () => {
    const text = (await page.getByTestId('batch-charts').textContent()) ?? '';
    return `${/correct \(\d+\)/.exec(text)?.[0]} ${/wrong \(\d+\)/.exec(text)?.[0]}`;
  }, { timeout: 30_000 }).toBe(groups);
  // and each chart has drawn its marks (bars, lines), not just an empty frame
  const charts = page.getByTestId('batch-charts').locator('figure');
  for (let i = 0; i < 4; i++) {
    await expect.poll(() => charts.nth(i).locator('.recharts-bar-rectangle, .recharts-line-curve').count(), { timeout: 30_000, message: `batch chart ${i} draws its marks` }).toBeGreaterThan(0);
  }
  await shot(page, 'batch', true);
  for (let i = 0; i < 4; i++) expect(await charts.nth(i).locator('.recharts-bar-rectangle, .recharts-line-curve').count(), `batch chart ${i} after the screenshot`).toBeGreaterThan(0);

  // Sort by S(K), descending: the rendered column is non-increasing.
  await page.getByTestId('sort-finalScore').click();
  await page.getByTestId('sort-finalScore').click();
  const scores = (await page.locator('[data-testid=result-row] td[data-col=finalScore]').allTextContents()).map(Number).filter((v) => !Number.isNaN(v));
  for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThanOrEqual(scores[i - 1]);

  // Export CSV and parse it back: one row per prompt, numbers equal the store's rows.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = readFileSync((await download.path())!, 'utf8');
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  expect(parsed.data.length).toBe(examples.length);
  const storeRows = await page.evaluate(() => (window as unknown as DebugWindow).__reproDebug.batch.getState().rows);
  for (const r of parsed.data) {
    const s = storeRows.find((x) => x.id === r.id);
    if (!s) throw new Error(`CSV row ${r.id} is not among the results`);
    expect(r.question).toBe(s.question);
    if (s.finalScore !== null) expect(Number(r.finalScore)).toBe(s.finalScore);
    if (s.cotTokens !== null) expect(Number(r.cotTokens)).toBe(s.cotTokens);
  }

  // Reload: the run is still there.
  await page.reload();
  await page.getByTestId('tab-batch').click();
  await expect.poll(() => page.getByTestId('result-row').count(), { timeout: 30_000 }).toBe(examples.length);
  expect(errors).toEqual([]);
});
