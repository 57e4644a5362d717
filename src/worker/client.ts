// Main-thread handle on the worker: one worker per page, created on first use.
import { wrap, type Remote } from 'comlink';
import type { WorkerApi } from './api.ts';

let remote: Remote<WorkerApi> | null = null;

export function workerApi(): Remote<WorkerApi> {
  if (!remote) {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'repro-worker' });
    remote = wrap<WorkerApi>(worker);
  }
  return remote;
}
