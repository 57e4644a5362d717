// IndexedDB store of GRPO run checkpoints (own database, so its schema never collides with the
// app's): one row per run, replaced at every save, so a reload can resume each run exactly.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunSpec } from './trainingApi.ts';
import type { EvalMetrics, StepMetrics } from '../rl/metrics.ts';

export interface StoredTrainingRun {
  runId: string;
  spec: RunSpec;
  step: number;
  savedAt: number;
  /** src/rl/checkpoint.ts bytes (weights, AdamW moments, trainer state) */
  checkpoint: Uint8Array;
  history: StepMetrics[];
  evalHistory: EvalMetrics[];
}

interface TrainingDB extends DBSchema {
  runs: { key: string; value: StoredTrainingRun };
}

export const TRAINING_DB_NAME = 'repro-playground-training';
const DB_VERSION = 1;
let dbPromise: Promise<IDBPDatabase<TrainingDB>> | null = null;

function db(): Promise<IDBPDatabase<TrainingDB>> {
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(new Error('IndexedDB is not available (private mode?): training checkpoints cannot be saved.'));
  }
  dbPromise ??= openDB<TrainingDB>(TRAINING_DB_NAME, DB_VERSION, {
    upgrade(d) {
      d.createObjectStore('runs', { keyPath: 'runId' });
    },
  });
  return dbPromise;
}

export async function saveRun(run: StoredTrainingRun): Promise<void> {
  await (await db()).put('runs', run);
}

export async function loadRun(runId: string): Promise<StoredTrainingRun | undefined> {
  return (await db()).get('runs', runId);
}

export async function listRuns(): Promise<StoredTrainingRun[]> {
  return (await (await db()).getAll('runs')).sort((a, b) => b.savedAt - a.savedAt);
}

export async function deleteRun(runId: string): Promise<void> {
  await (await db()).delete('runs', runId);
}
