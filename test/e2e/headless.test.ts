// scripts/lib/headless.ts end to end: a Vite dev server + headless Chromium, driven through the
// bench page's cheap modes (?list reports at once; an unknown ?only throws in the page).
import { describe, expect, test } from 'vitest';
import { checkFileName, runInChromium } from '../../scripts/lib/headless.ts';

describe('checkFileName', () => {
  test('accepts plain relative names, rejects escapes', () => {
    expect(checkFileName('run-1/ckpt.bin')).toBe('run-1/ckpt.bin');
    for (const bad of ['../x', '/etc/passwd', 'a/../b', 'a//b', '', 'a b', './x', 'C:\\x']) {
      expect(() => checkFileName(bad), bad).toThrow(/unsafe file name/);
    }
  });
});

describe('runInChromium', () => {
  test('returns what the page passed to __report and forwards its logs', async () => {
    const lines: string[] = [];
    const result = await runInChromium({ page: '/bench/index.html', query: { list: '1' }, timeoutMs: 120_000, onLog: (l) => lines.push(l) });
    expect(result).toEqual({ suites: expect.arrayContaining(['fused-logits']) });
    expect(lines.some((l) => l.includes('/bench/index.html?list=1'))).toBe(true);
  }, 150_000);

  test('an error thrown in the page rejects the run (and still closes browser and server)', async () => {
    const run = runInChromium({ page: '/bench/index.html', query: { only: 'no-such-suite' }, timeoutMs: 120_000, onLog: () => {} });
    await expect(run).rejects.toThrow(/page error.*no suite matches --only no-such-suite/);
  }, 150_000);

  test('a page that never reports times out', async () => {
    // The list page reports; a path with no page script never does.
    const run = runInChromium({ page: '/bench/no-such-page.html', timeoutMs: 8_000, onLog: () => {} });
    await expect(run).rejects.toThrow(/did not report within 8000 ms/);
  }, 60_000);
});
