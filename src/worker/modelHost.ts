// The worker-side model: load/unload, streamed generation, scoring and batch runs. Everything
// that touches the LanguageModel (and so GPU buffers) happens here.
import { REGIME_LABEL } from '../task/regime.ts';
import type { LanguageModel } from '../llm/types.ts';
import type { Trajectory } from '../repro/types.ts';
import { delimiterOf } from '../analysis/delimiter.ts';
import type {
  BatchItemInput,
  BatchItemResult,
  BatchOptions,
  CheckInputRequest,
  GenerateRequest,
  GenerateResult,
  LoadedModel,
  LoadProgress,
  ModelApi,
  ModelSourceSpec,
  ScoreRequest,
  ScoreWithWeightsRequest,
} from './api.ts';
import { cancelJob, endJob, isAbort, startJob } from './jobs.ts';
import { deleteCachedModel, listCachedModels } from '../llm/hub/modelCache.ts';
import { formPromptIds } from '../llm/promptIds.ts';
import { scoringPath } from '../llm/scoringPath.ts';
import * as llm from './llmAdapter.ts';
import { answersMatch } from '../analysis/responseSplit.ts';
import { generationOutcome } from '../analysis/generationOutcome.ts';
import { checkRepresentable, representabilityOfIds, type Representability } from '../llm/representability.ts';
import type { CacheState, StopReason } from '../llm/types.ts';
import { branchWith, inspectionIds, keepInspectionCache, releaseInspectionCache, retainOnly } from './branchHost.ts';

let model: LanguageModel | null = null;
/** Streamed text is sent at most this often, so a fast model does not flood the main thread. */
const STREAM_INTERVAL_MS = 50;

function requireModel(): LanguageModel {
  if (!model) throw new Error('No model is loaded: load one in the model panel first.');
  return model;
}

function labelOf(spec: ModelSourceSpec): string {
  if (spec.kind === 'adapted') return `${labelOf(spec.base)} + adapter (${spec.adapterName})`;
  if (spec.kind === 'bundled' && spec.arch === 'llama') return `bundled toy Llama (toy-llama-${spec.regime ?? 'mixed'}, ${REGIME_LABEL[spec.regime ?? 'mixed']})`;
  if (spec.kind === 'bundled') return spec.regime && spec.regime !== 'mixed' ? `bundled toy model (toy-reasoner-${spec.regime}, ${REGIME_LABEL[spec.regime]})` : 'bundled toy model (toy-reasoner)';
  if (spec.kind === 'hub') return spec.id;
  if (spec.kind === 'checkpoint') return spec.name;
  const top = spec.files[0]?.path.split('/')[0] ?? 'local files';
  return `local folder ${top}`;
}

/** Representability of question + CoT + probe + answer for this model (llm/representability.ts). */
function checkWith(m: LanguageModel, req: CheckInputRequest): Representability {
  return checkRepresentable(m.tokenizer, { prompt: m.formatPrompt(req.question), question: req.question, cot: req.cot, probe: req.probe, answer: req.answer }, m.info);
}

async function generateWith(
  m: LanguageModel,
  req: GenerateRequest,
  signal: AbortSignal,
  onText?: (cot: string, tokens: number, answer: string) => void,
): Promise<GenerateResult> {
  const prompt = m.formatPrompt(req.question);
  // The same ids the scorer conditions on (no doubled BOS after a template that writes one).
  const promptIds = formPromptIds(m.tokenizer, prompt);
  // A prompt the model cannot represent would generate garbage: refuse with the reason.
  const check = checkRepresentable(m.tokenizer, { prompt, question: req.question, cot: '', probe: '', answer: '' }, m.info);
  if (!check.ok || (m.info.contextLength !== undefined && promptIds.length >= m.info.contextLength)) {
    const why = check.ok ? [`the prompt fills the model's ${m.info.contextLength}-token context`] : check.problems;
    throw new Error(`The prompt cannot be represented by ${m.info.id}: ${why.join('; ')}. Generation refused.`);
  }
  // Positions past the context are not trained: stop there rather than generate past it.
  const room = m.info.contextLength === undefined ? Infinity : m.info.contextLength - promptIds.length;
  const maxTokens = Math.min(req.sampling.maxNewTokens, room);
  const ids: number[] = [];
  let lastSent = 0;
  let reason: StopReason | 'cancelled' = 'max-tokens';
  const outcome = (text: string) =>
    generationOutcome(text, { probe: m.defaultProbe, thinking: m.info.thinking, reason, cappedByContext: maxTokens < req.sampling.maxNewTokens });
  try {
    await m.generate(promptIds, { ...req.sampling, maxNewTokens: maxTokens }, {
      signal,
      onStop: (r) => (reason = r),
      onToken: (id) => {
        ids.push(id);
        const now = performance.now();
        if (onText && now - lastSent >= STREAM_INTERVAL_MS) {
          lastSent = now;
          const o = outcome(m.tokenizer.decode(ids, { skipSpecialTokens: true }));
          onText(o.cot, ids.length, o.modelAnswer);
        }
      },
    });
  } catch (e) {
    if (!isAbort(e, signal)) throw e;
    reason = 'cancelled';
  }
  if (signal.aborted) reason = 'cancelled';
  const text = m.tokenizer.decode(ids, { skipSpecialTokens: true });
  const o = outcome(text);
  onText?.(o.cot, ids.length, o.modelAnswer);
  return { text, cot: o.cot, modelAnswer: o.modelAnswer, answerComplete: o.answerComplete, tokens: ids.length, stopped: o.stopped, maxTokens };
}

