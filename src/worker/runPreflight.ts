// The live memory pre-flight of a LoRA run before Start (issue #23 §1): reads only what sizing
// needs — config.json, the tokenizer and chat template, and the first weight file's safetensors
// header (the dtype) — then plans the run (./engineRunPlan.ts) and checks it
// (src/engine/lora/preflight.ts), exactly as buildEngineRun does before it allocates. What a source
// gives is cached per source, so a settings change re-plans without reading anything again. No
// GPU: the adapter's limits come in.
import { llamaConfigFromHf } from '../engine/hf/hfConfig.ts';
import { readHeaderLength, parseHeaderJson, type SafetensorsDtype } from '../engine/hf/safetensorsHeader.ts';
import { INDEX_FILE, SINGLE_FILE, parseShardIndex } from '../engine/hf/shardIndex.ts';
import { weightLayout } from '../engine/hf/repoFiles.ts';
import type { LlamaConfig } from '../engine/llamaConfig.ts';
import { preflight } from '../engine/lora/preflight.ts';
import { PART_LABEL } from '../engine/lora/preflightBuffers.ts';
import { filesOf, listSource, loadTokenizer, type SourceOptions } from '../llm/hub/modelSource.ts';
import { eosTokenIds, readConfigFiles } from '../llm/hub/modelConfig.ts';
import type { FileStream } from '../llm/hub/modelFiles.ts';
import { parseJsonFile } from '../llm/hub/modelLoadError.ts';
import { chatFormat } from '../rl/task/chatFormat.ts';
import { TOY_FORMAT } from '../rl/task/toyFormat.ts';
import type { ModelFormat } from '../rl/task/types.ts';
import { engineRunPlan } from './engineRunPlan.ts';
import { isToyVocabulary, modelSourceOf } from './engineSource.ts';
import type { PreflightReport } from './preflightReport.ts';
import { envWith, migrateRunSpec } from './runTrainers.ts';
import { DEFAULT_TRAINING_BUDGET_BYTES, isEngineModel, sourceKey, sourceLabel, type RunModelSource } from './runModel.ts';
import type { RunSpec } from './trainingApi.ts';

/** What sizing needs from a model source. */
export interface SourceSizing {
  config: LlamaConfig;
  weightDtype: SafetensorsDtype;
  format: ModelFormat;
}

export type AdapterLimits = { maxBufferSize: number; maxStorageBufferBindingSize: number };

/** A weight file's header (8-byte length + JSON) read off its stream, the tensors never downloaded (the rest is cancelled). */
async function headerOf(f: FileStream, file: string): Promise<Record<string, unknown>> {
  const reader = f.stream.getReader();
  let buf = new Uint8Array(0);
  const fill = async (n: number) => {
    while (buf.byteLength < n) {
      const { done, value } = await reader.read();
      if (done) break;
      const next = new Uint8Array(buf.byteLength + value.byteLength);
      next.set(buf);
      next.set(value, buf.byteLength);
      buf = next;
    }
  };
  try {
    await fill(8);
    const n = readHeaderLength(buf.subarray(0, 8), file, f.size);
    await fill(8 + n);
    return parseHeaderJson(buf.subarray(8, 8 + n), file);
  } finally {
    void reader.cancel().catch(() => {});
  }
}

/** The weights' precision as the engine reports a loaded model's (bf16 if any tensor is, then f16, else f32). */
export function weightDtypeOfHeader(header: Record<string, unknown>): SafetensorsDtype {
  const dtypes = new Set(Object.entries(header).filter(([k]) => k !== '__metadata__').map(([, v]) => (v as { dtype?: string }).dtype));
  return dtypes.has('BF16') ? 'BF16' : dtypes.has('F16') ? 'F16' : 'F32';
}

