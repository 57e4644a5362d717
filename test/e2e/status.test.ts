// The Status page in a real browser: the adapter is reported and the kernel self-test passes.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { resolve } from 'node:path';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

test('Status page shows the WebGPU adapter and the kernel self-test passes', async () => {
  const { page, errors } = await e2e.newPage();
  await page.goto(`${e2e.baseUrl}/?tab=status`);
  await page.getByTestId('gpu-available').waitFor({ timeout: 120_000 });
  const vendor = await page.getByTestId('gpu-vendor').textContent();
  expect(vendor?.trim().length).toBeGreaterThan(0);
  await expect.poll(() => page.getByTestId('backend-badge').textContent(), { timeout: 15_000 }).toContain('WebGPU');

  await page.getByTestId('selftest-run').click();
  const result = page.getByTestId('selftest-result');
  await result.waitFor({ timeout: 180_000 });
  const text = await result.textContent();
  console.log('self-test:', text);
  await page.screenshot({ path: resolve(ARTIFACTS, 'status.png'), fullPage: true });
  expect(await result.getAttribute('data-ok'), text ?? '').toBe('true');
  const maxErr = Number(await page.getByTestId('selftest-maxerr').textContent());
  expect(maxErr).toBeLessThan(1e-3);
  if (errors.length) console.log('page errors:', errors);
  expect(errors).toEqual([]);
});
