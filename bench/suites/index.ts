// Every benchmark suite, in the order `npm run bench` runs them. To add one: write
// bench/suites/<name>.ts exporting a BenchSuite, import it here and append it to `suites`.
import type { GpuContext } from '../../src/gpu/device.ts';
import { fusedLogits } from './fusedLogits.ts';
import { grpoStep } from './grpoStep.ts';
import { ppoStep } from './ppoStep.ts';
import { trainStep } from './trainStep.ts';
import { jTrajectory } from './jTrajectory.ts';
import { batchThroughput } from './batchThroughput.ts';
import { topKKernel } from './topKKernel.ts';
import { wasmThreads } from './wasmThreads.ts';
import { branchVsRegenerate } from './branchVsRegenerate.ts';
import { engineVsOrt } from './engineVsOrt.ts';
import { engineJTrajectory } from './engineJTrajectory.ts';
import { engineBranch } from './engineBranch.ts';
import { engineWeightBytes } from './engineWeightBytes.ts';
import { loraTrain } from './loraTrain.ts';
import { loraVsFullStep } from './fullStep.ts';
import { preflightVsAllocated } from './preflightVsAllocated.ts';
import { loraStepRunner } from './loraStepRunner.ts';
import { LlamaLoraModel } from '../../src/engine/lora/loraModel.ts';

/** One measured number, as printed and stored in bench/results.json. */
export interface BenchEntry {
  name: string; // stable id, e.g. 'fused-logits-speedup'
  value: number;
  unit: string; // e.g. '×', 'ms', 'tokens/s'
  goal: string; // what we aim for, e.g. '≥ 10'
  detail: Record<string, unknown> | string; // the raw measurements behind `value`
}

export interface BenchSuite {
  name: string; // matched by `npm run bench -- --only <substring>`
  run(ctx: GpuContext, log: (line: string) => void): Promise<BenchEntry[]>;
}

export const suites: BenchSuite[] = [
  fusedLogits,
  grpoStep,
  ppoStep,
  trainStep,
  jTrajectory,
  batchThroughput,
  topKKernel,
  wasmThreads,
  branchVsRegenerate,
  engineVsOrt,
  engineJTrajectory,
  engineBranch,
  engineWeightBytes,
  loraTrain,
  loraVsFullStep,
  preflightVsAllocated(loraStepRunner((ctx, base, lora, o) => LlamaLoraModel.create(ctx, base, lora, o))),
];
