// What the step-time estimate before Start (./stepTimeRun.ts) tells the setup screen: the estimate
// by phase, the step's shape it priced, the kernels' timings and the adapter they were timed on —
// or why there is none. Plain data (crosses the worker boundary). Pure.
import type { StepEstimate, StepKernelTimings, StepShape } from '../engine/lora/stepEstimate.ts';

export type StepTimeReport =
  | { ok: true; estimate: StepEstimate; shape: StepShape; timings: StepKernelTimings; adapter: string }
  | { ok: false; error: string };
