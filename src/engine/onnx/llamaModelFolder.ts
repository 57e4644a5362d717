// A Llama-family model folder as the hub ships it (config.json, model.safetensors or shards +
// index, tokenizer files) with our ONNX export added as onnx/model.onnx, so ONNX Runtime opens the
// same weights through the path a user takes (tests, the engine-vs-ORT benchmarks). F16 / BF16
// files are widened to float32 (./llamaExport.ts). Pure: bytes in, bytes out.
import { fromHalfBits } from '../../numeric/halfFloat.ts';
import { ModelLoadError } from '../../llm/hub/modelLoadError.ts';
import { llamaConfigFromHf } from '../hf/hfConfig.ts';
import { parseSafetensors } from '../hf/safetensorsHeader.ts';
import { INDEX_FILE, parseShardIndex, SINGLE_FILE } from '../hf/shardIndex.ts';
import { exportLlamaOnnx, type LlamaExportOptions } from './llamaExport.ts';

export type FolderBytes = Map<string, Uint8Array>;

const readJson = (folder: FolderBytes, path: string): Record<string, unknown> => {
  const b = folder.get(path);
  if (!b) throw new ModelLoadError('missing-file', `Missing file ${path}`, { file: path });
  return JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;
};

/** Every tensor of the folder's safetensors (one file or the index's shards), as float32. */
export function safetensorsFloat32(folder: FolderBytes): Map<string, Float32Array> {
  const files = folder.has(SINGLE_FILE) ? [SINGLE_FILE] : parseShardIndex(readJson(folder, INDEX_FILE)).shards;
  const out = new Map<string, Float32Array>();
  for (const file of files) {
    const bytes = folder.get(file);
    if (!bytes) throw new ModelLoadError('missing-file', `Missing file ${file}`, { file });
    const header = parseSafetensors(bytes, file);
    for (const t of header.tensors) {
      const raw = bytes.slice(header.dataStart + t.begin, header.dataStart + t.end); // aligned copy
      out.set(t.name, t.dtype === 'F32' ? new Float32Array(raw.buffer) : fromHalfBits(new Uint16Array(raw.buffer), t.dtype === 'F16' ? 'f16' : 'bf16'));
    }
  }
  return out;
}

/** The folder plus onnx/model.onnx (our export of its weights). */
export function withLlamaOnnx(folder: FolderBytes, opts: LlamaExportOptions = {}): FolderBytes {
  const config = llamaConfigFromHf(readJson(folder, 'config.json'));
  const tensors = safetensorsFloat32(folder);
  const model = exportLlamaOnnx(config, (name) => {
    const t = tensors.get(name);
    if (!t) throw new ModelLoadError('weights-mismatch', `the safetensors files have no tensor ${name}`);
    return t;
  }, opts);
  return new Map([...folder, ['onnx/model.onnx', model]]);
}
