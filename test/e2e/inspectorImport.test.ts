// The inspector without a model: import a saved record, step with the keyboard, and read the
// table back; hostile text stays text; the batch upload reports bad files clearly.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';
import { inspectionRecordOf } from '../../src/store/inspectionRecordOf.ts';
import { serializeInspectionRecord } from '../../src/data/index.ts';
import { DEFAULT_SETTINGS } from '../../src/store/settings.ts';
import type { Trajectory } from '../../src/repro/types.ts';

let e2e: E2E;
const dir = mkdtempSync(join(tmpdir(), 'repro-e2e-'));
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

// A hand-made trajectory: 3 segments, one char per token, a <script> question.
const cot = 'ab\n\nWait, c\n\nd';
const traj: Trajectory = {
  question: '<script>alert(1)</script> 1+1=?',
  cot,
  answer: '2',
  probe: 'Answer: ',
  segments: [{ start: 0, end: 4 }, { start: 4, end: 13 }, { start: 13, end: 14 }],
  cotTokens: Array.from(cot, (_, i) => i),
  tokenOffsets: Array.from(cot, (_, i) => i),
  tokenSpans: [{ start: 0, end: 4 }, { start: 4, end: 13 }, { start: 13, end: 14 }],
  J: [-2, -1, -1.5, -0.5],
  answerLogProbs: [[-2], [-1], [-1.5], [-0.5]],
  tokenEntropy: Array.from(cot, (_, i) => i / 10),
  firstTokenEntropy: [0, 0.4, 1.3],
};

