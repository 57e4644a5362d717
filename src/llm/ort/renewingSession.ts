// ORT-web 1.30 runs a WebGPU session with GPU-bound outputs through an IO binding, and a run that
// fails leaves that binding marked "bound" (wasm-core-impl.ts sets inputOutputBound before the run
// and clears it only after a successful one): every later run reuses the failed run's inputs and
// fails the same way. The scorer probes a graph's capabilities by running what may fail (several
// tokens after a cache, src/llm/scoringPath.ts), so after a failed run the session is replaced:
// listeners first drop every tensor the old session handed out (they die with it), then it is
// released, and the next run creates a fresh one from the model files (re-read through the
// loader's fetchFile — the Cache API or the picked files — so no second copy of the weights is
// kept in memory, and never two sessions' weights on the GPU). Pure of ORT: it wraps a handle.
import type { OrtSessionHandle } from './ortRuntime.ts';

export function renewingSession(first: OrtSessionHandle, reopen: () => Promise<OrtSessionHandle>): OrtSessionHandle {
  let current: OrtSessionHandle | null = first;
  let renewing: Promise<OrtSessionHandle> | null = null;
  let released = false;
  const listeners: (() => void)[] = [];
  const session = (): Promise<OrtSessionHandle> => {
    if (current) return Promise.resolve(current);
    renewing ??= reopen().then(
      (s) => {
        current = s;
        renewing = null;
        return s;
      },
      (e: unknown) => {
        renewing = null;
        throw e;
      },
    );
    return renewing;
  };
  return {
    backend: first.backend,
    inputs: first.inputs,
    outputs: first.outputs,
    async run(feeds) {
      if (released) throw new Error('The ONNX session was released.');
      const s = await session();
      try {
        return await s.run(feeds);
      } catch (e) {
        if (current === s) {
          current = null;
          for (const l of listeners) l();
          await s.release().catch(() => undefined);
        }
        throw e;
      }
    },
    onInvalidate(listener) {
      listeners.push(listener);
    },
    async release() {
      released = true;
      const s = current ?? (renewing ? await renewing.catch(() => null) : null);
      current = null;
      await s?.release();
    },
  };
}
