// What the trainer and the evaluation need from a task, split in two so that any task meets any
// model: the TASK (prompts with answers, a train stream and a held-out split, the verifier, the
// answer J is probed with, the overthinking markers — text only) and the MODEL FORMAT (the
// model's own tokenizer and chat template: prompt ids, stop ids, the probe, where a completion's
// CoT ends and what its final answer is). A TaskEnv is one of each. Pure types.
import type { TokenizerLike } from '../../llm/types.ts';
import type { Span } from '../../repro/types.ts';
import type { SegmentKind } from '../../task/classify.ts';
import type { TaskSettings } from './settings.ts';

export type { TaskSettings };

/** One prompt: the user's question and its ground-truth final answer (what J scores, repro-method.md §3). */
export interface TaskItem {
  question: string;
  answer: string;
  /** stable id, when the source has one (prompt sets) */
  id?: string;
}

/** The training prompts of a run: an endless seeded stream whose position is saved in checkpoints. */
export interface TrainStream<I extends TaskItem = TaskItem> {
  next(): I;
  /** JSON state: restoring it continues the stream exactly */
  getState(): unknown;
  /** Throws naming what is wrong; returns a note for the log when the state can only be continued approximately. */
  setState(state: unknown): string | null;
}

/** How one segment of a CoT is labelled (the toy's classifier; other tasks know only the markers). */
export interface SegmentLabelLite {
  /** segment text without surrounding whitespace */
  text: string;
  kind: SegmentKind;
  /** opens with a repro-method.md §10 marker */
  backtracking: boolean;
}

export interface RlTask<I extends TaskItem = TaskItem> {
  readonly settings: TaskSettings;
  /** a one-line description for logs */
  readonly label: string;
  /** the training stream of a run seeded with `seed` */
  trainStream(seed: number): TrainStream<I>;
  /** the first n items of the fixed held-out split (fewer when the split holds fewer) */
  heldOut(n: number): I[];
  /** the text of the user turn (the question, plus any instruction the task adds) */
  userText(item: I): string;
  /** outcome reward R ∈ {0, 1} of a completion (its decoded text, stop token included), read by `format` */
  reward(item: I, completion: string, format: ModelFormat): number;
  /** backtracking markers (repro-method.md §10) */
  readonly markers: readonly string[];
  /** segment labels of a CoT (the toy's step / redundant / wrong …); absent: every segment 'other' */
  classify?(cot: string, spans: Span[], item: I): SegmentLabelLite[];
}

export interface ProbeTokens {
  probeIds: number[];
  answerIds: number[];
}

export interface ModelFormat {
  /** 'toy': the toy tokenizer and its "Answer: " format; 'chat': a hub model's tokenizer and chat template */
  readonly kind: 'toy' | 'chat';
  readonly tokenizer: TokenizerLike;
  /** the prompt text up to where the CoT begins (the chat template's generation prompt) */
  promptText(userText: string): string;
  /** its ids, formed as generation forms them */
  promptIds(userText: string): number[];
  /** generation stops after any of these (the id is kept in the completion) */
  readonly stopIds: readonly number[];
  /** the J probe text (repro-method.md §3) */
  readonly probe: string;
  /** the completion's text and the char offset where each of its tokens starts in it */
  readCompletion(ids: number[]): { text: string; offsets: number[] };
  /** char index in a completion where the CoT ends (the answer marker), −1 when it never appears */
  cotEnd(text: string): number;
  /** the model's final answer in a completion ('' when it gave none) */
  finalAnswer(text: string): string;
  /** the probe's and the answer's ids as they follow a CoT prefix (repro-method.md §3) */
  probeTokens(answer: string, context: { promptText: string; promptIds: number[]; cot: string; cotIds: number[] }): ProbeTokens;
}

/** A task read through one model's format: what the trainer and the evaluation are given. */
export interface TaskEnv<I extends TaskItem = TaskItem> {
  readonly task: RlTask<I>;
  readonly format: ModelFormat;
}
