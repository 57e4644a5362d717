// Issue #25 §4, the Method page as a reader meets it (dev server + headless Chromium): formulas
// typeset by KaTeX (math elements, no TeX source or ``` fences left as text), a table of contents
// whose links and the per-section anchors scroll to their section and put it in the address bar,
// a metric's hover link landing on its section, and no note meant for contributors. The production
// build's CSP with these formulas: test/e2e/site.test.ts.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

test('method page: KaTeX formulas, contents, section anchors, no contributor notes', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=method`, { timeout: 180_000 });
  await page.getByTestId('method-screen').waitFor({ timeout: 120_000 });
  const main = page.locator('main');

  // formulas: display and inline math typeset (KaTeX's HTML and its MathML for screen readers)
  await expect.poll(() => main.locator('.math-display .katex-display').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(6);
  expect(await main.locator('.math-inline .katex').count()).toBeGreaterThanOrEqual(10);
  expect(await main.locator('.math-display math').count()).toBeGreaterThanOrEqual(6);
  expect(await main.locator('.katex-error').count()).toBe(0);
  const s4 = main.locator('.math-display').nth(1);
  expect(await s4.getAttribute('data-tex')).toMatch(/^S_\{\\text\{magn\}\}\(k\) = \\tanh/);
  expect(await s4.locator('.katex-html').textContent()).toContain('tanh');
  // the visible text (KaTeX's MathML keeps the TeX in an annotation for screen readers: left out)
  const text = await main.evaluate((m) => {
    const c = m.cloneNode(true) as HTMLElement;
    c.querySelectorAll('.katex-mathml').forEach((e) => e.remove());
    return c.textContent ?? '';
  });
  expect(text).not.toContain('```');
  expect(text).not.toContain('$`');
  expect(text).not.toContain('\\frac');
  // the typeset J formula is taller than a line of text: a fraction, not "1/|a|"
  const jBox = (await main.locator('.math-display').first().boundingBox())!;
  expect(jBox.height).toBeGreaterThan(30);

  // no note meant for contributors
  expect(text).not.toContain('cite the section');
  expect(text).not.toContain('§API');

  // contents: §0 … §11, each link scrolls to its section and names it in the address bar
  const toc = page.getByTestId('method-toc').locator('a');
  expect(await toc.count()).toBe(12);
  expect(await toc.nth(10).textContent()).toMatch(/^§10 Overthinking/);
  await toc.nth(10).click();
  await expect.poll(() => page.url()).toMatch(/\?tab=method#method-s10$/);
  await expect.poll(() => page.locator('#method-s10').evaluate((h) => Math.round(h.getBoundingClientRect().top)), { timeout: 10_000 }).toBeLessThan(120);
  // every section heading carries a link to itself
  for (const s of ['0', '3', '9', '11']) expect(await page.getByTestId(`anchor-method-s${s}`).getAttribute('href')).toBe(`?tab=method#method-s${s}`);
  await page.locator('#method-s5').hover();
  await page.getByTestId('anchor-method-s5').click();
  await expect.poll(() => page.url()).toMatch(/#method-s5$/);
  await expect.poll(() => page.locator('#method-s5').evaluate((h) => Math.round(h.getBoundingClientRect().top)), { timeout: 10_000 }).toBeLessThan(120);
  // a copied section link opens the page at that section
  const other = await e2e.newPage();
  await other.page.goto(`${e2e.baseUrl}/?tab=method#method-s8`, { timeout: 180_000 });
  await other.page.locator('.math-display .katex').first().waitFor({ timeout: 60_000 });
  await expect.poll(() => other.page.locator('#method-s8').evaluate((h) => Math.round(h.getBoundingClientRect().top)), { timeout: 10_000 }).toBeLessThan(120);
  await other.page.close();

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: resolve(ARTIFACTS, 'method.png') });
  await page.locator('#method-s3').evaluate((h) => h.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: resolve(ARTIFACTS, 'method-formulas.png') });
  mkdirSync(resolve(ROOT, 'docs/screenshots'), { recursive: true });
  copyFileSync(resolve(ARTIFACTS, 'method-formulas.png'), resolve(ROOT, 'docs/screenshots/method.png'));
  if (errors.length || other.errors.length) console.log('page errors:', errors, other.errors);
  expect([...errors, ...other.errors]).toEqual([]);
});
