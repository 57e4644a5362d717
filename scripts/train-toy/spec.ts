// What one `npm run train:toy` run does, shared by the Node runner (scripts/trainToy.ts) and the
// page it opens in headless Chromium (./main.ts): the model size, the SFT recipe, the evaluation.
// Pure data: it travels to the page as JSON in the query string.
import type { ModelConfig } from '../../src/engine/config.ts';
import { DEFAULT_SFT_CONFIG, type SftConfig } from '../../src/engine/sft.ts';
import { VOCAB_SIZE } from '../../src/task/vocab.ts';
import { MAX_SEQUENCE_TOKENS } from '../../src/task/format.ts';
import type { TaskRegime } from '../../src/task/regime.ts';

export interface TrainToySpec {
  /** the task regime (src/task/regime.ts): which bundled folder it writes and evaluates */
  regime: TaskRegime;
  model: ModelConfig;
  /** seed of the GPT-2 init (src/engine/init.ts) */
  initSeed: number;
  sft: SftConfig;
  /** quick greedy accuracy check on this many held-out problems at every sft.evalEvery (0 = none) */
  monitorProblems: number;
  /** the final evaluation: held-out problems, their seed (src/task heldOutProblems) */
  evalProblems: number;
  evalSeed: number;
  /** responses whose J trajectory is printed segment by segment (the fairness check) */
  showTrajectories: number;
  /** print a step line every this many steps */
  logEvery: number;
  /**
   * 'train' runs everything and writes the files; 'bench' only times sft.steps steps; 'eval'
   * re-evaluates the bundled checkpoint (its recipe from the checkpoint) and rewrites eval.json
   */
  mode: 'train' | 'bench' | 'eval';
}

export const DEFAULT_TRAIN_TOY_SPEC: TrainToySpec = {
  regime: 'mixed', // a recipe recorded before regimes existed is the mixed one
  model: { vocabSize: VOCAB_SIZE, blockSize: MAX_SEQUENCE_TOKENS, nLayer: 3, nHead: 4, nEmbd: 96 },
  initSeed: 1234,
  sft: {
    ...DEFAULT_SFT_CONFIG,
    steps: 1500,
    batchSize: 16,
    learningRate: 3e-3,
    warmupSteps: 50,
    minLrRatio: 0.1,
    weightDecay: 0,
    gradClip: 1,
    seed: 20251201,
    evalEvery: 250,
  },
  monitorProblems: 50,
  // 2-digit problems have only ~438 distinct held-out pairs (src/task heldOutProblems)
  evalProblems: 400,
  evalSeed: 777,
  showTrajectories: 8,
  logEvery: 25,
  mode: 'train',
};

/** The held-out seed of the quick accuracy monitor (distinct problems from the final eval's). */
export const MONITOR_SEED = 4242;

/** Missing fields take DEFAULT_TRAIN_TOY_SPEC's values (model and sft merged field by field). */
export function mergeSpec(given: Partial<TrainToySpec>): TrainToySpec {
  const d = DEFAULT_TRAIN_TOY_SPEC;
  return { ...d, ...given, model: { ...d.model, ...given.model }, sft: { ...d.sft, ...given.sft } };
}
