// The start the inspector flows with the bundled toy model share (trust.test.ts, branch.test.ts):
// one browser per file, started only where the toy model is present, and a page on the first
// screen with the Try-this concise example scored (one click loads the model and scores).
import { afterAll, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
export const HAS_TOY_MODEL = existsSync(resolve(ROOT, 'public/models/toy-reasoner/onnx/model.onnx'));

/** Registers the file's beforeAll/afterAll; the getter returns its E2E once started. */
export function toyInspectorE2E(): () => E2E {
  let e2e: E2E | undefined;
  beforeAll(async () => {
    if (HAS_TOY_MODEL) e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });
  return () => e2e!;
}

/** The inspector store's state, as plain JSON (the caller names the fields it reads). */
export function inspectorState<T>(page: Page): Promise<T> {
  return page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { __reproDebug: { inspector: { getState(): unknown } } }).__reproDebug.inspector.getState())) as T);
}

/** A fresh page on the first screen, the Try-this concise example clicked and its trajectory scored. */
export async function scoredTryThis(e2e: E2E): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await e2e.newPage();
  // Generous waits: the first page of a run transforms the app on the dev server, and the click
  // loads the model in the worker before scoring; both take long on a loaded machine.
  await page.goto(`${e2e.baseUrl}/`, { timeout: 180_000 });
  await page.getByTestId('try-this').waitFor({ timeout: 120_000 });
  await page.getByTestId('try-concise').click();
  await page.getByTestId('inspection').waitFor({ timeout: 180_000 });
  return { page, errors };
}
