// What crosses the worker boundary for a branch (issue #17 §2). Plain, structured-cloneable data.
import type { Trajectory } from '../repro/types.ts';
import type { SamplingOptions } from '../llm/types.ts';
import type { BranchPath } from '../llm/branch/branchPath.ts';
import type { GenerationStop } from '../analysis/generationOutcome.ts';

export type BranchPhase = 'generate' | 'score';

/** What the scorer is given of an inspection; a branch is scored with the original's. */
export interface ScorerInput {
  question: string;
  cot: string;
  answer: string;
  probe: string;
  /** '' = the repro-method.md §2 default delimiter. */
  delimiter: string;
  delimiterIsRegex: boolean;
}

/** The inspection being branched: the scorer's inputs as the original was scored. */
export interface BranchRequest extends ScorerInput {
  /** The inspection's CoT tokens: refused if the loaded model tokenizes the CoT otherwise. */
  cotTokens: number[];
  /** Index into cotTokens: tokens [0, position) are kept. */
  position: number;
  /** A token id written at `position`, or text (tokenized without specials; '' = resample at position). */
  replacement: { tokenId: number } | { text: string };
  sampling: SamplingOptions;
}

export interface BranchResult {
  trajectory: Trajectory;
  /** The branch's CoT tokens as generated (prefix + replacement + continuation), before the answer split. */
  generatedIds: number[];
  /** Tokens the model generated after the replacement. */
  generated: number;
  modelAnswer: string;
  answerComplete: boolean;
  stopped: GenerationStop;
  /** How the continuation ran (branchPath.ts), its note and why a faster path was ruled out. */
  path: BranchPath;
  note: string;
  reason?: string;
  /** No cache was kept for this inspection: prompt + CoT were encoded once now (and kept for later branches). */
  prefixEncoded: boolean;
  ms: { continue: number; score: number };
}