async function scoreWith(
  m: LanguageModel, req: ScoreRequest, signal: AbortSignal, onProgress: (d: number, t: number) => void, keepCache?: (c: CacheState) => void,
): Promise<Trajectory> {
  return llm.scoreTrajectory(
    m,
    { question: req.question, cot: req.cot, answer: req.answer, probe: req.probe, delimiter: delimiterOf(req) },
    { signal, onProgress, keepCache, lensK: req.lensK },
  );
}

async function withJob<T>(jobId: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = startJob(jobId);
  try {
    return await run(signal);
  } finally {
    endJob(jobId);
  }
}

export const modelApi: ModelApi = {
  async loadModel(source, onProgress: (p: LoadProgress) => void): Promise<LoadedModel> {
    // The current model stays loaded (and usable) until the new one is ready: a failed load
    // (offline, missing file) leaves the working model in place.
    return withJob('load', async (signal) => {
      const { model: next, backends } = await llm.openLanguageModel(source, onProgress, signal);
      let scoring;
      try {
        scoring = await scoringPath(next); // detected once, shown in the model panel
      } catch (e) {
        await next.dispose(); // the previous model stays loaded
        throw e;
      }
      const old = model;
      releaseInspectionCache();
      model = next;
      await old?.dispose();
      return { info: { ...next.info, eosIds: [...next.info.eosIds] }, defaultProbe: next.defaultProbe, label: labelOf(source), scoring, backends };
    });
  },
  async unloadModel() {
    const old = model;
    releaseInspectionCache();
    model = null;
    await old?.dispose();
  },
  cacheSize: () => llm.cacheSize(),
  clearCache: () => llm.clearCache(),
  listCachedModels: () => listCachedModels(),
  deleteCachedModel: (id, revision) => deleteCachedModel(id, revision),
  generate(jobId, req, onText) {
    const m = requireModel();
    return withJob(jobId, (signal) => generateWith(m, req, signal, onText));
  },
  async checkInput(req) {
    return checkWith(requireModel(), req);
  },
  score(jobId, req, onProgress) {
    const m = requireModel();
    // One tokenization per scoring click: the scorer's ids are checked for representability and
    // then scored (not tokenized again); input the model cannot represent is refused, not scored.
    const input = { question: req.question, cot: req.cot, answer: req.answer, probe: req.probe, delimiter: delimiterOf(req) };
    const tokens = llm.tokenizeForScoring(m, input);
    const check = representabilityOfIds(m.tokenizer, [tokens.promptIds, tokens.cotTokens, tokens.probeIds, tokens.answerIds],
      { prompt: m.formatPrompt(req.question), question: req.question, cot: req.cot, probe: req.probe, answer: req.answer }, m.info);
    if (!check.ok) {
      const e = new Error(`Not scored — ${m.info.id} cannot represent this input: ${check.problems.join('; ')}. Every J after such tokens would be meaningless.`);
      e.name = 'NotRepresentable';
      return Promise.reject(e);
    }
    // The inspection's cache over prompt + CoT stays, so a branch continues from it (branchHost.ts).
    const ids = tokens.promptIds.concat(tokens.cotTokens);
    const keep = (c: CacheState) => keepInspectionCache(m, ids, c);
    return withJob(jobId, (signal) => llm.scoreTrajectory(m, input, { signal, onProgress, keepCache: keep, lensK: req.lensK, tokens }));
  },
  branch(jobId, req, onProgress) {
    const m = requireModel();
    return withJob(jobId, (signal) => branchWith(m, req, signal, onProgress));
  },
  async retainBranchCache(inspection) {
    if (!inspection || !model) return retainOnly(model, null);
    const ids = inspectionIds(model, inspection.question, inspection.cot);
    retainOnly(model, ids.promptIds.concat(ids.cotTokens));
  },
  scoreWithWeights(jobId, source, req: ScoreWithWeightsRequest, onProgress) {
    return withJob(jobId, async (signal) => {
      let files = 0;
      const temp = await llm.loadLanguageModel(source, () => onProgress('load', ++files, 0), signal);
      try {
        signal.throwIfAborted();
        const trajectory = await scoreWith(temp, { ...req, probe: req.probe ?? temp.defaultProbe }, signal, (d, t) => onProgress('score', d, t));
        return { trajectory, modelLabel: labelOf(source) };
      } finally {
        await temp.dispose();
      }
    });
  },
  runBatch(jobId, items, opts, onResult) {
    const m = requireModel();
    return withJob(jobId, (signal) => runItems(m, items, opts, signal, onResult));
  },
  runBatchWith(jobId, source, items, opts, onResult) {
    return withJob(jobId, async (signal) => {
      const temp = await llm.loadLanguageModel(source, () => {}, signal);
      try {
        signal.throwIfAborted();
        const o = { ...opts, probe: opts.probe ?? temp.defaultProbe };
        const results: BatchItemResult[] = [];
        const r = await runItems(temp, items, o, signal, (x, d, t) => { results.push(x); onResult(x, d, t); });
        return { ...r, modelLabel: labelOf(source), results };
      } finally {
        await temp.dispose();
      }
    });
  },
  cancel: cancelJob,
};

