// No GPU-tensor leak: 250 forward steps (decode steps, probe branches, resets) leave the count
// of live ORT GPU tensors where it started. The counts are exact, so one tensor lost anywhere fails;
// 250 steps run every path many times over (10 cache resets, 50 probe branches, 250 decode steps
// on caches up to 25 tokens long); the 1000 it ran before repeated the same pattern 4 times.
import { expect, test } from 'vitest';
import { liveGpuTensorCount } from '../../../src/llm/ort/ortRuntime.ts';
import { loadTiny } from './loadTiny.ts';

test('250 forward steps leak no GPU tensor', async () => {
  const model = await loadTiny({ numLayers: 1, numHeads: 2, numKvHeads: 1 }, { tokenizer: 'bytes' });
  try {
    expect(model.info.backend).toBe('webgpu');
    const base = liveGpuTensorCount();
    let cache = model.emptyCache();
    let peak = 0;
    for (let step = 0; step < 250; step++) {
      if (step % 25 === 0) {
        cache.dispose();
        cache = model.emptyCache();
      }
      const r = await model.forward([(step * 7) % 200], cache);
      if (step % 5 === 0) {
        const probe = await model.forward([3, 4], r.cache); // a branch, freed at once
        probe.dispose();
        probe.cache.dispose();
      }
      r.dispose();
      cache.dispose();
      cache = r.cache;
      peak = Math.max(peak, liveGpuTensorCount() - base);
    }
    // One live state: its 2 K/V tensors (1 layer).
    expect(liveGpuTensorCount() - base).toBe(2);
    expect(model.liveCacheStates).toBe(1);
    cache.dispose();
    expect(liveGpuTensorCount()).toBe(base);
    expect(model.liveCacheStates).toBe(0);
    expect(peak).toBeLessThanOrEqual(2);
  } finally {
    await model.dispose();
  }
});
