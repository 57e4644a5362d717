// IndexedDB persistence (via idb) of saved inspections and batch runs. Batch results are stored
// one row per finished item, as they arrive, so a reload or a cancelled run keeps what finished.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export interface StoredInspection {
  /** Auto-assigned on save. */
  key?: number;
  createdAt: string;
  /** A short label for the list (question prefix). */
  title: string;
  /** The inspection record as JSON (src/data/inspectionRecord.ts format). */
  json: string;
}

export interface StoredBatchRun {
  id: string;
  createdAt: string;
  /** The uploaded file's name. */
  name: string;
  total: number;
  status: 'running' | 'done' | 'cancelled';
  /** Settings the run used, as JSON (probe, delimiter, sampling). */
  settingsJson: string;
}

export interface StoredBatchResult<R = unknown> {
  runId: string;
  index: number;
  result: R;
}

interface PlaygroundDB extends DBSchema {
  inspections: { key: number; value: StoredInspection; indexes: { byCreatedAt: string } };
  batchRuns: { key: string; value: StoredBatchRun; indexes: { byCreatedAt: string } };
  batchResults: { key: [string, number]; value: StoredBatchResult; indexes: { byRun: string } };
}

export const DB_NAME = 'repro-playground';
const DB_VERSION = 1;
let dbPromise: Promise<IDBPDatabase<PlaygroundDB>> | null = null;

function db(): Promise<IDBPDatabase<PlaygroundDB>> {
  if (typeof indexedDB === 'undefined') return Promise.reject(new Error('IndexedDB is not available in this browser (private mode?); results will not be saved.'));
  dbPromise ??= openDB<PlaygroundDB>(DB_NAME, DB_VERSION, {
    upgrade(d) {
      d.createObjectStore('inspections', { keyPath: 'key', autoIncrement: true }).createIndex('byCreatedAt', 'createdAt');
      d.createObjectStore('batchRuns', { keyPath: 'id' }).createIndex('byCreatedAt', 'createdAt');
      d.createObjectStore('batchResults', { keyPath: ['runId', 'index'] }).createIndex('byRun', 'runId');
    },
  });
  return dbPromise;
}

export async function saveInspection(item: Omit<StoredInspection, 'key'>): Promise<number> {
  return (await db()).add('inspections', item as StoredInspection);
}

/** Overwrites a saved inspection in place (e.g. with its branches added). */
export async function putInspection(item: StoredInspection & { key: number }): Promise<void> {
  await (await db()).put('inspections', item);
}

/** Newest first. */
export async function listInspections(): Promise<StoredInspection[]> {
  return (await (await db()).getAllFromIndex('inspections', 'byCreatedAt')).reverse();
}

export async function getInspection(key: number): Promise<StoredInspection | undefined> {
  return (await db()).get('inspections', key);
}

export async function deleteInspection(key: number): Promise<void> {
  await (await db()).delete('inspections', key);
}

export async function putBatchRun(run: StoredBatchRun): Promise<void> {
  await (await db()).put('batchRuns', run);
}

/** Newest first. */
export async function listBatchRuns(): Promise<StoredBatchRun[]> {
  return (await (await db()).getAllFromIndex('batchRuns', 'byCreatedAt')).reverse();
}

export async function putBatchResult<R>(runId: string, index: number, result: R): Promise<void> {
  await (await db()).put('batchResults', { runId, index, result });
}

/** In index order. */
export async function getBatchResults<R>(runId: string): Promise<{ index: number; result: R }[]> {
  const rows = await (await db()).getAllFromIndex('batchResults', 'byRun', runId);
  return rows.sort((a, b) => a.index - b.index).map((r) => ({ index: r.index, result: r.result as R }));
}

export async function deleteBatchRun(runId: string): Promise<void> {
  const d = await db();
  const tx = d.transaction(['batchRuns', 'batchResults'], 'readwrite');
  await tx.objectStore('batchRuns').delete(runId);
  const results = tx.objectStore('batchResults');
  for (const key of await results.index('byRun').getAllKeys(runId)) await results.delete(key);
  await tx.done;
}
