// The rotary tables against hand-derived values, Llama-3's piecewise rule per band (written
// independently in float64), and inv_freq values torch 1.13 gave for real configs (as float32 bits).
import { describe, expect, it } from 'vitest';
import { ropeInvFreq, ropeTable, ropeTableFor } from '../../../src/engine/rope.ts';
import type { Llama3RopeScaling } from '../../../src/engine/llamaConfig.ts';

const f = Math.fround;
const bits = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];
const hex = (s: string) => s.split(' ').map((h) => parseInt(h, 16));

describe('default rotary frequencies and table', () => {
  it('HD = 4, theta = 10000: inv_freq = [1, 1/100]; cos/sin of the float32 angles', () => {
    // 10000^(0/4) = 1, 10000^(2/4) = 100
    const inv = ropeInvFreq(4, 10000);
    expect([...inv]).toEqual([1, f(0.01)]);
    const tab = ropeTable(inv, 3); // [2, 3, 2]
    // angles: p · 1 and f32(p · f32(0.01)) = 0, 0.009999999776482582, 0.019999999552965164 (python math)
    expect([...tab.subarray(0, 6)]).toEqual([1, 1, 0.5403023058681398, 0.9999500004189004, -0.4161468365471424, 0.9998000066755178].map(f));
    expect([...tab.subarray(6, 12)]).toEqual([0, 0, 0.8414709848078965, 0.009999833110660423, 0.9092974268256817, 0.019998666246387648].map(f));
  });

  it('HD = 8, theta = 10000: 10000^(k/4) = 1, 10, 100, 1000', () => {
    expect([...ropeInvFreq(8, 10000)]).toEqual([1, f(0.1), f(0.01), f(0.001)]);
  });

  it('matches torch 1.13 float32 for SmolLM2 (HD 64, θ 1e5) and Qwen3 (HD 128, θ 1e6)', () => {
    const smol = hex('3f800000 3f32a506 3ef953cf 3eadfcff 3e72d423 3e297409 3dec7fd6 3da50956 3d6655c2 3d20bc1d 3ce054d2 3c9c8b97 3c5a7bf2 3c187705 3bd4ca15 3b947dae 3b4f3e38 3b109edb 3ac9d75c 3a8cd9db 3a44948c 3a092e02 39bf74d7 39859aa9 393a7753 39021f2b 38b59b1b 387d75d4 3830df52 37f6da96 37ac431d 37706b6d');
    expect(bits(ropeInvFreq(64, 100000))).toEqual(smol);
    const qwen = hex('3f800000 3f4e4bad 3f263de0 3f05f6ef 3ed7e89b 3eadfcff 3e8c3504 3e61f835 3e361887 3e12bd91 3dec7fd6 3dbe94c6 3d99940d 3d778513 3d47763f 3d20bc1d 3d0186e3 3cd0c1a8 3ca8398b 3c879008 3c5a7bf2 3c301052 3c0de12d 3be4aa46 3bb8449c 3b947dae 3b6f520e 3b40dac5 3b1b690d 3afa78f0 3ac9d75c 3aa2a6f7 3a83126f 3a533f28 3a2a3b44 3a092e02 39dd1725 39b229fb 398f9272 39676492 393a7753 39164324 38f22ce2 38c327b5 389d43a4 387d75d4 384c3fbe 382497ab 3804a2b2 37d5c441 37ac431d 378ad0ed 375fba4f 37344a0e 371148e3 36ea2732 36bcb0c1 36980e02 36751070 36457bab 361f23e4 36003dec 35ceaf79 35a68e4c');
    const ours = bits(ropeInvFreq(128, 1000000));
    // torch's float32 pow is not correctly rounded (Sleef, 1 ulp): element 37 is one ulp above ours.
    expect(ours.map((b, i) => b - qwen[i]).map((d, i) => (d ? `${i}:${d}` : '')).filter(Boolean)).toEqual(['37:-1']);
  });

  it('refuses an odd head dim and a bad theta by name', () => {
    expect(() => ropeInvFreq(7, 10000)).toThrow('head_dim must be a positive even integer, got 7');
    expect(() => ropeInvFreq(8, 0)).toThrow('rope_theta must be > 0');
    expect(() => ropeTable(new Float32Array(2), 0)).toThrow('table positions');
  });
});

describe('Llama-3 scaling', () => {
  it('keeps high frequencies, divides low ones by factor, interpolates the band between (float64 rule)', () => {
    // HD 16, θ 1e4: wavelengths 2π·10^(i/2) = 6.3, 19.9, 62.8, 198.7, 628.3, 1987, 6283, 19869.
    // original 1000, low 1, high 4: high band < 250, low band > 1000, medium [250, 1000] holds i = 4.
    const s: Llama3RopeScaling = { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 1000 };
    const base = ropeInvFreq(16, 10000);
    const scaled = ropeInvFreq(16, 10000, s);
    const bands: string[] = [];
    for (let i = 0; i < 8; i++) {
      const inv = base[i];
      const wavelen = (2 * Math.PI) / inv;
      let want: number;
      if (wavelen < 1000 / 4) { bands.push('high'); want = inv; }
      else if (wavelen > 1000 / 1) { bands.push('low'); want = inv / 8; }
      else {
        bands.push('medium');
        const smooth = (1000 / wavelen - 1) / (4 - 1);
        want = (1 - smooth) * inv / 8 + smooth * inv;
      }
      expect(Math.abs(scaled[i] - want) / want).toBeLessThan(5e-7);
    }
    expect(bands).toEqual(['high', 'high', 'high', 'high', 'medium', 'low', 'low', 'low']);
    // i = 4: smooth = (1000/628.3185 − 1)/3 = 0.19718…, inv = 0.01 → 0.01·(0.80282/8 + 0.19718) = 0.00297531
    expect(scaled[4]).toBeCloseTo(0.0029753525, 8);
  });

  it('matches torch 1.13 float32 for Llama-3.2 (HD 64, θ 5e5, factor 32, 1/4, 8192), bit for bit', () => {
    const ref = hex('3f800000 3f29e1c6 3ee177bc 3e959ee3 3e4693b0 3e03c6a0 3daee4ad 3d681e67 3d1a08c8 3ccc6f49 3c87a9c3 3c340d6d 3beef74f 3b9e9402 3b527720 3aa9279b 39e13620 38cb98f7 37a3418d 3758ac81 370fc8f8 36bed4f4 367d45c3 3628126b 35df10c4 359406cb 35447610 35025f34 34ad07a7 3465a54d 341864a7 33ca41b0');
    const s: Llama3RopeScaling = { type: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 };
    expect(bits(ropeInvFreq(64, 500000, s))).toEqual(ref);
  });

  it('ropeTableFor builds [2, blockSize, HD/2] from a config', () => {
    const c = { headDim: 6, ropeTheta: 10000, ropeScaling: null, blockSize: 5 };
    const t = ropeTableFor(c);
    expect(t.length).toBe(2 * 5 * 3);
    // position 4, frequency 0 (inv 1): cos 4, sin 4
    expect(t[4 * 3]).toBe(f(Math.cos(4)));
    expect(t[(5 + 4) * 3]).toBe(f(Math.sin(4)));
  });
});
