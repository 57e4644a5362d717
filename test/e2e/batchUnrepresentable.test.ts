// Issue #25 §1 on the Batch screen with the bundled toy model (a 128-token, character-level model)
// and GSM8K lines it cannot read: one rule with the inspector — such input is not scored, each row
// says why in full; the single-newline delimiter is proposed for GSM8K's line-per-step rationales;
// scoring anyway (an explicit choice) marks every number it gives: table, charts and exports.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MODEL = resolve(ROOT, 'public/models/toy-reasoner/onnx/model.onnx');
const SET = resolve(ROOT, 'test/fixtures/prompts/gsm8k-toy.jsonl');
const SHOTS = resolve(ROOT, 'docs/screenshots');
/** Three GSM8K lines in natural language, then one in the toy task's format (the last). */
const LINES = readFileSync(SET, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { question: string; answer: string });
const NUMBER_COLS = ['cotTokens', 'segments', 'backtracking', 'tokensAfterCertainty', 'plateaus', 'finalScore', 'J0', 'JK'];

interface Row { scoring: string; flag: string; segments: number | null; JK: number | null; J0: number | null; finalScore: number | null; line: number }
interface Dbg { __reproDebug: { batch: { getState(): { running: string | null; rows: Row[] } } } }

let e2e: E2E;
beforeAll(async () => {
  if (existsSync(MODEL)) e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const T0 = Date.now();
/** Phase log (the machine is shared: where the time goes, not asserted). */
const phase = (what: string) => console.log(`${((Date.now() - T0) / 1000).toFixed(0)} s: ${what}`);

async function run(page: Page): Promise<Row[]> {
  const t0 = Date.now();
  await page.getByTestId('batch-run').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as Dbg).__reproDebug.batch.getState().running), { timeout: 120_000, interval: 500 }).toBeNull();
  await expect.poll(() => page.getByTestId('result-row').count(), { timeout: 30_000 }).toBe(LINES.length);
  phase(`batch run done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as Dbg).__reproDebug.batch.getState().rows)) as Row[]);
}

/** The table's cells of one row by column, as shown. */
async function cells(page: Page, line: number): Promise<Record<string, string>> {
  const row = page.locator(`[data-testid=result-row]`).filter({ has: page.locator(`td[data-col=line]:text-is("${line}")`) });
  const out: Record<string, string> = {};
  for (const td of await row.locator('td').all()) out[(await td.getAttribute('data-col'))!] = (await td.textContent())!;
  return out;
}

async function shot(page: Page, name: string) {
  const path = resolve(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  mkdirSync(SHOTS, { recursive: true });
  copyFileSync(path, resolve(SHOTS, `${name}.png`));
}

test.skipIf(!existsSync(MODEL))('batch: unrepresentable GSM8K lines are not scored, the newline delimiter is proposed, scored-anyway numbers are marked everywhere', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=batch&temperature=0&maxNewTokens=48`, { timeout: 120_000 });
  phase('page loaded');
  await page.getByTestId('batch-load-bundled').click({ timeout: 120_000 });
  await page.getByTestId('batch-file').setInputFiles(SET);
  await expect.poll(() => page.getByTestId('parsed-count').textContent(), { timeout: 30_000 }).toBe(String(LINES.length));
  await expect.poll(() => page.getByTestId('batch-run').isDisabled(), { timeout: 120_000 }).toBe(false);
  phase('model loaded, set parsed');

  // 1. Generated CoTs: a prompt the model cannot read is neither generated from nor scored.
  let rows = await run(page);
  expect(rows.map((r) => r.scoring)).toEqual(['not-scored', 'not-scored', 'not-scored', 'scored']);
  for (const r of rows.slice(0, 3)) expect([r.J0, r.JK, r.finalScore]).toEqual([null, null, null]);
  for (const line of [1, 2, 3]) {
    const c = await cells(page, line);
    for (const col of NUMBER_COLS) expect(c[col], `line ${line} ${col}`).toBe('—');
  }
  // the reason in full under the row, not cut mid-sentence
  const notes = page.getByTestId('row-note');
  expect(await notes.count()).toBe(3);
  for (let i = 0; i < 3; i++) {
    const note = (await notes.nth(i).textContent())!;
    expect(note).toBe(`⚠ Not scored — the model cannot represent this input: ${rows[i].flag}.`);
    expect(note).toMatch(/unknown tokens?: the model's vocabulary has no "[^"]+"/);
    expect(note).not.toContain('…');
  }
  await expect.poll(() => page.getByTestId('batch-not-scored').textContent()).toMatch(/^⚠ 3 of 4 rows were not scored/);
  await expect.poll(() => page.getByTestId('batch-charts-note').textContent(), { timeout: 30_000 }).toBe('3 rows were not scored (the model cannot represent them) and are in no chart.');
  expect(await page.locator('.flagged-series').count()).toBe(0);

  // 2. The reference CoTs (GSM8K's rationale: one step per line, no blank line; line 2's is one line)
  // are proposed the single-newline delimiter.
  await page.getByTestId('field-mapping').locator('summary').click();
  await page.getByTestId('map-use-reference').check();
  await page.getByTestId('map-apply').click();
  await page.getByTestId('delimiter-proposal').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('delimiter-proposal').textContent()).toMatch(/^3 of 4 CoTs have several lines but no blank line: with the default delimiter \(blank lines\) each would be one segment \(K = 1\)/);
  await page.getByTestId('delimiter-single-newline').click();
  await page.getByTestId('delimiter-applied').waitFor();
  expect(await page.getByTestId('delimiter-proposal').count()).toBe(0);

  rows = await run(page);
  expect(rows.map((r) => r.scoring)).toEqual(['not-scored', 'not-scored', 'not-scored', 'scored']);
  expect(rows[3].segments).toBe(2); // "7+5=12\n3+6+1=10": two lines, two segments (K = 1 with blank lines)
  expect(await page.getByTestId('batch-one-segment').count()).toBe(0);

  // a row not scored opens in the inspector as input (its CoT kept), which the inspector refuses too
  await page.locator('[data-testid=result-row][data-index="0"]').click();
  await page.getByTestId('unrepresentable').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('question').inputValue()).toBe(LINES[0].question);
  // GSM8K's rationale, its <<…>> calculator notes removed, one step per line
  expect(await page.getByTestId('cot').inputValue()).toMatch(/^Natalia sold 48\/2 = 24 clips in May\.\nNatalia sold 48\+24 = 72 clips/);
  expect(await page.getByTestId('score').isDisabled()).toBe(true);
  expect(await page.getByTestId('inspection').count()).toBe(0);
  await page.getByTestId('tab-batch').click();
  await expect.poll(() => page.getByTestId('result-row').count(), { timeout: 60_000 }).toBe(LINES.length);

  // 3. Scored anyway, explicitly: every number of those rows is marked where it is shown.
  await page.getByTestId('batch-score-anyway').check();
  rows = await run(page);
  expect(rows.map((r) => r.scoring)).toEqual(['scored-anyway', 'scored-anyway', 'scored-anyway', 'scored']);
  for (const r of rows.slice(0, 3)) expect(Number.isFinite(r.JK)).toBe(true);
  for (const line of [1, 2, 3]) {
    const c = await cells(page, line);
    for (const col of NUMBER_COLS) expect(c[col], `line ${line} ${col}`).toMatch(/^⚠ -?\d/);
    expect(c.question).toMatch(/^⚠ /);
  }
  const clean = await cells(page, 4);
  for (const col of NUMBER_COLS) expect(clean[col], `line 4 ${col}`).toMatch(/^-?\d/);
  for (let i = 0; i < 3; i++) expect(await notes.nth(i).textContent()).toBe(`⚠ Scored anyway, numbers not meaningful — the model cannot represent this input: ${rows[i].flag}.`);
  await expect.poll(() => page.getByTestId('batch-flagged').textContent()).toMatch(/^⚠ 3 of 4 rows hold input the model cannot represent and were scored anyway/);
  // charts: the three rows are their own ⚠ series (both histograms and the mean-J chart), named in the legend
  const charts = page.getByTestId('batch-charts');
  await expect.poll(() => charts.locator('figure').count(), { timeout: 30_000 }).toBe(3); // no correct-vs-wrong chart: reference CoTs have no verdict
  for (let i = 0; i < 3; i++) {
    const fig = charts.locator('figure').nth(i);
    await expect.poll(() => fig.locator('.flagged-series').count(), { timeout: 30_000, message: `chart ${i} draws a ⚠ series` }).toBeGreaterThan(0);
    expect(await fig.textContent(), `chart ${i} legend`).toContain('⚠ not representable (3)');
  }
  // both histograms draw ⚠ bars
  for (let i = 0; i < 2; i++) expect(await charts.locator('figure').nth(i).locator('.flagged-series .recharts-bar-rectangle').count(), `chart ${i} ⚠ bars`).toBeGreaterThan(0);
  expect(await page.getByTestId('batch-charts-note').textContent()).toMatch(/^⚠ 3 rows the model cannot represent were scored anyway: the charts draw them apart/);
  expect(await page.getByTestId('batch-run-info').textContent()).toContain('delimiter single newline');
  expect(await page.getByTestId('batch-run-info').textContent()).toContain('input the model cannot represent scored anyway (flagged ⚠)');
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header stays at the top of a full-page shot
  await shot(page, 'batch-unrepresentable');

  // exports: the CSV says how each row was scored, the delimiter and the choice in words
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = Papa.parse<Record<string, string>>(readFileSync((await download.path())!, 'utf8'), { header: true, skipEmptyLines: true });
  expect(csv.errors).toEqual([]);
  expect(csv.data.map((r) => r.scoring)).toEqual([...Array(3).fill('scored anyway: the model cannot represent this input, numbers not meaningful'), 'scored']);
  for (const r of csv.data) {
    expect(r.delimiter).toBe('(single newline)');
    expect(r.unrepresentable).toBe('scored anyway (flagged)');
  }
  expect(csv.data.slice(0, 3).every((r) => r.flag.length > 0)).toBe(true);
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-batch-json').click()]);
  const exported = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { results: { scoring: string }[]; model: { scoreUnrepresentable: boolean; delimiter: string } };
  expect(exported.results.map((r) => r.scoring.split(':')[0])).toEqual(['scored anyway', 'scored anyway', 'scored anyway', 'scored']);
  expect(exported.model).toMatchObject({ scoreUnrepresentable: true, delimiter: '\n' });

  if (errors.length) console.log('page errors:', errors);
  expect(errors).toEqual([]);
});
