// Main-thread handle on the training worker: one per page, created on first use.
import { wrap, type Remote } from 'comlink';
import type { TrainingApi } from './trainingApi.ts';

let remote: Remote<TrainingApi> | null = null;

export function trainingApi(): Remote<TrainingApi> {
  if (!remote) {
    const worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'repro-training' });
    remote = wrap<TrainingApi>(worker);
  }
  return remote;
}
