// WebGPU status and the kernel self-test result, shared by the Status page and the header badge.
import { create } from 'zustand';
import type { GpuStatus, SelfTestReport } from '../worker/api.ts';
import { workerApi } from '../worker/client.ts';

function failedReport(message: string): SelfTestReport {
  return { ok: false, rows: 0, vocab: 0, maxAbsError: NaN, perStatistic: {}, gpuMs: NaN, cpuMs: NaN, message };
}

interface GpuState {
  status: GpuStatus | null;
  statusError: string | null;
  selfTest: SelfTestReport | null;
  selfTestRunning: boolean;
  refresh(): Promise<void>;
  runSelfTest(): Promise<void>;
}

export const useGpu = create<GpuState>((set, get) => ({
  status: null,
  statusError: null,
  selfTest: null,
  selfTestRunning: false,
  async refresh() {
    try {
      set({ status: await workerApi().gpuStatus(), statusError: null });
    } catch (e) {
      set({ statusError: `The worker could not report the GPU status: ${(e as Error).message}` });
    }
  },
  async runSelfTest() {
    if (get().selfTestRunning) return;
    set({ selfTestRunning: true, selfTest: null });
    try {
      set({ selfTest: await workerApi().runSelfTest() });
    } catch (e) {
      set({ selfTest: failedReport(`Worker error: ${(e as Error).message}`) });
    } finally {
      set({ selfTestRunning: false });
    }
  },
}));
