// A Llama-family model's weights, from model.safetensors or an index + shards, handed to the
// caller tensor by tensor as they arrive (the caller uploads each to the GPU). Every check that
// can run before a byte is uploaded does: the index against config.json, the shards against the
// file list, each header against config.json's shapes and the adapter's limits.
import { ModelLoadError, parseJsonFile } from '../../llm/hub/modelLoadError.ts';
import type { FetchFile, OpenFile } from '../../llm/hub/modelFiles.ts';
import { llamaTensorShapes, type LlamaConfig } from '../llamaConfig.ts';
import { checkLlamaTensors, checkWeightLimits, missingTensors, missingTensorsError, plannedTensors, type WeightLimits } from './llamaWeights.ts';
import { weightLayout, type WeightLayout } from './repoFiles.ts';
import type { SafetensorsDtype, TensorInfo } from './safetensorsHeader.ts';
import { streamSafetensors, type StreamedTensor } from './safetensorsStream.ts';
import { INDEX_FILE, SINGLE_FILE, checkShardContents, missingShardError, missingShards, parseShardIndex, type ShardIndex } from './shardIndex.ts';

export interface WeightSource {
  fetchFile: FetchFile;
  openFile: OpenFile;
  /** The source's paths (hub listing, picked folder); undefined: the index is probed, then model.safetensors. */
  available?: readonly string[];
}

export interface WeightProgress {
  file: string;
  /** Bytes of this file read so far, and its size when known. */
  loaded: number;
  total: number | null;
  tensorsDone: number;
  tensorsTotal: number;
}

export interface LlamaWeightOptions {
  /** The adapter's limits (and a budget): each file's tensors are checked before any is read. */
  limits?: WeightLimits;
  /** config.json's torch_dtype: with limits, the whole model is checked before the first weight byte is fetched. */
  declaredDtype?: SafetensorsDtype | null;
  /** The model, for messages (e.g. its hub id). */
  name?: string;
  onTensor: (t: StreamedTensor) => void | Promise<void>;
  onProgress?: (p: WeightProgress) => void;
  signal?: AbortSignal;
}

export interface LlamaWeightsRead {
  layout: WeightLayout;
  /** Weight files read, in order. */
  files: string[];
  /** Tensors handed to onTensor (each one the config needs, once). */
  tensors: number;
  /** What those tensors take on the GPU (gpuWeightLayout), and the weight files' bytes. */
  gpuBytes: number;
  fileBytes: number;
  /** Tensors in the files that were not loaded (see checkLlamaTensors). */
  ignored: string[];
  dtypes: SafetensorsDtype[];
}

const NO_LIMITS: WeightLimits = { maxBufferSize: Infinity, maxStorageBufferBindingSize: Infinity };

export async function streamLlamaWeights(src: WeightSource, config: LlamaConfig, opts: LlamaWeightOptions): Promise<LlamaWeightsRead> {
  const name = opts.name ?? 'the model';
  const expected = llamaTensorShapes(config);
  if (opts.limits && opts.declaredDtype) checkWeightLimits(plannedTensors(config, opts.declaredDtype), opts.limits, name);
  const { layout, index } = await readLayout(src, config);
  const files = index ? index.shards : [SINGLE_FILE];

  const delivered = new Set<string>();
  const dtypes = new Set<SafetensorsDtype>();
  const ignored: string[] = [];
  let gpuBytes = 0;
  let fileBytes = 0;
  for (const file of files) {
    if (opts.signal?.aborted) throw new ModelLoadError('aborted', 'Model loading was cancelled.');
    let opened;
    try {
      opened = await src.openFile(file);
    } catch (e) {
      if (index && e instanceof ModelLoadError && e.kind === 'missing-file') throw missingShardError(index, file, e);
      throw e;
    }
    let wantedHere = new Set<string>();
    let loaded = 0;
    const header = await streamSafetensors(opened.stream, {
      file,
      totalBytes: opened.size,
      signal: opts.signal,
      onHeader: (h) => {
        let tensors: TensorInfo[] = h.tensors;
        if (index) {
          checkShardContents(index, file, tensors.map((t) => t.name));
          // A tensor the index puts in another shard (or nowhere) is not taken from this one.
          ignored.push(...tensors.filter((t) => index.shardOf.get(t.name) !== file).map((t) => `${file}:${t.name}`));
          tensors = tensors.filter((t) => index.shardOf.get(t.name) === file);
        }
        const check = checkLlamaTensors(config, tensors, file, { complete: !index });
        ignored.push(...check.ignored);
        wantedHere = check.wanted;
        gpuBytes = checkWeightLimits(tensors.filter((t) => wantedHere.has(t.name)), opts.limits ?? NO_LIMITS, name, gpuBytes);
      },
      wanted: (t) => wantedHere.has(t.name),
      onTensor: async (t) => {
        delivered.add(t.name);
        dtypes.add(t.dtype);
        await opts.onTensor(t);
        opts.onProgress?.({ file, loaded, total: opened.size, tensorsDone: delivered.size, tensorsTotal: expected.size });
      },
      onProgress: (bytes, total) => {
        loaded = bytes;
        opts.onProgress?.({ file, loaded, total, tensorsDone: delivered.size, tensorsTotal: expected.size });
      },
    });
    fileBytes += header.dataStart + (header.tensors.at(-1)?.end ?? 0);
  }
  // Each needed tensor was checked present in its file's header; this guards the bookkeeping.
  const absent = [...expected.keys()].filter((n) => !delivered.has(n));
  if (absent.length > 0) throw missingTensorsError(config, absent, files.join(', '));
  return { layout, files, tensors: delivered.size, gpuBytes, fileBytes, ignored, dtypes: [...dtypes] };
}

/**
 * Single file or sharded, from the file list when there is one (else the index is probed); for a
 * sharded model the index is read and checked against config.json and the file list before any
 * shard is fetched.
 */
async function readLayout(src: WeightSource, config: LlamaConfig): Promise<{ layout: WeightLayout; index: ShardIndex | null }> {
  let layout: WeightLayout;
  let indexBytes: Uint8Array | null = null;
  if (src.available) layout = weightLayout(src.available);
  else {
    try {
      indexBytes = await src.fetchFile(INDEX_FILE);
      layout = { kind: 'sharded', index: INDEX_FILE };
    } catch (e) {
      if (!(e instanceof ModelLoadError && e.kind === 'missing-file')) throw e;
      layout = { kind: 'single', file: SINGLE_FILE };
    }
  }
  if (layout.kind === 'single') return { layout, index: null };
  const index = parseShardIndex(parseJsonFile(indexBytes ?? (await src.fetchFile(INDEX_FILE)), INDEX_FILE));
  const absent = missingTensors(config, index.shardOf.keys());
  if (absent.length > 0) throw missingTensorsError(config, absent, INDEX_FILE);
  const lacking = src.available ? missingShards(index, src.available) : [];
  if (lacking.length > 0) throw missingShardError(index, lacking[0]);
  return { layout, index };
}
