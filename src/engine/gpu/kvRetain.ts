// Sequences whose keys/values a sampling call left in the KV store on purpose, so the probes that
// follow (RePro scoring of the rollouts: contexts = prompt + CoT prefix) read them in place instead
// of running their contexts again. Each entry is one sequence in one contiguous region: position p
// at row base + p for p < cached. The owner clears them when the weights change (an optimizer step,
// setParams) or before the next sampling call: cached keys/values are only valid for the weights
// that computed them.
import type { KvStore, Region } from './kvStore.ts';

interface Retained { tokens: number[]; cached: number; region: Region }

export class RetainedSequences {
  private entries: Retained[] = [];

  constructor(private readonly kv: KvStore) {}

  /** Keep `region`, holding positions [0, cached) of `tokens`. */
  add(tokens: number[], cached: number, region: Region): void {
    if (cached > tokens.length || cached > region.rows) throw new RangeError(`a retained sequence caches ${cached} positions of ${tokens.length} tokens in ${region.rows} rows`);
    this.entries.push({ tokens, cached, region });
  }

  /** The base row of a retained sequence whose first `need` positions are context[0 : need], or null. */
  find(context: readonly number[], need: number): number | null {
    outer: for (const e of this.entries) {
      if (e.cached < need) continue;
      for (let p = 0; p < need; p++) if (e.tokens[p] !== context[p]) continue outer;
      return e.region.base;
    }
    return null;
  }

  get count(): number {
    return this.entries.length;
  }

  /** Rows held. */
  get rows(): number {
    return this.entries.reduce((n, e) => n + e.region.rows, 0);
  }

  clear(): void {
    for (const e of this.entries) this.kv.release(e.region);
    this.entries = [];
  }
}
