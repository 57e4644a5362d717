// The Start request the training screen's form and run setup describe, what stops it, and the
// live memory pre-flight of its runs (asked whenever they change; the store debounces).
import { useEffect, useMemo } from 'react';
import type { AdvEstimator } from '../../rl/config.ts';
import type { TaskRegime } from '../../task/regime.ts';
import { comparisonSpecs, type ComparisonRequest } from '../../store/comparisonSpecs.ts';
import { isEngineChoice, modelName, preflightKey, runModelOf, setupProblem, taskOf } from '../../store/runSetup.ts';
import { taskChoiceOf, useRunSetup } from '../../store/runSetupStore.ts';
import { comparisonBlocker, type RunSpec } from '../../worker/trainingApi.ts';
import type { RunSettingsValue } from './RunSettings.tsx';

export interface ComparisonPlan {
  request: ComparisonRequest | null;
  /** why Start is disabled (setup, pre-flight), null when it may start */
  blocker: string | null;
  engine: boolean;
  /** the engine runs Start would build (empty for the toy), and the key naming them */
  specs: RunSpec[];
  key: string;
}

export function useComparisonRequest(form: { steps: number; seed: number; settings: RunSettingsValue; estimators: AdvEstimator[]; regime: TaskRegime }): ComparisonPlan {
  const setup = useRunSetup();
  const { steps, seed, settings, estimators, regime } = form;
  const engine = isEngineChoice(setup.model);
  const { request, problem } = useMemo((): { request: ComparisonRequest | null; problem: string | null } => {
    const base = { steps, seed, overrides: settings, estimators, regime };
    if (!engine && setup.taskKind === 'toy') return { request: base, problem: null }; // the toy comparison, exactly as before
    const task = taskChoiceOf(setup);
    if (!task) return { request: null, problem: setup.uploads.train.parsing ? 'Reading the prompt set…' : 'Upload a prompt set for the task (or pick the toy addition problems).' };
    const p = setupProblem(setup.model, setup.lora, task);
    if (p) return { request: null, problem: p };
    try {
      return { request: { ...base, model: runModelOf(setup.model, setup.lora), modelName: modelName(setup.model), ...taskOf(task, seed) }, problem: null };
    } catch (e) {
      return { request: null, problem: e instanceof Error ? e.message : String(e) };
    }
  }, [steps, seed, settings, estimators, regime, engine, setup]);

  const specs = useMemo(() => (request && engine ? comparisonSpecs(request, 'preflight') : []), [request, engine]);
  const key = useMemo(() => preflightKey(specs), [specs]);
  const requestPreflight = setup.requestPreflight;
  useEffect(() => {
    requestPreflight(specs, key);
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps -- the key names the specs

  const pf = setup.preflight;
  let blocker = problem;
  if (!blocker && engine) {
    if (pf.checking || pf.key !== key || !pf.reports) blocker = 'Checking whether the run fits on the GPU…';
    else blocker = comparisonBlocker(pf.reports);
  }
  return { request, blocker, engine, specs, key };
}
