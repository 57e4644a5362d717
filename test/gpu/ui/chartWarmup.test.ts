// The recharts warm-up in a real page (headless Chromium): it draws its off-screen chart stage by
// stage (an SVG surface appears in its host), leaves nothing behind, and raises no error (an effect
// that returned a timer id once crashed every page with "destroy is not a function").
import { expect, test } from 'vitest';
import { warmUpCharts } from '../../../src/ui/chartWarmup.tsx';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('warmUpCharts draws off screen, then removes its host, without errors', async () => {
  const errors: string[] = [];
  const onError = (e: ErrorEvent) => errors.push(e.message);
  window.addEventListener('error', onError);
  const host = () => [...document.body.children].find((e) => e instanceof HTMLElement && e.style.left === '-10000px') as HTMLElement | undefined;
  try {
    // every chart surface drawn in the host, seen as it is added (a stage lives a few ms)
    let surfaces = 0;
    let sawHost = false;
    const seen = new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) {
        if (n instanceof Element && (n.matches('svg.recharts-surface') || n.querySelector('svg.recharts-surface'))) surfaces++;
      }
    });
    seen.observe(document.body, { childList: true, subtree: true });
    warmUpCharts();
    // Each stage waits for an idle moment, at most 4 s (requestIdleCallback's timeout): on a busy
    // machine the five stages can take ~20 s.
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline && !(sawHost && !host())) {
      if (host()) sawHost = true;
      await sleep(5);
    }
    seen.disconnect();
    const sawSurface = surfaces >= 4; // five stages; the responsive one may draw after a resize
    expect(sawHost).toBe(true);
    expect(sawSurface).toBe(true);
    expect(host()).toBeUndefined();
    expect(errors).toEqual([]);
  } finally {
    window.removeEventListener('error', onError);
  }
});
