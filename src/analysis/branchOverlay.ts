// Drawing branches over the original CoT's J trajectory (issue #17 §2), aligned at the fork. The
// x axis is the CoT token position of each boundary (J_0 at 0, J_k at the end of segment k), so
// the prefix a branch shares with the original lines up exactly and the fork is one vertical
// line at its position t. Pure.
import type { Trajectory } from '../repro/types.ts';

export interface JPoint {
  /** CoT tokens before this boundary. */
  x: number;
  /** Boundary index k (J_k). */
  k: number;
  J: number;
}

export interface BranchLike {
  id: string;
  fork: { position: number; tokenId?: number; text?: string };
  trajectory: Trajectory;
}

export interface BranchSeries {
  id: string;
  points: JPoint[];
  /** Fork position t (CoT tokens kept from the original). */
  forkX: number;
  /** Original segment (1-based) the fork falls in; K + 1 when it is after the last token. */
  forkSegment: number;
  /** Boundaries of the original at or before the fork: their prefix is shared, so J is the same. */
  sharedBoundaries: number;
  /** J_K of the branch minus J_K of the original. */
  deltaFinalJ: number;
}

/** J_k at each boundary's CoT token position. */
export function jPoints(t: Trajectory): JPoint[] {
  return t.J.map((J, k) => ({ x: k === 0 ? 0 : t.tokenSpans[k - 1].end, k, J }));
}

/** The 1-based segment of `t` holding CoT token `position` (K + 1 past the last token). */
export function forkSegment(t: Trajectory, position: number): number {
  const i = t.tokenSpans.findIndex((s) => position >= s.start && position < s.end);
  return i === -1 ? t.tokenSpans.length + 1 : i + 1;
}

export function branchSeries(original: Trajectory, b: BranchLike): BranchSeries {
  const t = b.fork.position;
  const shared = jPoints(original).filter((p) => p.x <= t).length;
  return {
    id: b.id,
    points: jPoints(b.trajectory),
    forkX: t,
    forkSegment: forkSegment(original, t),
    sharedBoundaries: shared,
    deltaFinalJ: b.trajectory.J[b.trajectory.J.length - 1] - original.J[original.J.length - 1],
  };
}

/** What the fork replaced: the original's text from the fork on and the branch's, cut to `chars`. */
export function forkTexts(original: Trajectory, b: BranchLike, chars = 24): { at: number; before: string; after: string } {
  const at = b.fork.position < original.tokenOffsets.length ? original.tokenOffsets[b.fork.position] : original.cot.length;
  return { at, before: original.cot.slice(at, at + chars), after: b.trajectory.cot.slice(at, at + chars) };
}