test('import a record, step with the keyboard, table shows the hand-computed numbers', async () => {
  const file = join(dir, 'record.json');
  writeFileSync(file, serializeInspectionRecord(inspectionRecordOf({ trajectory: traj, settings: DEFAULT_SETTINGS, model: { id: 'hand', backend: 'wasm' } })));
  const { page, errors } = await e2e.newPage();
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await page.goto(`${e2e.baseUrl}/?tab=inspector`);
  await page.getByTestId('import-json').setInputFiles(file);
  await page.getByTestId('inspection').waitFor();
  expect(await page.getByTestId('question').inputValue()).toBe(traj.question);
  expect(dialogs).toBe(0);

  const val = async (id: string) => Number(await page.getByTestId(id).getAttribute('data-value'));
  for (let k = 0; k <= 3; k++) expect(await val(`J-${k}`)).toBe(traj.J[k]);
  // S(k) = ½·tanh((J_k − J_0)/(|J_0| + 1e-6)) + ½·τ_b, τ_b = 1, 1/3, 2/3 (hand-counted pairs).
  const tau = [0, 1, 1 / 3, 2 / 3];
  for (let k = 1; k <= 3; k++) {
    const S = 0.5 * Math.tanh((traj.J[k] + 2) / (2 + 1e-6)) + 0.5 * tau[k];
    expect(await val(`S-${k}`)).toBeCloseTo(S, 12);
  }
  expect(await page.getByTestId('metric-backtracking').textContent()).toBe('1');
  await expect.poll(() => page.getByTestId('segment-1').textContent(), { timeout: 15_000 }).toContain('backtracking: “wait”');

  // Keyboard: → → j k ← = boundary 1 … the body must have focus, not a text field.
  await page.locator('h2#inspector-title').click();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('j');
  expect(await page.getByTestId('step-label').textContent()).toContain('k = 3 of 3');
  await page.keyboard.press('k');
  await page.keyboard.press('ArrowLeft');
  expect(await page.getByTestId('step-label').textContent()).toContain('k = 1 of 3');
  expect(await page.getByTestId('row-1').getAttribute('aria-current')).toBe('step');
  expect(await page.getByTestId('segment-0').getAttribute('aria-current')).toBe('step');

  // topK = 1 keeps only the highest-entropy segment (index 2): S(3) on (J_0, J_3) = ½·tanh(0.75) + ½.
  await page.getByTestId('topk').fill('1');
  await expect.poll(() => val('S-3'), { timeout: 15_000 }).toBeCloseTo(0.5 * Math.tanh(1.5 / (2 + 1e-6)) + 0.5, 12);
  expect(await page.getByTestId('S-1').getAttribute('data-value')).toBe('');

  await page.screenshot({ path: resolve(ARTIFACTS, 'inspector-import.png'), fullPage: true });
  // Dark theme follows prefers-color-scheme ('system' is the default choice).
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme), { timeout: 15_000 }).toBe('dark');
  await page.screenshot({ path: resolve(ARTIFACTS, 'inspector-dark.png'), fullPage: true });
  // The saved list got the imported record.
  await expect.poll(() => page.getByTestId('saved-list').locator('li').count(), { timeout: 15_000 }).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('a 1 000-segment CoT renders a window of segments and steps to the end', async () => {
  const K = 1000;
  const seg = (i: number) => `${i % 7 === 3 ? 'Wait, ' : ''}step ${i}: x\n\n`;
  const text = Array.from({ length: K }, (_, i) => seg(i)).join('');
  const segments = [];
  let at = 0;
  for (let i = 0; i < K; i++) {
    segments.push({ start: at, end: at + seg(i).length });
    at += seg(i).length;
  }
  // One token per segment keeps the record small.
  const big: Trajectory = {
    ...traj,
    cot: text,
    segments,
    cotTokens: segments.map((_, i) => i),
    tokenOffsets: segments.map((s) => s.start),
    tokenSpans: segments.map((_, i) => ({ start: i, end: i + 1 })),
    J: Array.from({ length: K + 1 }, (_, k) => -3 + (3 * k) / (K + 1)),
    answerLogProbs: Array.from({ length: K + 1 }, (_, k) => [-3 + (3 * k) / (K + 1)]),
    tokenEntropy: segments.map((_, i) => (i % 13) / 13),
    firstTokenEntropy: segments.map((_, i) => (i % 13) / 13),
  };
  const file = join(dir, 'big.json');
  writeFileSync(file, serializeInspectionRecord(inspectionRecordOf({ trajectory: big, settings: DEFAULT_SETTINGS, model: { id: 'hand', backend: 'wasm' } })));
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=inspector`);
  await page.getByTestId('import-json').setInputFiles(file);
  await page.getByTestId('inspection').waitFor();
  expect(await page.getByTestId('segments').locator('li.segment').count()).toBeLessThan(60);
  expect(await page.getByTestId('metric-backtracking').textContent()).toBe(String(Math.floor((K - 4) / 7) + 1));
  await page.locator('h2#inspector-title').click();
  await page.keyboard.press('End');
  expect(await page.getByTestId('step-label').textContent()).toContain(`k = ${K} of ${K}`);
  expect(await page.getByTestId('segment-999').isVisible()).toBe(true);
  expect(Number(await page.getByTestId('J-1000').getAttribute('data-value'))).toBe(big.J[K]);
  expect(errors).toEqual([]);
});

test('import of an invalid record names the fields at fault', async () => {
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ version: 1, trajectory: { J: [1] } }));
  const { page } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=inspector`);
  await page.getByTestId('import-json').setInputFiles(file);
  const msg = await page.getByTestId('inspector-error').textContent();
  expect(msg).toMatch(/Import failed/);
  expect(msg).toMatch(/createdAt/);
});

test('batch upload: per-line errors, binary files and empty files get clear messages', async () => {
  const mixed = join(dir, 'mixed.jsonl');
  writeFileSync(mixed, '{"question":"<b>1+1</b>","answer":"2"}\n{"question": oops}\n{"prompt":"x"}\n{"question":"2+2","answer":"4"}\n');
  const binary = join(dir, 'weights.jsonl');
  writeFileSync(binary, Buffer.from([0x7b, 0x00, 0x01, 0xff, 0xfe, 0x00, 0x10, 0x80, 0x00]));
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=batch`);
  await page.getByTestId('batch-file').setInputFiles(mixed);
  await page.getByTestId('parse-report').waitFor();
  expect(await page.getByTestId('parsed-count').textContent()).toBe('2');
  const lines = await page.getByTestId('parse-errors').locator('li').allTextContents();
  expect(lines[0]).toMatch(/^line 2: /);
  expect(lines[1]).toMatch(/^line 3: /);
  await page.screenshot({ path: resolve(ARTIFACTS, 'batch-errors.png'), fullPage: true });

  await page.getByTestId('batch-file').setInputFiles(binary);
  await expect.poll(() => page.getByTestId('parse-fatal').textContent(), { timeout: 15_000 }).toMatch(/binary/i);
  await page.getByTestId('batch-file').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('') });
  await expect.poll(() => page.getByTestId('parse-fatal').textContent(), { timeout: 15_000 }).toMatch(/empty/i);
  expect(errors).toEqual([]);
});
