// The production build served under a sub-path (/repro-playground/) by Vite's preview server, as a
// static host serves it: every screen works under the site's Content-Security-Policy, the page is
// cross-origin isolated (so ORT's WASM fallback may use threads), a model loads from the (routed)
// hub, and a second visit with the network off opens and runs the bundled model from the service
// worker's precache.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { contentSecurityPolicy } from '../../src/site/policy.ts';
import { SUB_PATH, startSite, type SiteE2E } from './siteHarness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TOY = resolve(ROOT, 'public/models/toy-reasoner');
const HAS_MODEL = existsSync(resolve(TOY, 'onnx/model.onnx'));
const examples = readFileSync(resolve(ROOT, 'public/examples/toy-addition.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

let site: SiteE2E;
beforeAll(async () => {
  if (HAS_MODEL) site = await startSite();
}, 180_000);
afterAll(async () => {
  await site?.close();
});

/** CSP violations reported in the page (securitypolicyviolation events), kept across reloads in the page. */
async function watchViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
}
const violations = (page: Page) => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

/** Serves the bundled toy model as the hub repository `test-org/toy-reasoner` (no network). */
async function routeHub(context: BrowserContext): Promise<string[]> {
  const served: string[] = [];
  await context.route('https://huggingface.co/**', async (route) => {
    const url = new URL(route.request().url());
    const cors = { 'access-control-allow-origin': '*' };
    // The tree API: the repository's files, as the hub lists them.
    if (/^\/api\/models\/test-org\/toy-reasoner\/tree\//.test(url.pathname)) {
      const listing = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']
        .map((path) => ({ type: 'file', path, size: statSync(resolve(TOY, path)).size }));
      return route.fulfill({ status: 200, headers: { ...cors, 'content-type': 'application/json' }, body: JSON.stringify(listing) });
    }
    const m = /^\/test-org\/toy-reasoner\/resolve\/[^/]+\/(.+)$/.exec(url.pathname);
    const file = m ? resolve(TOY, decodeURIComponent(m[1])) : '';
    if (!m || !file.startsWith(TOY) || !existsSync(file)) return route.fulfill({ status: 404, headers: cors, body: 'not found' });
    served.push(m[1]);
    return route.fulfill({ status: 200, headers: { ...cors, 'content-type': 'application/octet-stream' }, body: readFileSync(file) });
  });
  return served;
}

async function scoreExample(page: Page): Promise<void> {
  const ex = examples.find((e) => String(e.id).includes('hesitation')) ?? examples[0];
  await page.getByTestId('question').fill(ex.question);
  await page.getByTestId('answer').fill(ex.answer);
  await page.getByTestId('cot').fill(ex.cot);
  await page.getByTestId('score').click();
  await page.getByTestId('inspection').waitFor({ timeout: 180_000 });
  const j0 = Number(await page.getByTestId('J-0').getAttribute('data-value'));
  expect(Number.isFinite(j0) && j0 <= 0).toBe(true);
}

let ctx: Awaited<ReturnType<SiteE2E['newPage']>>;
let served: string[];
const LONG = 600_000;

test.skipIf(!HAS_MODEL)('policy: CSP meta tag and headers, cross-origin isolation, assets under the sub-path', async () => {
  ctx = await site.newPage();
  const { context, page } = ctx;
  await watchViolations(page);
  served = await routeHub(context);
  const res = await page.goto(`${site.siteUrl}?tab=inspector`);
  expect(res?.status()).toBe(200);
  expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toBe(contentSecurityPolicy());
  const headers = res!.headers();
  expect(headers['content-security-policy']).toBe(contentSecurityPolicy());
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-embedder-policy']).toBe('credentialless');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  // Every asset came from under the sub-path (relative URLs), none from the host's root.
  const assetUrls = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  for (const u of assetUrls) if (u.startsWith('http://127.0.0.1')) expect(new URL(u).pathname.startsWith(SUB_PATH), u).toBe(true);
});

test.skipIf(!HAS_MODEL)('inspector: the bundled model, then the same model from the routed hub, under the CSP', async () => {
  const { page } = ctx;
  await page.getByTestId('load-bundled').click();
  await page.getByTestId('model-loaded').waitFor({ timeout: 180_000 });
  await scoreExample(page);
  await page.getByLabel('Hugging Face model id').fill('test-org/toy-reasoner');
  await page.getByRole('button', { name: 'Load from hub' }).click();
  await expect.poll(async () => (await page.getByTestId('model-loaded').textContent()) ?? '', { timeout: 180_000 }).toContain('test-org/toy-reasoner');
  expect(served).toContain('onnx/model.onnx');
  await scoreExample(page);
}, LONG);

test.skipIf(!HAS_MODEL)('batch: the example set fetched from under the sub-path runs', async () => {
  const { page } = ctx;
  await page.getByTestId('tab-batch').click();
  await page.getByTestId('example-toy-addition.jsonl').click();
  await expect.poll(() => page.getByTestId('parsed-count').textContent(), { timeout: 30_000 }).toBe(String(examples.length));
  await page.getByTestId('batch-run').click();
  await expect.poll(() => page.getByTestId('result-row').count(), { timeout: 500_000, interval: 1000 }).toBe(examples.length);
}, LONG);

test.skipIf(!HAS_MODEL)('training, method and status: the SFT checkpoint trains in the worker; the spec renders; the kernel self-test passes; no CSP violation', async () => {
  const { page } = ctx;
  await page.getByTestId('tab-training').click();
  await page.getByTestId('training-screen').waitFor({ timeout: 60_000 });
  await page.getByTestId('train-steps').fill('2');
  for (const [id, v] of [['grpo-prompts', '1'], ['grpo-generations', '2'], ['grpo-max-tokens', '32']]) await page.getByTestId(id).fill(v);
  await page.getByTestId('start-comparison').click();
  await expect.poll(async () => (await page.getByTestId('run-outcome').getByTestId('run-status').textContent()) ?? '', { timeout: 500_000, interval: 1000 }).toBe('finished');
  // Method: the spec rendered as React elements (no inline HTML, so nothing for the CSP to block),
  // its formulas typeset by KaTeX (DOM nodes, its CSS and fonts from the site itself).
  await page.getByTestId('tab-method').click();
  await expect.poll(async () => (await page.locator('main').textContent()) ?? '', { timeout: 30_000 }).toContain('§4 Magnitude score');
  await expect.poll(() => page.locator('.math-display .katex-display').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(6);
  expect(await page.locator('.math-inline .katex').count()).toBeGreaterThanOrEqual(10);
  expect(await page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].some((f) => f.family.replace(/"/g, '') === 'KaTeX_Main' && f.status === 'loaded');
  })).toBe(true);
  await page.getByTestId('tab-status').click();
  await page.getByTestId('selftest-run').click();
  await expect.poll(() => page.getByTestId('selftest-result').getAttribute('data-ok'), { timeout: 120_000 }).toBe('true');
  expect(await violations(page)).toEqual([]);
}, LONG);

test.skipIf(!HAS_MODEL)('offline: a second visit with the network off opens and runs the bundled model', async () => {
  const { context, page, errors } = ctx;
  expect(await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  })).toBe(true);
  await context.setOffline(true);
  try {
    await page.goto(`${site.siteUrl}?tab=inspector`);
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    await page.getByTestId('load-bundled').click();
    await page.getByTestId('model-loaded').waitFor({ timeout: 180_000 });
    await scoreExample(page);
    expect(await violations(page)).toEqual([]);
  } finally {
    await context.setOffline(false);
  }
  // The routed hub answers files the repository lacks with 404, as the real hub does.
  expect(errors.filter((e) => !e.startsWith('HTTP 404: https://huggingface.co/'))).toEqual([]);
}, LONG);
