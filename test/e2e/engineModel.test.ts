// A Llama-family model in the Hugging Face layout (a tiny Qwen3: q/k-norm, head_dim ≠ hidden/heads,
// BF16 weights in 3 shards) picked as a local folder opens on our own engine: the panel says so,
// generation and scoring work (J, token lens), and bad folders get a specific error while the
// loaded model stays: a truncated shard, a config the engine does not support (named; with an
// ONNX export present the panel would offer ONNX Runtime — without one the error says so).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';
import { tinyLlama } from '../util/tinyLlama.ts';

let e2e: E2E;
const base = mkdtempSync(join(tmpdir(), 'repro-engine-'));
const good = join(base, 'tiny-qwen3');
const truncated = join(base, 'tiny-qwen3-truncated');
const unsupported = join(base, 'tiny-yarn');

function write(root: string, folder: Map<string, Uint8Array>, edit: (path: string, bytes: Uint8Array) => Uint8Array = (_, b) => b): void {
  for (const [path, bytes] of folder) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), edit(path, bytes));
  }
}

beforeAll(async () => {
  const m = tinyLlama({ name: 'qwen3-qknorm', dtype: 'BF16', shards: 3, seed: 1 });
  write(good, m.folder);
  // the second shard cut short: a download that dropped
  write(truncated, m.folder, (p, b) => (p.startsWith('model-00002') ? b.subarray(0, b.byteLength - 100) : b));
  const yarn = tinyLlama({ name: 'llama-gqa', dtype: 'F16', seed: 2, override: { rope_scaling: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 512 } } });
  write(unsupported, yarn.folder);
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

interface Dbg {
  __reproDebug: { inspector: { getState(): { trajectory: { J: number[]; segments: unknown[]; tokenLens?: unknown } | null } } };
}

test('a Llama-family folder runs on our engine; bad folders are refused with the reason and the model stays', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=inspector&temperature=0&maxNewTokens=6`);
  const pick = (dir: string) => page.locator('input[aria-label="Pick a local model folder"]').setInputFiles(dir);
  await pick(good);
  await page.getByTestId('model-loaded').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('model-runtime').textContent()).toBe('our engine');
  expect(await page.getByTestId('model-dtype').textContent()).toBe('bf16');
  expect(await page.getByTestId('model-loaded').textContent()).toMatch(/tiny-qwen3.*model\.safetensors\.index\.json/);
  expect(await page.getByTestId('other-backend').textContent()).toMatch(/ONNX Runtime cannot open this model: the repository has no ONNX export/);

  await page.getByTestId('question').fill('What is 12 + 30?');
  await page.getByTestId('answer').fill('42');
  await page.getByTestId('generate').click();
  await page.getByTestId('generation-info').waitFor({ timeout: 120_000 });
  await page.getByTestId('cot').fill('12 + 30 = 42\n\nwait, check: 42 - 30 = 12\n\nso 42');
  await page.getByTestId('score').click();
  await page.getByTestId('inspection').waitFor({ timeout: 120_000 });
  const t = await page.evaluate(() => (window as unknown as Dbg).__reproDebug.inspector.getState().trajectory!);
  expect(t.segments.length).toBe(3);
  expect(t.J.every((j) => Number.isFinite(j) && j <= 0)).toBe(true);
  expect(t.tokenLens).toBeTruthy();
  await page.getByTestId('model-panel').screenshot({ path: resolve(ARTIFACTS, 'model-panel-engine.png') });

  // A truncated shard: named, and the model already loaded stays.
  await pick(truncated);
  await expect.poll(() => page.getByTestId('model-error').textContent(), { timeout: 120_000 }).toMatch(/model-00002-of-00003\.safetensors.*truncated.*still using local folder tiny-qwen3/s);
  expect(await page.getByTestId('model-runtime').textContent()).toBe('our engine');
  // An unsupported option is named.
  await pick(unsupported);
  await expect.poll(() => page.getByTestId('model-error').textContent(), { timeout: 120_000 }).toMatch(/yarn/);
  expect(await page.getByTestId('model-loaded').textContent()).toMatch(/tiny-qwen3/);
  // The model still scores.
  await page.getByTestId('score').click();
  await page.getByTestId('inspection').waitFor({ timeout: 120_000 });

  if (errors.length) console.log('page errors:', errors);
  expect(errors).toEqual([]);
});
