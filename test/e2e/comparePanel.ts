// Shared by the compare e2e tests: both curves drawn on both compare charts, then a screenshot of
// the panel alone (docs/screenshots/<name>.png and artifacts/).
import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CHARTS = ['compare-chart-k', 'compare-chart-progress'];

async function bothCurves(page: Page, message?: (id: string) => string): Promise<void> {
  for (const id of CHARTS) {
    await expect.poll(() => page.getByTestId(id).locator('.recharts-line-curve').count(), { timeout: 30_000, message: message?.(id) }).toBe(2);
  }
}

export async function checkAndShootComparePanel(page: Page, name: string): Promise<void> {
  await bothCurves(page, (id) => `${id} draws both curves`);
  // the panel alone, in a viewport tall enough to hold it (no scrolling under the sticky header);
  // the width stays, so the charts keep their size and only need to be drawn
  await page.setViewportSize({ width: 1280, height: 2600 });
  await page.getByTestId('compare-panel').scrollIntoViewIfNeeded();
  await bothCurves(page);
  await page.getByTestId('compare-panel').screenshot({ path: resolve(ARTIFACTS, `${name}.png`) });
  await page.setViewportSize({ width: 1280, height: 900 });
  mkdirSync(resolve(ROOT, 'docs/screenshots'), { recursive: true });
  copyFileSync(resolve(ARTIFACTS, `${name}.png`), resolve(ROOT, `docs/screenshots/${name}.png`));
}
