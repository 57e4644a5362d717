// The engine's KV-cache states (LanguageModel.CacheState) over KV-store regions. A state is a
// sequence of `length` positions held in at most two regions: an optional shared prefix
// (positions < prefixLen, read in place) and its own region (the rest). Regions are
// reference-counted: states that share a region (a cut prefix, a state and its continuation)
// keep it alive until the last one is disposed.
//
// Forwarding from a state appends in place when nothing was written past it in its own region
// (decoding: the region grows with the sequence); otherwise (a second continuation of the same
// state, a branch from a cut) the new positions go to a new region that reads the old positions
// as its prefix — no copy — or, when the state already has a prefix, its own part is copied
// first (the attention kernel reads one prefix per row).
import type { CacheState } from '../../llm/types.ts';
import type { KvStore, Region } from '../gpu/kvStore.ts';

export class SharedRegion {
  refs = 0;
  /** positions written into this region (from its start) */
  written = 0;
  constructor(readonly store: KvStore, readonly region: Region) {}

  get base(): number {
    return this.region.base;
  }

  get capacity(): number {
    return this.region.rows;
  }

  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs === 0) this.store.release(this.region);
  }
}

/** Where a forward of `count` new positions from a state writes, and how its rows read the past. */
export interface AppendPlan {
  /** the state after the forward */
  next: EngineCacheState;
  /** cache row of position prefixLen for the new rows (own region's base) */
  ownBase: number;
  prefixBase: number;
  prefixLen: number;
}

export class EngineCacheState implements CacheState {
  private disposed = false;

  /**
   * @param prefix shared region holding positions [0, prefixLen), or null
   * @param own region holding positions [prefixLen, length), or null when length = prefixLen
   */
  constructor(
    readonly owner: object,
    readonly length: number,
    readonly prefix: SharedRegion | null,
    readonly prefixLen: number,
    readonly own: SharedRegion | null,
    private readonly onDispose: (s: EngineCacheState) => void = () => {},
  ) {
    prefix?.retain();
    own?.retain();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** positions held in the own region */
  get ownLength(): number {
    return this.length - this.prefixLen;
  }

  dispose(): void {
    // A state without regions (the empty state) holds nothing: disposing it is a no-op, so the
    // model's one empty state stays usable whoever disposes it.
    if (this.disposed || (!this.prefix && !this.own)) return;
    this.disposed = true;
    this.prefix?.release();
    this.own?.release();
    this.onDispose(this);
  }

  /**
   * The state of the first `length` positions (LanguageModel.cachePrefix): shares the regions, so
   * nothing is copied; positions after `length` stay in the regions for the states that hold them.
   */
  cut(length: number, onDispose?: (s: EngineCacheState) => void): EngineCacheState {
    if (!Number.isInteger(length) || length < 0 || length > this.length) throw new RangeError(`prefix length ${length} outside 0…${this.length}`);
    if (this.prefix && length <= this.prefixLen) return new EngineCacheState(this.owner, length, null, 0, length > 0 ? this.prefix : null, onDispose);
    return new EngineCacheState(this.owner, length, this.prefix, this.prefixLen, length > this.prefixLen ? this.own : null, onDispose);
  }
}

/**
 * Plan a forward of `count` positions from `state`: in place when its own region has room and
 * nothing past it was written; else a new own region (`reserve` rows at least) reading the
 * state's single region as prefix, or — when the state has a prefix and an own part — a new
 * region that first receives a copy of the own part (returned in `copy`).
 */
export function planAppend(
  state: EngineCacheState, count: number, store: KvStore, reserve: number, onDispose: (s: EngineCacheState) => void,
): AppendPlan & { copy: { from: number; to: number; rows: number } | null } {
  const n = state.length;
  const own = state.own;
  const ownLen = state.ownLength;
  // append in place
  if (own && own.written === ownLen && ownLen + count <= own.capacity) {
    own.written = ownLen + count;
    const next = new EngineCacheState(state.owner, n + count, state.prefix, state.prefixLen, own, onDispose);
    return { next, ownBase: own.base, prefixBase: state.prefix?.base ?? 0, prefixLen: state.prefixLen, copy: null };
  }
  // a fresh region
  if (!state.prefix || !own) {
    // at most one region so far (or none): it becomes the prefix, read in place
    const prefix = state.prefix ?? own;
    const fresh = new SharedRegion(store, store.allocate(Math.max(count, reserve)));
    fresh.written = count;
    const next = new EngineCacheState(state.owner, n + count, n > 0 ? prefix : null, n, fresh, onDispose);
    return { next, ownBase: fresh.base, prefixBase: prefix?.base ?? 0, prefixLen: n, copy: null };
  }
  // prefix + own part: copy the own part into a new region, then append there
  const fresh = new SharedRegion(store, store.allocate(Math.max(ownLen + count, reserve)));
  fresh.written = ownLen + count;
  const next = new EngineCacheState(state.owner, n + count, state.prefix, state.prefixLen, fresh, onDispose);
  return { next, ownBase: fresh.base, prefixBase: state.prefix.base, prefixLen: state.prefixLen, copy: { from: own.base, to: fresh.base, rows: ownLen } };
}
