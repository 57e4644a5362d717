// Branch from a token (issue #17 §2) as a user makes one with the bundled toy model: score an
// example, click a CoT token, write another token there, branch; the branch is listed and drawn
// over the original's J (two lines, a fork marker); after a reload the saved inspection still has
// it. Screenshots: artifacts/inspector-branch.png (page), docs/screenshots/inspector-branch.png (panel).
import { expect, test } from 'vitest';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ARTIFACTS } from './harness.ts';
import { HAS_TOY_MODEL, inspectorState, scoredTryThis, toyInspectorE2E } from './toyInspector.ts';

const ROOT = resolve(import.meta.dirname, '../..');

interface Branch { fork: { position: number; tokenId?: number }; trajectory: { J: number[]; cot: string; cotTokens: number[] }; continuation?: { path: string; prefixEncoded: boolean } }
interface InspectorState { trajectory: { J: number[]; cot: string; cotTokens: number[]; tokenOffsets: number[] } | null; branches: Branch[] }

const e2e = toyInspectorE2E();

test.skipIf(!HAS_TOY_MODEL)('inspector: branch from a token, drawn over the original, kept across a reload', async () => {
  const { page, errors } = await scoredTryThis(e2e());
  const state = () => inspectorState<InspectorState>(page);

  await page.getByTestId('branch-panel').waitFor();
  const original = (await state()).trajectory!;
  const N = original.cotTokens.length;
  expect(N).toBeGreaterThan(8);

  // Pick t by clicking the token; write there another digit's token id, taken from the CoT itself.
  const t = 4;
  const charAt = (i: number) => original.cot[original.tokenOffsets[i]];
  const j = original.cotTokens.findIndex((_, i) => /\d/.test(charAt(i)) && charAt(i) !== charAt(t));
  await page.locator(`[data-testid="branch-tokens"] [data-pos="${t}"]`).click();
  expect(await page.getByTestId('branch-position').inputValue()).toBe(String(t));
  const tokenId = original.cotTokens[j];
  await page.getByTestId('branch-token-id').fill(String(tokenId));
  await page.getByTestId('branch-run').click();
  await page.getByTestId('branch-row').first().waitFor({ timeout: 180_000 });
  const s = await state();
  expect(s.branches).toHaveLength(1);
  const b = s.branches[0];
  expect(b.fork).toEqual({ position: t, tokenId });
  // The kept prefix is the original's, the fork token is the chosen one.
  expect(b.trajectory.cot.slice(0, original.tokenOffsets[t])).toBe(original.cot.slice(0, original.tokenOffsets[t]));
  expect(b.trajectory.cot[original.tokenOffsets[t]]).toBe(charAt(j));
  expect(b.continuation).toMatchObject({ path: 'cached', prefixEncoded: false }); // the scoring's cache was kept
  expect(b.trajectory.J.every((j) => Number.isFinite(j) && j <= 0)).toBe(true);
  expect(await page.getByTestId('branch-how').first().textContent()).toMatch(/continued from the KV cache at the fork/);
  expect(Number(await page.getByTestId('branch-jk').first().textContent())).toBeCloseTo(b.trajectory.J.at(-1)!, 4);

  // Drawn over the original: two J lines and the fork's marker.
  const chart = page.getByTestId('chart-branches');
  await expect.poll(() => chart.locator('.recharts-line path.recharts-curve').count(), { timeout: 30_000 }).toBe(2);
  expect(await chart.locator('.recharts-reference-line').count()).toBe(1);
  await page.getByTestId('branch-panel').scrollIntoViewIfNeeded();
  await page.screenshot({ path: resolve(ARTIFACTS, 'inspector-branch.png'), fullPage: true });
  // The branch panel alone, for the README (docs/screenshots, as the flow and training tests do).
  mkdirSync(resolve(ROOT, 'docs/screenshots'), { recursive: true });
  await page.getByTestId('branch-panel').screenshot({ path: resolve(ROOT, 'docs/screenshots/inspector-branch.png') });

  // The branch and its original in the compare view: the same J_K the two inspections hold.
  await page.getByTestId('branch-compare').first().click();
  await page.getByTestId('compare-panel').waitFor({ timeout: 30_000 });
  expect(Number(await page.getByTestId('diff-JK-a').getAttribute('data-value'))).toBe(original.J.at(-1));
  expect(Number(await page.getByTestId('diff-JK-b').getAttribute('data-value'))).toBe(b.trajectory.J.at(-1));

  // A second branch (resample at a later t), then hide the first from the overlay.
  await page.getByTestId('branch-position').fill(String(N - 2));
  await page.getByTestId('branch-mode-resample').check();
  await page.getByTestId('branch-run').click();
  await expect.poll(() => page.getByTestId('branch-row').count(), { timeout: 180_000 }).toBe(2);
  await expect.poll(() => chart.locator('.recharts-line path.recharts-curve').count(), { timeout: 30_000 }).toBe(3);
  await page.getByLabel('show branch 1').uncheck();
  await expect.poll(() => chart.locator('.recharts-line path.recharts-curve').count(), { timeout: 30_000 }).toBe(2);

  // Reload: the saved inspection still holds both branches (the newest saved item is this one).
  await page.reload();
  await page.getByTestId('saved-item').first().waitFor({ timeout: 30_000 });
  await page.getByTestId('saved-item').first().locator('button').first().click();
  await page.getByTestId('branch-panel').waitFor({ timeout: 30_000 });
  await expect.poll(() => page.getByTestId('branch-row').count(), { timeout: 30_000 }).toBe(2);
  const after = await state();
  expect(after.branches.map((x) => x.fork)).toEqual(s.branches.map((x) => x.fork).concat([{ position: N - 2 }]));
  expect(after.branches[0].trajectory.J).toEqual(b.trajectory.J);
  await expect.poll(() => page.getByTestId('chart-branches').locator('.recharts-line path.recharts-curve').count(), { timeout: 30_000 }).toBe(3);
  expect(errors).toEqual([]);
});
