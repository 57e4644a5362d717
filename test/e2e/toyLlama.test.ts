// The bundled toy Llama (public/models/toy-llama-verbose/, Hugging Face layout) from the model
// panel: the verbose regime's "Load bundled toy Llama" opens it on our engine (no ONNX export, so
// ONNX Runtime is not offered), it solves a toy problem greedily — the answer in its own field, the
// CoT in the box — and the CoT scores: J rises from J_0 to J_K.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startE2E, type E2E } from './harness.ts';

// The model is committed (public/models/toy-llama-verbose/): no skip when it is missing.
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

interface Dbg { __reproDebug: { inspector: { getState(): { trajectory: { J: number[]; segments: unknown[] } | null } } } }

test('the bundled toy Llama loads on our engine, solves a problem and scores', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=inspector&temperature=0&maxNewTokens=100`);
  await page.getByTestId('load-bundled').waitFor({ timeout: 120_000 }); // the first render is slow on a loaded machine
  // offered for the verbose regime only (the one it was trained on)
  expect(await page.getByTestId('load-bundled-llama').count()).toBe(0);
  await page.getByTestId('bundled-regime').selectOption('verbose');
  await page.getByTestId('load-bundled-llama').click();
  await page.getByTestId('model-loaded').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('model-runtime').textContent()).toBe('our engine');
  expect(await page.getByTestId('model-dtype').textContent()).toBe('f32');
  expect(await page.getByTestId('model-loaded').textContent()).toMatch(/toy-llama-verbose/);
  expect(await page.getByTestId('other-backend').textContent()).toMatch(/ONNX Runtime cannot open this model: the repository has no ONNX export/);

  await page.getByTestId('question').fill('57+38=?');
  await page.getByTestId('answer').fill('95');
  await page.getByTestId('generate').click();
  await page.getByTestId('generation-info').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('generated-answer').inputValue()).toBe('95');
  expect(await page.getByTestId('cot').inputValue()).toMatch(/^7\+8=15\n\n5\+3\+1=9/);

  await page.getByTestId('score').click();
  await page.getByTestId('inspection').waitFor({ timeout: 120_000 });
  const t = await page.evaluate(() => (window as unknown as Dbg).__reproDebug.inspector.getState().trajectory!);
  expect(t.segments.length).toBeGreaterThanOrEqual(2);
  expect(t.J.every((j) => Number.isFinite(j) && j <= 0)).toBe(true);
  expect(t.J.at(-1)!).toBeGreaterThan(t.J[0] + 1);
  expect(errors).toEqual([]);
});
