// The project's one seeded PRNG (xoshiro128**, pinned to the reference vectors in
// test/unit/sampling/rng.test.ts), shared by init, sampling (engine and LanguageModel), training,
// the toy task's problem and trace draws and the kernel self-test, with an exportable state so that
// a run resumes exactly (the state travels in checkpoints as JSON).

/** Four uint32 words; never all zero. */
export type RngState = [number, number, number, number];

/** What sampling needs from a random source. */
export interface UniformSource {
  /** uniform in [0, 1) */
  uniform(): number;
}

export class Rng implements UniformSource {
  private s: RngState;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`);
    this.s = seedState(seed);
  }

  /** Next uint32 (xoshiro128**, Blackman & Vigna). */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    for (let i = 0; i < 4; i++) s[i] >>>= 0;
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits (two draws). */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [lo, hi], both inclusive: lo + ⌊uniform() · (hi − lo + 1)⌋. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new RangeError(`rng.int(lo, hi) needs integers with lo <= hi, got lo=${lo}, hi=${hi}`);
    }
    return lo + Math.floor(this.uniform() * (hi - lo + 1));
  }

  /** A uniformly chosen element of a non-empty array (one int draw). */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('rng.pick(items) needs a non-empty array');
    return items[this.int(0, items.length - 1)];
  }

  /** Standard normal by Box–Muller; uses no cached spare, so the state alone defines the stream. */
  normal(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  getState(): RngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length !== 4) {
      throw new TypeError(`Rng state must be an array of 4 uint32 words, got ${JSON.stringify(state)}`);
    }
    for (let i = 0; i < 4; i++) {
      const w = state[i];
      if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) {
        throw new RangeError(`Rng state[${i}] must be a uint32, got ${w}`);
      }
    }
    if (state.every((w) => !w)) throw new RangeError('Rng state must not be all zero');
    this.s = [state[0], state[1], state[2], state[3]];
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** splitmix32 expands one seed into a well-mixed, non-zero state. */
function seedState(seed: number): RngState {
  let x = (Math.floor(seed) ^ Math.floor(seed / 4294967296)) >>> 0;
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    out.push((z ^ (z >>> 16)) >>> 0);
  }
  if (out.every((w) => !w)) out[0] = 1;
  return out as RngState;
}
