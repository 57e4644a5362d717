// The token lens in the inspector (issue #17 §1) with the bundled toy model: hovering a CoT token
// and focusing one by keyboard (Tab, then ← / →) shows its probability, rank, entropy, surprise
// and the top-k alternatives with their probabilities — the numbers the scorer stored — while j / k
// still step boundaries; the surprise strip is drawn; an inspection without a token lens says so.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';
import type { Trajectory } from '../../src/repro/types.ts';
import { formatNumber, percent } from '../../src/ui/format.ts';
import { visibleToken, cotTokenText } from '../../src/analysis/tokenLens.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MODEL = resolve(ROOT, 'public/models/toy-reasoner/onnx/model.onnx');

interface Dbg {
  __reproDebug: { inspector: { getState(): { trajectory: Trajectory | null }; setState(s: { trajectory: Trajectory }): void } };
}

let e2e: E2E;
beforeAll(async () => {
  if (existsSync(MODEL)) e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const trajectory = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as Dbg).__reproDebug.inspector.getState().trajectory)) as Trajectory);

/** The popover shows token i's numbers as stored in the trajectory. */
async function expectLensOf(page: Page, t: Trajectory, i: number): Promise<void> {
  const lens = page.getByTestId('token-lens');
  await lens.waitFor();
  const l = t.tokenLens!;
  expect(await lens.getAttribute('aria-label')).toBe(`Token ${i}: alternatives`);
  expect(await page.getByTestId('lens-token').textContent()).toBe(visibleToken(cotTokenText(t, i)));
  expect(await page.getByTestId('lens-p').textContent()).toBe(percent(Math.exp(l.chosenLogProb[i])));
  expect(await page.getByTestId('lens-rank').textContent()).toBe(l.chosenRank[i] === 0 ? '1 (most likely)' : String(l.chosenRank[i] + 1));
  expect(await page.getByTestId('lens-entropy').textContent()).toBe(`${formatNumber(t.tokenEntropy[i])} nats`);
  expect(await page.getByTestId('lens-surprise').textContent()).toBe(`${formatNumber(-l.chosenLogProb[i])} nats`);
  const rows = page.getByTestId('lens-alt');
  expect(await rows.count()).toBe(l.ids[i].length);
  for (let s = 0; s < l.ids[i].length; s++) {
    const cells = await rows.nth(s).locator('td').allTextContents();
    expect(cells[1]).toBe(visibleToken(t.tokenText![String(l.ids[i][s])]));
    expect(cells[2]).toBe(percent(Math.exp(l.logProbs[i][s])));
  }
}

test.skipIf(!existsSync(MODEL))('hover and keyboard focus on a CoT token show its alternatives with probabilities', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/`);
  await page.getByTestId('try-this').waitFor({ timeout: 30_000 });
  await page.getByTestId('try-concise').click();
  await page.getByTestId('inspection').waitFor({ timeout: 180_000 });
  const t = await trajectory(page);
  const l = t.tokenLens!;
  expect(l.k).toBe(10);
  expect(l.ids).toHaveLength(t.cotTokens.length);
  // The toy vocabulary is small but has more than 10 tokens: every row lists 10, best first.
  for (let i = 0; i < t.cotTokens.length; i++) {
    expect(l.ids[i]).toHaveLength(10);
    for (let s = 1; s < 10; s++) expect(l.logProbs[i][s]).toBeLessThanOrEqual(l.logProbs[i][s - 1]);
    expect(l.chosenLogProb[i]).toBeLessThanOrEqual(0);
  }
  await page.getByTestId('surprise-strip').waitFor();
  expect(await page.getByTestId('surprise-strip').locator('rect.strip-bar').count()).toBe(t.cotTokens.length);

  // Hover: a token holding a newline shows it visibly (↵).
  const nl = t.cotTokens.findIndex((_, i) => cotTokenText(t, i).includes('\n'));
  const hoverAt = nl >= 0 && (await page.locator(`[data-tok="${nl}"]`).count()) > 0 ? nl : 2;
  await page.locator(`[data-tok="${hoverAt}"]`).hover();
  await expectLensOf(page, t, hoverAt);
  if (hoverAt === nl) expect(await page.getByTestId('lens-token').textContent()).toContain('↵');
  await page.mouse.move(5, 5);
  await page.getByTestId('token-lens').waitFor({ state: 'detached' });

  // Keyboard: Tab from the first segment's heading lands on its first token; → moves to the next.
  await page.getByTestId('segment-0').locator('button.seg-head').focus();
  await page.keyboard.press('Tab');
  const first = t.tokenSpans[0].start;
  expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.tok)).toBe(String(first));
  await expectLensOf(page, t, first);
  const label = await page.getByTestId('step-label').textContent();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.tok)).toBe(String(first + 2));
  await expectLensOf(page, t, first + 2);
  expect(await page.getByTestId('step-label').textContent()).toBe(label); // ← / → on a token move the token, not the boundary
  await page.keyboard.press('ArrowLeft');
  await expectLensOf(page, t, first + 1);
  await page.screenshot({ path: resolve(ARTIFACTS, 'inspector-token-lens.png'), fullPage: false });
  await page.keyboard.press('j'); // boundary stepping still works from a token
  await expect.poll(() => page.getByTestId('step-label').textContent()).not.toBe(label);
  await page.keyboard.press('Escape');
  await page.getByTestId('token-lens').waitFor({ state: 'detached' });

  // "Branch from here" on an alternative forks the CoT there with that token (issue #17 §2).
  const at = first + 1;
  const alt = l.ids[at].findIndex((id) => id !== t.cotTokens[at]);
  await page.locator(`[data-tok="${at}"]`).hover();
  await page.getByTestId('token-lens').waitFor();
  await page.getByTestId('lens-branch').first().click(); // the chosen token's row has no button
  await page.getByTestId('branch-row').first().waitFor({ timeout: 180_000 });
  const forks = await page.evaluate(() => ((window as unknown as { __reproDebug: { inspector: { getState(): { branches: { fork: unknown }[] } } } }).__reproDebug.inspector.getState().branches.map((b) => b.fork)));
  expect(forks).toEqual([{ position: at, tokenId: l.ids[at][alt] }]);
  await page.mouse.move(5, 5);

  // An inspection scored before the token lens (no tokenLens) says so where the popover would be.
  await page.evaluate(() => {
    const store = (window as unknown as Dbg).__reproDebug.inspector;
    const { tokenLens: _l, tokenText: _t, ...old } = store.getState().trajectory!;
    store.setState({ trajectory: old as Trajectory });
  });
  await page.getByTestId('surprise-missing').waitFor();
  await page.locator('[data-tok="1"]').hover();
  expect(await page.getByTestId('lens-missing').textContent()).toMatch(/No alternatives recorded: this inspection was scored before the token lens/);
  expect(errors).toEqual([]);
});
