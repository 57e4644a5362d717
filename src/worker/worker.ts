// The worker entry: exposes WorkerApi over comlink. The model, its GPU buffers and every long
// job live here; the main thread only sends requests and receives plain data.
import { expose } from 'comlink';
import type { WorkerApi } from './api.ts';
import { gpuStatus, runSelfTest } from './gpuStatus.ts';
import { modelApi } from './modelHost.ts';
import { parsePromptFile } from './parsePromptFile.ts';

const api: WorkerApi = {
  gpuStatus,
  runSelfTest,
  ...modelApi,
  parsePromptFile,
};

expose(api);
