// The RePro math (repro-method.md §API): pure TypeScript, no DOM or WebGPU imports.
export type { Span, TokenSpan, Trajectory } from './types.ts';
export { segmentCot, DEFAULT_DELIMITER } from './segmentCot.ts';
export { tokenSpansFromOffsets } from './tokenSpans.ts';
export { objectiveJ } from './objectiveJ.ts';
export { magnitudeScore, DEFAULT_EPS } from './magnitudeScore.ts';
export { stabilityScore } from './stabilityScore.ts';
export { processScore, DEFAULT_W } from './processScore.ts';
export { selectTopKByEntropy, DEFAULT_TOP_K } from './selectTopKByEntropy.ts';
export { filteredTrajectory } from './filteredTrajectory.ts';
export { processRewards } from './processRewards.ts';
export { findBacktracking, DEFAULT_BACKTRACKING_MARKERS } from './backtracking.ts';
export { checkTrajectory } from './checkTrajectory.ts';
export {
  overthinkingMetrics,
  DEFAULT_CERTAINTY,
  DEFAULT_PLATEAU_NATS,
  type OverthinkingMetrics,
  type OverthinkingMetricsOptions,
} from './overthinkingMetrics.ts';
