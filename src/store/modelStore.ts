// The loaded model as the UI sees it: source, download progress, info, precise error text, cache.
import { create } from 'zustand';
import { proxy } from 'comlink';
import type { LoadedModel, LoadProgress, ModelSourceSpec } from '../worker/api.ts';
import type { CachedModel } from '../llm/hub/modelCache.ts';
import { workerApi } from '../worker/client.ts';
import type { ModelRef } from './viewLink.ts';

function linkableSource(source: ModelSourceSpec, loaded: LoadedModel): ModelRef | null {
  const backend = loaded.info.runtime === 'engine' ? 'engine' as const : 'ort' as const;
  if (source.kind === 'bundled') return { kind: 'bundled', backend };
  // an ONNX dtype names an ONNX weight file; the engine reads the repository's safetensors
  if (source.kind === 'hub') return { kind: 'hub', id: source.id, ...(backend === 'ort' && { dtype: loaded.info.dtype }), backend };
  return null;
}

interface ModelState {
  loaded: LoadedModel | null;
  /** Where `loaded` came from, as a shared link can name it (null: local files, a checkpoint). */
  loadedFrom: ModelRef | null;
  /** The source the loaded model came from (to open it again on the other backend). */
  lastSource: ModelSourceSpec | null;
  loading: boolean;
  /** Per file: bytes loaded / total (0 = unknown). */
  progress: Record<string, LoadProgress>;
  error: string | null;
  cacheBytes: number | null;
  /** Cached models with their sizes (null until listed). */
  cachedModels: CachedModel[] | null;
  load(source: ModelSourceSpec): Promise<void>;
  /** Open the loaded model's source again on the other backend (our engine ↔ ONNX Runtime). */
  reloadOn(backend: 'engine' | 'ort'): Promise<void>;
  /** Cancels a download / load in progress (the worker's 'load' job). */
  cancelLoad(): void;
  refreshCacheSize(): Promise<void>;
  clearCache(): Promise<void>;
  deleteCachedModel(id: string, revision?: string): Promise<void>;
}

export const useModel = create<ModelState>((set, get) => ({
  loaded: null,
  loadedFrom: null,
  lastSource: null,
  loading: false,
  progress: {},
  error: null,
  cacheBytes: null,
  cachedModels: null,
  cancelLoad() {
    if (get().loading) workerApi().cancel('load');
  },
  async deleteCachedModel(id, revision) {
    try {
      await workerApi().deleteCachedModel(id, revision);
    } catch (e) {
      set({ error: `Could not delete ${id} from the cache: ${errorText(e)}` });
    }
    await get().refreshCacheSize();
  },
  async load(source) {
    if (get().loading) return;
    // The loaded model stays until the new one is ready (the worker keeps it too): a failed load
    // (offline hub, missing file) leaves the working model in place and says why.
    set({ loading: true, error: null, progress: {} });
    try {
      const loaded = await workerApi().loadModel(
        source,
        proxy((p: LoadProgress) => set((s) => ({ progress: { ...s.progress, [p.file]: p } }))),
      );
      set({ loaded, loadedFrom: linkableSource(source, loaded), lastSource: source });
    } catch (e) {
      const kept = get().loaded;
      set({ error: kept ? `${errorText(e)} — still using ${kept.label}.` : errorText(e) });
    } finally {
      set({ loading: false });
      void get().refreshCacheSize();
    }
  },
  async reloadOn(backend) {
    const src = get().lastSource;
    if (src) await get().load({ ...src, backend });
  },
  async refreshCacheSize() {
    try {
      const cachedModels = await workerApi().listCachedModels();
      set({ cacheBytes: await workerApi().cacheSize(), cachedModels });
    } catch {
      set({ cacheBytes: null, cachedModels: null });
    }
  },
  async clearCache() {
    try {
      await workerApi().clearCache();
    } catch (e) {
      set({ error: `Could not clear the cache: ${errorText(e)}` });
    }
    await get().refreshCacheSize();
  },
}));

/** The message of an error that crossed the worker boundary (comlink keeps message and name). */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
  return String(e);
}
