// A steady time-left estimate: an exponential moving average of the time per unit of work (a
// batch item, a training step), so one slow or fast unit moves the ETA a little, not by half.
// The first unit is skipped (it carries compilation and warm-up). Pure: runs in Node.

export interface RateState {
  /** units done and the time (ms) when the last one finished */
  done: number;
  at: number;
  /** smoothed ms per unit; null until two units have finished */
  msPerUnit: number | null;
}

/** Weight of the newest unit in the average (≈ the last 10 units count). */
export const ETA_ALPHA = 0.1;

export function startRate(done: number, at: number): RateState {
  return { done, at, msPerUnit: null };
}

/** A new count of units done at time `at`; several units may have finished since the last call. */
export function updateRate(s: RateState, done: number, at: number, alpha = ETA_ALPHA): RateState {
  if (done <= s.done) return done < s.done ? startRate(done, at) : s;
  const per = (at - s.at) / (done - s.done);
  // The unit that ends the warm-up (the first after the start) is not counted.
  if (s.done === 0 || s.msPerUnit === null) {
    return { done, at, msPerUnit: s.done === 0 && s.msPerUnit === null ? (done > 1 ? per : null) : per };
  }
  return { done, at, msPerUnit: s.msPerUnit + alpha * (per - s.msPerUnit) };
}

/** Seconds left for `total` units; null until the rate is known. */
export function etaFromRate(s: RateState, total: number): number | null {
  if (s.msPerUnit === null) return null;
  return (Math.max(0, total - s.done) * s.msPerUnit) / 1000;
}
