// The model panel's "Toy checkpoint…" picker: a .safetensors toy checkpoint becomes the inspector's
// model (exported to ONNX in the worker) and scores a CoT; a file that is not a checkpoint is
// refused with the reason.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startE2E, type E2E } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CHECKPOINT = resolve(ROOT, 'public/models/toy-reasoner/model.safetensors');

let e2e: E2E;
beforeAll(async () => {
  if (existsSync(CHECKPOINT)) e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

test.skipIf(!existsSync(CHECKPOINT))('a toy checkpoint loads as the inspector model and scores; a non-checkpoint is refused', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=inspector`);
  const picker = page.getByTestId('load-checkpoint');

  const bad = join(mkdtempSync(join(tmpdir(), 'repro-ck-')), 'notes.safetensors');
  writeFileSync(bad, 'these are my notes, not weights');
  await picker.setInputFiles(bad);
  await page.getByTestId('model-error').waitFor({ timeout: 60_000 });
  expect(await page.getByTestId('model-error').textContent()).toMatch(/notes\.safetensors is not a usable toy-reasoner checkpoint/);

  await picker.setInputFiles(CHECKPOINT);
  await page.getByTestId('model-loaded').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('model-loaded').textContent()).toMatch(/model\.safetensors · our engine · f32 · vocab 50 · 2 layers/);

  await page.getByTestId('question').fill('37+65=?');
  await page.getByTestId('answer').fill('102');
  await page.getByTestId('cot').fill('7+5=12\n\n3+6+1=10\n\n');
  await page.getByTestId('score').click();
  await page.getByTestId('inspection').waitFor({ timeout: 120_000 });
  // J rises with the two column steps of a correct CoT
  const J0 = Number(await page.getByTestId('J-0').getAttribute('data-value'));
  const J2 = Number(await page.getByTestId('J-2').getAttribute('data-value'));
  expect(J2).toBeGreaterThan(J0);
  expect(J2).toBeLessThanOrEqual(0);
  if (errors.length) console.log('page errors:', errors);
  expect(errors).toEqual([]);
});
