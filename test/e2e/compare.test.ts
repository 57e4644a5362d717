// Comparing two CoTs in the inspector (issue #17 §3), bundled toy model: score two CoTs of one
// question, compare the saved first one with the current one, and check that every number the
// compare view shows equals what each CoT's own inspection shows (its numbers table, read from the
// page); then "Sample two and compare". Screenshot: docs/screenshots/compare.png.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MODEL = resolve(ROOT, 'public/models/toy-reasoner/onnx/model.onnx');
const QUESTION = '11+17=?';
const COT_A = '1+7=8\n\n1+1=2\n\n';
const COT_B = '1+7=8\n\nlet me check 1+7=8\n\nwait, 1+7=8 ok\n\n1+1=2\n\n';

interface DebugWindow {
  __reproDebug: { inspector: { getState(): { saved: { key: number; json: string }[]; trajectory: { segments: unknown[]; cotTokens: number[]; tokenSpans: { start: number; end: number }[] } | null } } };
}

let e2e: E2E;
beforeAll(async () => {
  if (existsSync(MODEL)) e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

/** What the inspection on screen shows: J_k, r_k (numbers table) and tokens per segment. */
async function ownInspection(page: Page): Promise<{ J: number[]; r: (number | null)[]; tokens: number[] }> {
  const t = await page.evaluate(() => (window as unknown as DebugWindow).__reproDebug.inspector.getState().trajectory!);
  const K = t.segments.length;
  const num = async (id: string) => {
    const v = await page.getByTestId(id).getAttribute('data-value');
    return v === '' || v === null ? null : Number(v);
  };
  const J: number[] = [];
  const r: (number | null)[] = [];
  for (let k = 0; k <= K; k++) J.push((await num(`J-${k}`))!);
  for (let k = 1; k <= K; k++) r.push(await num(`r-${k}`));
  return { J, r, tokens: t.tokenSpans.map((s) => s.end - s.start) };
}

async function score(page: Page, cot: string): Promise<void> {
  await page.getByTestId('cot').fill(cot);
  await page.getByTestId('score').click();
  await expect.poll(() => page.evaluate((c) => {
    const s = (window as unknown as { __reproDebug: { inspector: { getState(): { scoring: string | null; trajectory: { cot: string } | null } } } }).__reproDebug.inspector.getState();
    return s.scoring === null && s.trajectory?.cot === c;
  }, cot), { timeout: 180_000, message: 'scored' }).toBe(true);
}

/** The compare view's cells of one side, row by row (null on a gap). */
async function sideCells(page: Page, side: 'a' | 'b') {
  const rows = page.getByTestId('compare-aligned').getByTestId('aligned-row');
  const out: ({ k: number; tokens: number; dJ: number; r: number | null } | null)[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    if (await row.getByTestId(`${side}-gap`).count()) {
      out.push(null);
      continue;
    }
    const v = async (id: string) => row.getByTestId(`${side}-${id}`).getAttribute('data-value');
    const r = await v('r');
    out.push({ k: Number(await v('k')), tokens: Number(await v('tokens')), dJ: Number(await v('dJ')), r: r === '' ? null : Number(r) });
  }
  return out;
}

function expectSideEquals(cells: Awaited<ReturnType<typeof sideCells>>, own: Awaited<ReturnType<typeof ownInspection>>, what: string) {
  const present = cells.filter((c) => c !== null);
  expect(present.map((c) => c.k), `${what}: every segment once, in order`).toEqual(own.tokens.map((_, s) => s + 1));
  for (const c of present) {
    expect(c.tokens, `${what} k=${c.k} tokens`).toBe(own.tokens[c.k - 1]);
    expect(c.dJ, `${what} k=${c.k} ΔJ`).toBeCloseTo(own.J[c.k] - own.J[c.k - 1], 12);
    expect(c.r, `${what} k=${c.k} r`).toBe(own.r[c.k - 1]);
  }
}

const diff = async (page: Page, key: string, col: 'a' | 'b' | 'diff') => Number(await page.getByTestId(`diff-${key}-${col}`).getAttribute('data-value'));

test.skipIf(!existsSync(MODEL))('the compare view shows exactly what each CoT’s own inspection shows', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=inspector`);
  await page.getByTestId('load-bundled').click();
  await page.getByTestId('model-loaded').waitFor({ timeout: 180_000 });
  await page.getByTestId('question').fill(QUESTION);
  await page.getByTestId('answer').fill('28');

  await score(page, COT_A);
  const ownA = await ownInspection(page);
  await score(page, COT_B);
  const ownB = await ownInspection(page);
  expect(ownA.J.length).toBe(3);
  expect(ownB.J.length).toBe(5);

  // A = the saved inspection of COT_A, B = the current one
  const keyA = await page.evaluate((c) => (window as unknown as DebugWindow).__reproDebug.inspector.getState().saved
    .find((s) => (JSON.parse(s.json) as { trajectory: { cot: string } }).trajectory.cot === c)!.key, COT_A);
  await page.getByTestId('compare-pick-a').selectOption(`saved-${keyA}`);
  await page.getByTestId('compare-pick-b').selectOption('current');
  await page.getByTestId('compare-open').click();
  await page.getByTestId('compare-view').waitFor({ timeout: 30_000 });

  // the shared first and last segments on one row, B's two re-checks as gaps on A
  const same = await page.getByTestId('aligned-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-same')));
  expect(same).toEqual(['true', 'false', 'false', 'true']);
  expect(await page.getByTestId('compare-aligned').getByTestId('a-gap').count()).toBe(2);
  expect(await page.getByTestId('compare-flags').count()).toBe(0);
  const cellsA = await sideCells(page, 'a');
  expectSideEquals(cellsA, ownA, 'A');
  const cellsB = await sideCells(page, 'b');
  expectSideEquals(cellsB, ownB, 'B');
  expect((await page.getByTestId('compare-aligned').getByTestId('b-bt').allTextContents()).filter((t) => t !== '')).toEqual(['“let me check”', '“wait”']);

  // summary differences: B − A of the two inspections' own numbers
  expect(await diff(page, 'JK', 'a')).toBe(ownA.J.at(-1));
  expect(await diff(page, 'JK', 'b')).toBe(ownB.J.at(-1));
  expect(await diff(page, 'JK', 'diff')).toBeCloseTo(ownB.J.at(-1)! - ownA.J.at(-1)!, 12);
  expect(await diff(page, 'J0', 'diff')).toBeCloseTo(ownB.J[0] - ownA.J[0], 12);
  expect(await diff(page, 'segments', 'diff')).toBe(2);
  expect(await diff(page, 'backtracking', 'diff')).toBe(2);
  expect(await diff(page, 'cotTokens', 'diff')).toBe(ownB.tokens.reduce((x, y) => x + y) - ownA.tokens.reduce((x, y) => x + y));
  // both curves drawn on each chart
  for (const id of ['compare-chart-k', 'compare-chart-progress']) {
    await expect.poll(() => page.getByTestId(id).locator('.recharts-line-curve').count(), { timeout: 30_000, message: `${id} draws both curves` }).toBe(2);
  }
  // the panel alone, in a viewport tall enough to hold it (no scrolling under the sticky header);
  // the width stays, so the charts keep their size and only need to be drawn
  await page.setViewportSize({ width: 1280, height: 2600 });
  await page.getByTestId('compare-panel').scrollIntoViewIfNeeded();
  for (const id of ['compare-chart-k', 'compare-chart-progress']) {
    await expect.poll(() => page.getByTestId(id).locator('.recharts-line-curve').count(), { timeout: 30_000 }).toBe(2);
  }
  await page.getByTestId('compare-panel').screenshot({ path: resolve(ARTIFACTS, 'compare.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
  mkdirSync(resolve(ROOT, 'docs/screenshots'), { recursive: true });
  copyFileSync(resolve(ARTIFACTS, 'compare.png'), resolve(ROOT, 'docs/screenshots/compare.png'));

  // the export holds both CoTs and the numbers shown
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('compare-export').click()]);
  const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { a: { trajectory: { cot: string } }; b: { trajectory: { cot: string } }; diffs: { key: string; diff: number }[] };
  expect([exported.a.trajectory.cot, exported.b.trajectory.cot]).toEqual([COT_A, COT_B]);
  expect(exported.diffs.find((d) => d.key === 'JK')!.diff).toBe(await diff(page, 'JK', 'diff'));

  // the saved A, opened as its own inspection again, shows the numbers the A column shows
  await page.evaluate((k) => (window as unknown as { __reproDebug: { inspector: { getState(): { openSaved(k: number): Promise<void> } } } }).__reproDebug.inspector.getState().openSaved(k), keyA);
  await expect.poll(() => page.evaluate(() => (window as unknown as { __reproDebug: { inspector: { getState(): { trajectory: { cot: string } | null } } } }).__reproDebug.inspector.getState().trajectory?.cot), { timeout: 30_000 }).toBe(COT_A);
  expectSideEquals(cellsA, await ownInspection(page), 'A reopened');

  // two fresh samples (seeds 1 and 2), scored, saved and compared
  const savedBefore = await page.evaluate(() => (window as unknown as DebugWindow).__reproDebug.inspector.getState().saved.length);
  await page.getByTestId('compare-sample-two').click();
  await expect.poll(async () => (await page.getByTestId('compare-side-a').textContent()) ?? '', { timeout: 180_000 }).toContain('Sample seed 1');
  expect(await page.getByTestId('compare-side-b').textContent()).toContain('Sample seed 2');
  expect(await page.evaluate(() => (window as unknown as DebugWindow).__reproDebug.inspector.getState().saved.length)).toBe(savedBefore + 2);
  expect(errors).toEqual([]);
});
