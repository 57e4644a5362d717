// Issue #25 §3, the Inspector as a newcomer meets it with the bundled toy model: before a model
// every action says what is missing; once loaded, the empty fields hold an example the model can
// read (Generate works in one click); a disabled button says why beside it; an error about a field
// goes away when the field is edited; the scoring path is one plain sentence with its details
// behind a disclosure; labels sit beside their controls, file pickers are whole buttons, and the
// numbers table's headers line up with their numbers.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MODEL = resolve(ROOT, 'public/models/toy-reasoner/onnx/model.onnx');

let e2e: E2E;
beforeAll(async () => {
  if (existsSync(MODEL)) e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

test.skipIf(!existsSync(MODEL))('inspector: prefilled example, disabled buttons say why, errors cleared on edit, plain scoring sentence, aligned controls', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=inspector&maxNewTokens=48`, { timeout: 180_000 });
  await page.getByTestId('load-bundled').waitFor({ timeout: 120_000 });

  // no model yet: one line says what to do; the fields show an example as placeholders
  expect(await page.getByTestId('no-model-hint').textContent()).toBe('Load a model (Model panel) to generate or score a chain of thought.');
  expect(await page.getByTestId('generate').isDisabled()).toBe(true);
  expect(await page.getByTestId('question').getAttribute('placeholder')).toBe('e.g. 37+65=?');

  // labels beside their controls: "Bundled model" on the line of its select, not above it
  const offset = await page.getByTestId('bundled-regime').evaluate((sel) => {
    const text = [...sel.closest('label')!.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '')!;
    const range = document.createRange();
    range.selectNodeContents(text);
    const a = range.getBoundingClientRect();
    const b = sel.getBoundingClientRect();
    return { text: text.textContent, dy: Math.abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2), left: a.right <= b.left };
  });
  expect(offset.text).toBe('Bundled model');
  expect(offset.dy).toBeLessThan(6);
  expect(offset.left).toBe(true);
  // file pickers are whole buttons: the native "No file chosen" text is not shown to be cut
  const folder = page.locator('input[aria-label="Pick a local model folder"]');
  expect(await folder.evaluate((e) => getComputedStyle(e).opacity)).toBe('0');
  expect(await page.getByTestId('model-panel').locator('label.file-button').first().textContent()).toBe('Local folder…');

  await page.getByTestId('load-bundled').click();
  await page.getByTestId('model-loaded').waitFor({ timeout: 180_000 });
  // an example the model can read, in the empty fields: Generate works at once
  await expect.poll(() => page.getByTestId('question').inputValue(), { timeout: 30_000 }).toBe('37+65=?');
  expect(await page.getByTestId('answer').inputValue()).toBe('102');
  expect(await page.getByTestId('prefilled').textContent()).toMatch(/An example the model can read is filled in/);
  await expect.poll(() => page.getByTestId('input-tokens').textContent(), { timeout: 30_000 }).toMatch(/no unknown tokens/);
  expect(await page.getByTestId('generate').isDisabled()).toBe(false);
  expect(await page.getByTestId('no-model-hint').count()).toBe(0);

  // the scoring path: one plain sentence; the developer's details behind the disclosure
  const plain = (await page.getByTestId('scoring-plain').textContent())!;
  expect(plain).toBe('Scoring is quick with this model: it reads the chain of thought once, and every check of the answer continues from there.');
  expect(await page.getByTestId('scoring-details').isVisible()).toBe(false);
  await page.getByTestId('scoring-plain').click();
  expect(await page.getByTestId('scoring-details').textContent()).toMatch(/^Scoring path: cached: one pass over prompt \+ CoT, probes branched from the KV cache/);

  // a disabled button says why, beside it
  await page.getByTestId('question').fill('');
  expect(await page.getByTestId('generate').isDisabled()).toBe(true);
  expect(await page.getByTestId('generate-why').textContent()).toBe('Enter a question first.');
  expect(await page.getByTestId('generate').getAttribute('title')).toBe('Enter a question first.');
  expect(await page.getByTestId('prefilled').count()).toBe(0);
  await page.getByTestId('question').fill('What is 37 plus 65?');
  await page.getByTestId('unrepresentable').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('score').isDisabled()).toBe(true);
  expect(await page.getByTestId('score-why').textContent()).toBe('The model cannot represent this input (see above).');

  // an error about a field goes away once the field is edited
  await page.getByTestId('question').fill('37+65=?');
  await page.getByTestId('answer').fill('');
  await page.getByTestId('cot').fill('7+5=12\n\n3+6+1=10\n\n');
  await expect.poll(() => page.getByTestId('score').isDisabled(), { timeout: 30_000 }).toBe(false);
  await page.getByTestId('score').click();
  expect(await page.getByTestId('inspector-error').textContent()).toMatch(/^answer: enter the ground-truth answer/);
  await page.getByTestId('answer').fill('102');
  await expect.poll(() => page.getByTestId('inspector-error').count()).toBe(0);
  // the refusal of an unrepresentable prompt goes when the question changes
  await page.getByTestId('question').fill('Why?');
  await page.getByTestId('generate').click();
  await expect.poll(() => page.getByTestId('inspector-error').textContent(), { timeout: 60_000 }).toMatch(/cannot be represented by toy-reasoner.*Generation refused\./);
  await page.getByTestId('question').fill('37+65=?');
  await expect.poll(() => page.getByTestId('inspector-error').count()).toBe(0);

  // score: the numbers table's headers line up with their right-aligned numbers
  await page.getByTestId('score').click();
  await page.getByTestId('inspection').waitFor({ timeout: 180_000 });
  const table = page.getByTestId('inspection').locator('table.data-table').first();
  const aligns = await table.evaluate((t) => {
    const head = [...t.querySelectorAll('thead th')];
    const row = t.querySelector('tbody tr');
    const cells = row ? [...row.children] : [];
    return head.map((h, i) => ({ head: getComputedStyle(h).textAlign, cell: cells[i] ? getComputedStyle(cells[i]).textAlign : '', numeric: cells[i] ? /^[−-]?\d/.test(cells[i].textContent ?? '') : false }));
  });
  const numeric = aligns.filter((a) => a.numeric);
  expect(numeric.length).toBeGreaterThan(3);
  for (const a of numeric) expect(a.head, JSON.stringify(a)).toBe(a.cell);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: resolve(ARTIFACTS, 'inspector-guides.png'), fullPage: true });
  mkdirSync(resolve(ROOT, 'docs/screenshots'), { recursive: true });
  copyFileSync(resolve(ARTIFACTS, 'inspector-guides.png'), resolve(ROOT, 'docs/screenshots/inspector-guides.png'));
  if (errors.length) console.log('page errors:', errors);
  expect(errors).toEqual([]);
});
