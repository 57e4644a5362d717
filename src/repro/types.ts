// Shared types of the RePro math and the J-trajectory scorer (repro-method.md §1–§8).

/** A contiguous character span [start, end) of a CoT (repro-method.md §2). */
export interface Span {
  start: number;
  end: number;
}

/** A token range [start, end) into Trajectory.cotTokens. */
export interface TokenSpan {
  start: number;
  end: number;
}

/**
 * Everything the scorer measured for one (question, CoT, answer): the inspector, batch
 * analysis and exports all read this one shape.
 */
export interface Trajectory {
  question: string;
  cot: string;
  answer: string;
  /** Probe text placed between the CoT prefix and the answer (repro-method.md §3). */
  probe: string;
  /** Segment char spans (repro-method.md §2). */
  segments: Span[];
  /** CoT token ids, and the char offset where each token's text starts inside `cot`. */
  cotTokens: number[];
  tokenOffsets: number[];
  /** Per segment, the token range it owns (a straddling token belongs to the earlier segment). */
  tokenSpans: TokenSpan[];
  /** J_0 … J_K (J_0 = baseline, empty CoT), natural log (repro-method.md §3). */
  J: number[];
  /** Per boundary k = 0 … K, log p of each answer token (J_k is their mean). */
  answerLogProbs: number[][];
  /** Entropy (nats) of the distribution that produced each CoT token. */
  tokenEntropy: number[];
  /** Per segment, the entropy at its first token (repro-method.md §7). */
  firstTokenEntropy: number[];
  /** Per CoT token i: the k most likely tokens of the distribution that produced token i, their log-probs (descending), and the chosen token's log-prob and rank (0 = most likely). */
  tokenLens?: { k: number; ids: number[][]; logProbs: number[][]; chosenLogProb: number[]; chosenRank: number[] };
  /** Text of every token id in tokenLens (alternatives), decoded by the model's tokenizer when scored, so a saved inspection shows them without its model. Keys are decimal ids. */
  tokenText?: Record<string, string>;
}
