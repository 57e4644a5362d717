// The runs one Start builds: outcome-only and RePro for each chosen estimator, same seed, same
// model and task, one comparison id (a reload resumes them as a pair). Pure: runs in Node.
import { ESTIMATOR_LABELS, presetConfig, type AdvEstimator, type GrpoConfig } from '../rl/config.ts';
import { REGIME_LABEL, type TaskRegime } from '../task/regime.ts';
import type { RunModel, RunSpec } from '../worker/trainingApi.ts';

export interface ComparisonRequest {
  steps: number;
  seed: number;
  overrides?: Partial<GrpoConfig>;
  estimators?: AdvEstimator[];
  /** the toy GPT-2's SFT checkpoint (engine models start from their own weights) */
  regime?: TaskRegime;
  /** absent: the toy GPT-2 */
  model?: RunModel;
  /** the model's name in the labels (engine models) */
  modelName?: string;
  task?: RunSpec['task'];
  promptSet?: RunSpec['promptSet'];
}

export function comparisonSpecs(req: ComparisonRequest, stamp: string): RunSpec[] {
  const { steps, seed, overrides = {}, estimators = ['grpo'], regime = 'mixed', model, task, promptSet } = req;
  const engine = model?.kind === 'engine';
  const suffix = engine ? ` · ${req.modelName ?? 'engine model'} (LoRA)` : regime === 'mixed' ? '' : ` · ${REGIME_LABEL[regime]}`;
  const specs: RunSpec[] = [];
  for (const est of estimators) {
    const name = ESTIMATOR_LABELS[est];
    for (const method of ['outcome', 'repro'] as const) {
      const config = presetConfig(method, { ...overrides, adv_estimator: est, seed });
      specs.push({
        runId: `${est === 'grpo' ? '' : `${est}-`}${method}-s${seed}-${stamp}`,
        label: `${method === 'outcome' ? `Outcome only (${name})` : `RePro (${name} + process reward)`} · seed ${seed}${suffix}`,
        method, config, steps, comparisonId: `s${seed}-${stamp}`,
        ...(engine ? {} : { regime }),
        ...(model ? { model } : {}),
        ...(task ? { task } : {}),
        ...(promptSet ? { promptSet } : {}),
      });
    }
  }
  return specs;
}
