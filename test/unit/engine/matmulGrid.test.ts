// The matmul runners' grid split (src/engine/gpu/layers/matmul.ts splitGroups): workgroups x·z cover
// every column block once (block = x + z·nx, the kernels skip blocks past the end), neither
// dimension over the limit, and a clear refusal past limit².
import { describe, expect, it } from 'vitest';
import { splitGroups } from '../../../src/engine/gpu/layers/matmul.ts';

describe('splitGroups', () => {
  it.each([[1, 65535], [65535, 65535], [65536, 65535], [18_992, 150], [4000, 97], [97 * 97, 97], [97 * 97 + 1, 100]])(
    '%i blocks at ≤ %i per dimension', (blocks, max) => {
      const [x, z] = splitGroups(blocks, max);
      expect(x).toBeLessThanOrEqual(max);
      expect(z).toBeLessThanOrEqual(max);
      expect(x * z).toBeGreaterThanOrEqual(blocks);
      expect(x * (z - 1)).toBeLessThan(blocks); // no z-slice entirely past the end
      if (blocks <= max) expect([x, z]).toEqual([blocks, 1]);
    });

  it('refuses more blocks than two dimensions hold', () => {
    expect(() => splitGroups(100 * 100, 100)).not.toThrow();
    expect(() => splitGroups(100 * 100 + 1, 100)).toThrow('matmul: 10001 workgroups exceed 100² (maxComputeWorkgroupsPerDimension)');
  });
});