/** Reads config.json, the tokenizer and the first weight file's header of `source`. */
export async function readSourceSizing(source: RunModelSource, opts: SourceOptions = {}): Promise<SourceSizing> {
  const ms = modelSourceOf(source, opts.fetchImpl ?? fetch);
  const files = filesOf(ms, opts);
  const { available } = await listSource(ms, files, opts);
  const has = (p: string) => available === undefined || available.includes(p);
  const { config: configJson, generationConfig } = await readConfigFiles(files.fetchFile, has);
  const config = llamaConfigFromHf(configJson);
  const tokenizer = await loadTokenizer(files.fetchFile, available);
  let first = SINGLE_FILE;
  const layout = available ? weightLayout(available) : has(SINGLE_FILE) ? null : { kind: 'sharded' as const, index: INDEX_FILE };
  if (layout?.kind === 'sharded') first = parseShardIndex(parseJsonFile(await files.fetchFile(layout.index), layout.index)).shards[0];
  const weightDtype = weightDtypeOfHeader(await headerOf(await files.openFile(first), first));
  const probe = typeof configJson.repro_probe === 'string' && configJson.repro_probe.length > 0 ? configJson.repro_probe : tokenizer.defaultProbe;
  const format = isToyVocabulary({ tokenizer }) ? TOY_FORMAT
    : chatFormat({ tokenizer, formatPrompt: (q) => tokenizer.formatPrompt(q), stopIds: eosTokenIds(generationConfig, configJson), probe, thinking: tokenizer.thinking });
  return { config, weightDtype, format };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Plans and checks `spec` (an engine-model run) on its source; `sizingOf` reads (and caches) the
 * source. Never throws: a source that cannot be opened or settings that cannot be sized come back as a refusal.
 */
export async function preflightRun(spec: RunSpec, limits: AdapterLimits, sizingOf: (s: RunModelSource) => Promise<SourceSizing>): Promise<PreflightReport> {
  let checked: RunSpec;
  try {
    checked = migrateRunSpec(spec);
  } catch (e) {
    return { ok: false, kind: 'settings', error: message(e) };
  }
  const model = checked.model;
  if (!isEngineModel(model)) return { ok: false, kind: 'settings', error: 'the memory pre-flight is for LoRA runs on an engine model (the toy GPT-2 always fits)' };
  let sizing: SourceSizing;
  try {
    sizing = await sizingOf(model.source);
  } catch (e) {
    return { ok: false, kind: 'model', error: `${sourceLabel(model.source)}: ${message(e)}` };
  }
  try {
    const env = envWith(checked, sizing.format);
    const plan = engineRunPlan(sizing.config, sizing.weightDtype, model, checked.config, env, limits);
    const check = preflight(plan.preflight);
    const largest = check.buffers.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const c = sizing.config;
    return {
      ok: true, fits: check.fits, model: sourceLabel(model.source), weightDtype: sizing.weightDtype,
      arch: { family: c.family, layers: c.nLayer, hidden: c.nEmbd, vocab: c.vocabSize },
      parts: check.parts.map((p) => ({ label: PART_LABEL[p.part], bytes: p.bytes })),
      totalBytes: check.totalBytes, weightsBytes: check.parts.find((p) => p.part === 'weights')?.bytes ?? 0, budgetBytes: model.budgetBytes ?? DEFAULT_TRAINING_BUDGET_BYTES, assumedBudget: model.budgetBytes === undefined,
      largestBuffer: { name: largest.name, bytes: largest.bytes }, limits: { maxBufferSize: limits.maxBufferSize, maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize },
      maxPromptTokens: plan.preflight.train.maxPromptTokens, maxSeqLen: plan.sizes.maxSeqLen,
      problems: check.problems, advice: check.advice.map((a) => a.message),
    };
  } catch (e) {
    return { ok: false, kind: 'settings', error: message(e) };
  }
}

/** readSourceSizing cached by source (a failed read is forgotten, so a retry reads again). */
export function cachedSizing(opts: SourceOptions = {}): (s: RunModelSource) => Promise<SourceSizing> {
  const cache = new Map<string, Promise<SourceSizing>>();
  return (s) => {
    const key = sourceKey(s);
    let p = cache.get(key);
    if (!p) {
      p = readSourceSizing(s, opts);
      p.catch(() => cache.delete(key));
      cache.set(key, p);
    }
    return p;
  };
}
