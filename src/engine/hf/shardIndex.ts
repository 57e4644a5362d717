// Sharded checkpoints: model.safetensors.index.json's weight_map (tensor → shard file), as
// transformers' save_pretrained writes it ({"metadata": {"total_size": …}, "weight_map": {…}}).
// Pure.
import { ModelLoadError } from '../../llm/hub/modelLoadError.ts';

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

export interface ShardIndex {
  /** Shard files in first-mention order (save_pretrained numbers them model-0000k-of-0000n). */
  shards: string[];
  /** tensor name → the shard the index puts it in */
  shardOf: Map<string, string>;
  /** metadata.total_size when given: the bytes of all tensors (not of the files). */
  totalSize: number | null;
}

export function parseShardIndex(json: Record<string, unknown>, file = INDEX_FILE): ShardIndex {
  const bad = (what: string) => new ModelLoadError('corrupt-file', `${file}: ${what}`, { file });
  const map = json.weight_map;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) throw bad('weight_map must be an object of tensor name → shard file.');
  const shardOf = new Map<string, string>();
  const shards: string[] = [];
  for (const [name, shard] of Object.entries(map as Record<string, unknown>)) {
    if (typeof shard !== 'string' || !shard.endsWith('.safetensors')) throw bad(`weight_map["${name}"] must name a .safetensors file, got ${JSON.stringify(shard)}.`);
    // Shards sit beside the index: a path that climbs out (or is absolute) is not a shard.
    if (shard.startsWith('/') || shard.split('/').some((part) => part === '..' || part === '')) throw bad(`weight_map["${name}"] names ${JSON.stringify(shard)}, which is not a file beside the index.`);
    shardOf.set(name, shard);
    if (!shards.includes(shard)) shards.push(shard);
  }
  if (shards.length === 0) throw bad('weight_map is empty.');
  const total = (json.metadata as { total_size?: unknown } | undefined)?.total_size;
  return { shards, shardOf, totalSize: typeof total === 'number' && Number.isFinite(total) ? total : null };
}

/** The tensors the index puts in one shard. */
export function tensorsInShard(index: ShardIndex, shard: string): string[] {
  return [...index.shardOf].filter(([, s]) => s === shard).map(([n]) => n);
}

/** Shards the index names that the source does not have (its listing or picked folder). */
export function missingShards(index: ShardIndex, available: readonly string[]): string[] {
  const have = new Set(available);
  return index.shards.filter((s) => !have.has(s));
}

/** The error for a shard the index names and the source lacks. */
export function missingShardError(index: ShardIndex, shard: string, cause?: unknown): ModelLoadError {
  const names = tensorsInShard(index, shard);
  const some = names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
  return new ModelLoadError(
    'missing-file',
    `Missing shard ${shard}: ${INDEX_FILE} puts ${names.length} tensor${names.length === 1 ? '' : 's'} in it (${some}), but the model files do not include it.`,
    { file: shard, cause },
  );
}

/**
 * A shard's header against the index: every tensor the index puts in this shard must be in it.
 * Tensors the shard holds that the index puts elsewhere (or nowhere) are not taken from it.
 */
export function checkShardContents(index: ShardIndex, shard: string, names: Iterable<string>): void {
  const have = new Set(names);
  const absent = tensorsInShard(index, shard).filter((n) => !have.has(n));
  if (absent.length > 0) {
    const list = absent.slice(0, 5).join(', ') + (absent.length > 5 ? `, … (${absent.length} in all)` : '');
    throw new ModelLoadError('weights-mismatch', `${INDEX_FILE} puts ${list} in ${shard}, but ${shard} has no such tensor${absent.length === 1 ? '' : 's'} (index and shards from different versions?).`, { file: shard });
  }
}