async function runItems(
  m: LanguageModel, items: BatchItemInput[], opts: BatchOptions, signal: AbortSignal, onResult: (r: BatchItemResult, done: number, total: number) => void,
): Promise<{ done: number; cancelled: boolean }> {
  let done = 0;
  for (const item of items) {
    if (signal.aborted) break;
    const r = await runItem(m, item, opts, signal);
    if (r === null) break; // cancelled mid-item: drop the half-finished one
    done++;
    onResult(r, done, items.length);
  }
  return { done, cancelled: signal.aborted };
}

async function runItem(m: LanguageModel, item: BatchItemInput, opts: BatchOptions, signal: AbortSignal): Promise<BatchItemResult | null> {
  const t0 = performance.now();
  const base = { id: item.id, line: item.line, question: item.question, answer: item.answer };
  let cot = item.cot;
  let modelAnswer = '';
  let correct: boolean | null = null;
  let stopped: BatchItemResult['stopped'];
  // Kept for the error row: a failure on input the model cannot represent still says so.
  let checked: Representability | null = null;
  try {
    const notScored = (representability: Representability): BatchItemResult =>
      ({ ...base, correct, modelAnswer, generated: item.cot === undefined, trajectory: null, error: null, ms: performance.now() - t0, representability, stopped, cot });
    if (cot === undefined) {
      // A prompt the model cannot represent is not generated from (generateWith refuses it too).
      const prompt = checkWith(m, { question: item.question, cot: '', answer: '', probe: '' });
      if (!prompt.ok) return notScored(prompt);
      const g = await generateWith(m, { question: item.question, sampling: opts.sampling }, signal);
      if (g.stopped === 'cancelled') return null;
      cot = g.cot;
      modelAnswer = g.modelAnswer;
      stopped = g.stopped;
      correct = answersMatch(modelAnswer, item.answer);
    }
    // The inspector's rule: input the model cannot represent is not scored, unless the run asks
    // for it (then the row's numbers are flagged wherever they are shown).
    const representability = checkWith(m, { question: item.question, cot, answer: item.answer, probe: opts.probe });
    checked = representability;
    if (!representability.ok && opts.scoreUnrepresentable !== true) return notScored(representability);
    const trajectory = await scoreWith(m, { ...opts, question: item.question, cot, answer: item.answer }, signal, () => {});
    return { ...base, correct, modelAnswer, generated: item.cot === undefined, trajectory, error: null, ms: performance.now() - t0, representability, stopped };
  } catch (e) {
    if (isAbort(e, signal)) return null;
    const message = String((e as Error)?.message ?? e);
    return { ...base, correct, modelAnswer, generated: item.cot === undefined, trajectory: null, error: message, ms: performance.now() - t0, representability: checked, cot };
  }
}
