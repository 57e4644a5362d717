// What a model repository (hub listing or picked folder) holds for the engine: the weight layout
// (one model.safetensors or an index + shards), the files to fetch beside them, and which
// backends can open it (the engine: a supported config.json + safetensors; ONNX Runtime: an ONNX
// export). Pure.
import { ModelLoadError } from '../../llm/hub/modelLoadError.ts';
import { llamaConfigFromHf } from './hfConfig.ts';
import { INDEX_FILE, SINGLE_FILE } from './shardIndex.ts';
import type { LlamaConfig } from '../llamaConfig.ts';

export type WeightLayout = { kind: 'single'; file: string } | { kind: 'sharded'; index: string };

/** The weights of a safetensors repository; the error says what the repository ships instead. */
export function weightLayout(paths: readonly string[]): WeightLayout {
  const have = new Set(paths);
  if (have.has(INDEX_FILE)) return { kind: 'sharded', index: INDEX_FILE };
  if (have.has(SINGLE_FILE)) return { kind: 'single', file: SINGLE_FILE };
  const other = paths.filter((p) => /\.(safetensors|bin|pt|pth|gguf|onnx)$/.test(p));
  const instead = other.length > 0 ? `it has ${other.slice(0, 4).join(', ')}${other.length > 4 ? ', …' : ''}` : 'it has no weight files';
  const hint = paths.some((p) => p.endsWith('.onnx')) ? ' It has an ONNX export: open it with ONNX Runtime instead.' : '';
  throw new ModelLoadError('missing-file', `Missing file ${SINGLE_FILE}: the engine reads ${SINGLE_FILE} or ${INDEX_FILE} with its shards, and ${instead}.${hint}`, { file: SINGLE_FILE });
}

export interface RepoFilePlan {
  layout: WeightLayout;
  /** Fetched first; loading fails without them. */
  required: string[];
  /** Fetched when the repository has them. */
  optional: string[];
}

/**
 * The files the engine reads from a safetensors repository, given its paths: config.json and
 * tokenizer.json (required), generation_config.json, tokenizer_config.json, chat_template.jinja
 * (newer repositories keep the template there) and special_tokens_map.json (read only when
 * tokenizer_config.json lacks a special token) when present, and the weights (the shards follow
 * from the index).
 */
export function repoFilePlan(paths: readonly string[]): RepoFilePlan {
  const layout = weightLayout(paths);
  const have = new Set(paths);
  for (const f of ['config.json', 'tokenizer.json']) {
    if (!have.has(f)) throw new ModelLoadError('missing-file', `Missing file ${f}: the model files do not include it.`, { file: f });
  }
  const optional = ['generation_config.json', 'tokenizer_config.json', 'chat_template.jinja', 'special_tokens_map.json'].filter((f) => have.has(f));
  return { layout, required: ['config.json', 'tokenizer.json', layout.kind === 'single' ? layout.file : layout.index], optional };
}

/** A repository ships an ONNX export (onnx/*.onnx or a model-builder model.onnx). */
export function hasOnnxExport(paths: readonly string[]): boolean {
  return paths.some((p) => p.endsWith('.onnx'));
}

/** Bytes of the weight files, from a listing with sizes (null when a file's size is unknown). */
export function weightFileBytes(files: readonly { path: string; size: number }[], weightFiles: readonly string[]): number | null {
  let total = 0;
  for (const w of weightFiles) {
    const f = files.find((x) => x.path === w);
    if (!f || !(f.size > 0)) return null;
    total += f.size;
  }
  return total;
}

export interface RepoBackends {
  /** The engine can open it: its config, else why not (config refused, or no safetensors weights). */
  engine: { ok: true; config: LlamaConfig } | { ok: false; reason: string; kind: string };
  /** ONNX Runtime can try it (an ONNX export is present). */
  ort: boolean;
}

/**
 * Which backends can open a repository, from its paths and config.json (null when it has none).
 * The UI opens an engine-capable repository on the engine by default and offers ORT beside it.
 */
export function repoBackends(paths: readonly string[], configJson: Record<string, unknown> | null): RepoBackends {
  const ort = hasOnnxExport(paths);
  const refuse = (e: unknown) => {
    if (!(e instanceof ModelLoadError)) throw e;
    return { ok: false as const, reason: e.message, kind: e.kind };
  };
  try {
    weightLayout(paths);
    if (!configJson) throw new ModelLoadError('missing-file', 'Missing file config.json: the model files do not include it.', { file: 'config.json' });
    return { engine: { ok: true, config: llamaConfigFromHf(configJson, { hasOnnx: ort }) }, ort };
  } catch (e) {
    return { engine: refuse(e), ort };
  }
}
