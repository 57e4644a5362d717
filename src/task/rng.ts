// The task's seeded PRNG: mulberry32 (Tommy Ettinger). Its whole state is one uint32, so a
// generator stream resumes exactly from `getState()` (saved as a plain number in run files).

export interface TaskRng {
  /** Uniform in [0, 1) (32 random bits). */
  next(): number;
  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  getState(): number;
  setState(state: number): void;
}

class Mulberry32 implements TaskRng {
  private s: number;

  constructor(seed: number) {
    this.s = seedToState(seed);
  }

  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }

  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new RangeError(`rng.int(lo, hi) needs integers with lo <= hi, got lo=${lo}, hi=${hi}`);
    }
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('rng.pick(items) needs a non-empty array');
    return items[this.int(0, items.length - 1)];
  }

  getState(): number {
    return this.s;
  }

  setState(state: number): void {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) {
      throw new RangeError(`rng state must be a uint32, got ${state}`);
    }
    this.s = state;
  }
}

/** A new generator; any finite seed (integers beyond 32 bits are folded in). */
export function createRng(seed: number): TaskRng {
  return new Mulberry32(seed);
}

function seedToState(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`rng seed must be a finite number, got ${seed}`);
  const s = Math.floor(seed);
  return (s ^ Math.floor(s / 4294967296)) >>> 0;
}
