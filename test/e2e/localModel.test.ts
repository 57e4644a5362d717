// The inspector with a real ONNX model the user picks as a local folder (a tiny test-built
// decoder with a byte-level tokenizer): load → generate (streamed) → score in the worker → the
// table shows the trajectory; hostile CoTs (no delimiter, <script>, blank answer) get handled.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';
import { buildTinyDecoder } from '../fixtures/onnx/tinyDecoder.ts';
import { modelFolder } from '../fixtures/onnx/modelFolder.ts';
import { BYTE_TOKENIZER_SIZE, byteTokenizerFiles } from '../fixtures/onnx/byteTokenizer.ts';

let e2e: E2E;
const root = join(mkdtempSync(join(tmpdir(), 'repro-model-')), 'tiny-bytes');
beforeAll(async () => {
  const built = buildTinyDecoder({ vocabSize: BYTE_TOKENIZER_SIZE, hidden: 16, numLayers: 2, numHeads: 4, numKvHeads: 2, positionIds: true, seed: 11 });
  for (const [path, bytes] of modelFolder(built, byteTokenizerFiles())) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

interface Dbg {
  __reproDebug: { inspector: { getState(): { trajectory: { J: number[]; segments: unknown[] } | null; cot: string } } };
}

test('local folder model: load, generate, score, hostile CoTs', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=inspector&temperature=0&maxNewTokens=4`);
  await page.locator('input[aria-label="Pick a local model folder"]').setInputFiles(root);
  await page.getByTestId('model-loaded').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('model-panel').textContent()).toMatch(/tiny-bytes/);

  // Greedy generation, streamed into the CoT box.
  await page.getByTestId('question').fill('What is 6 × 7?');
  await page.getByTestId('answer').fill('42');
  await page.getByTestId('generate').click();
  await page.getByTestId('generation-info').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('generation-info').textContent()).toMatch(/max tokens \(4\) reached|end of sequence at \d of 4 tokens/);

  // Score a pasted CoT with <script> text and three segments.
  const cot = 'First <script>alert(1)</script>.\n\nWait, check the sum.\n\nSo it is 42.';
  await page.getByTestId('cot').fill(cot);
  await page.getByTestId('score').click();
  await page.getByTestId('inspection').waitFor({ timeout: 120_000 });
  const t = await page.evaluate(() => (window as unknown as Dbg).__reproDebug.inspector.getState().trajectory!);
  expect(t.segments.length).toBe(3);
  for (let k = 0; k <= 3; k++) {
    const shown = Number(await page.getByTestId(`J-${k}`).getAttribute('data-value'));
    expect(shown).toBe(t.J[k]);
    expect(shown).toBeLessThanOrEqual(0);
  }
  expect(await page.getByTestId('segment-0').textContent()).toContain('<script>alert(1)</script>');
  expect(await page.locator('script:text("alert(1)")').count()).toBe(0);
  expect(await page.getByTestId('segment-1').textContent()).toContain('backtracking: “wait”');
  await page.screenshot({ path: resolve(ARTIFACTS, 'inspector-local.png'), fullPage: true });

  // No delimiter: one segment.
  await page.getByTestId('cot').fill('just one long thought without blank lines');
  await page.getByTestId('score').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as Dbg).__reproDebug.inspector.getState().trajectory?.segments.length), { timeout: 120_000 }).toBe(1);

  // An answer that tokenizes to nothing is refused with a message naming the answer.
  await page.getByTestId('answer').fill('   ');
  await page.getByTestId('score').click();
  expect(await page.getByTestId('inspector-error').textContent()).toMatch(/answer/);

  if (errors.length) console.log('page errors:', errors);
  expect(errors).toEqual([]);
});
