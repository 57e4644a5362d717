// The two task regimes the playground contrasts (docs/toy-task.md "Regimes"): which SFT trace mix a
// bundled checkpoint was trained on, and therefore whether its overthinking is mostly wrong
// (mixed: the outcome reward already pushes away from it) or mostly correct (verbose: only a
// process reward can tell it from a concise answer — the paper's setting).
import type { TraceMix } from './sft.ts';
import { DEFAULT_TRACE_MIX } from './sft.ts';

export const TASK_REGIMES = ['mixed', 'verbose'] as const;
export type TaskRegime = (typeof TASK_REGIMES)[number];

/**
 * mixed: today's mix, error-teaching wrong-then-corrected traces included.
 * verbose: half concise, half re-checks / hesitations / "let me verify" segments that restate a
 *   finished, correct step; no style that writes a wrong step.
 */
export const REGIME_MIX: Readonly<Record<TaskRegime, Readonly<TraceMix>>> = Object.freeze({
  mixed: DEFAULT_TRACE_MIX,
  verbose: Object.freeze({ concise: 0.5, redundant: 0.15, hesitation: 0.15, wrongCorrected: 0, verify: 0.2 }),
});

/** How the UI and the reports name a regime (what its overthinking means for the outcome reward). */
export const REGIME_LABEL: Readonly<Record<TaskRegime, string>> = Object.freeze({
  mixed: 'mixed: overthinking ≈ errors',
  verbose: 'verbose but correct',
});

/** What a training comparison in each regime shows, in one line (the training screen, docs/experiment.md). */
export const REGIME_LESSON: Readonly<Record<TaskRegime, string>> = Object.freeze({
  verbose: 'Long, hesitant answers are as correct as concise ones, so the outcome reward cannot tell them apart: RePro shortens the CoT, outcome-only hardly does.',
  mixed: 'Overthinking mostly comes with a wrong answer, so the outcome reward already pushes it away: outcome-only and RePro look alike, by design.',
});

/** The bundled checkpoint of each regime, under public/ (served at the site root). */
export const REGIME_MODEL_DIR: Readonly<Record<TaskRegime, string>> = Object.freeze({
  mixed: 'models/toy-reasoner',
  verbose: 'models/toy-reasoner-verbose',
});

/**
 * The bundled toy Llama of a regime (LlamaForCausalLM in the Hugging Face layout, opened by the
 * engine's Llama-family loader; docs/toy-model.md), where there is one.
 */
export const REGIME_LLAMA_MODEL_DIR: Readonly<Partial<Record<TaskRegime, string>>> = Object.freeze({
  verbose: 'models/toy-llama-verbose',
});

export function parseRegime(value: unknown): TaskRegime {
  if (typeof value === 'string' && (TASK_REGIMES as readonly string[]).includes(value)) return value as TaskRegime;
  throw new RangeError(`regime must be one of ${TASK_REGIMES.join(', ')}, got ${JSON.stringify(value)}`);
}
