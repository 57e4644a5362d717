// The refusal of a LoRA run the memory pre-flight (src/engine/lora/preflight.ts) finds too large,
// before anything is allocated for it. Pure, so its wording is tested in Node.
/** Thrown when the pre-flight says the run does not fit: its problems and what to lower. */
export class PreflightError extends Error {
  /** assumedBudget: the budget is the default, not the user's (no WebGPU API reports a GPU's memory): say so. */
  constructor(readonly problems: string[], readonly advice: string[], assumedBudget = false) {
    super(`This run does not fit on the GPU. ${problems.join(' ')}${advice.length > 0 ? ` Lower one of: ${advice.join(' ')}` : ' Pick a smaller model.'}` +
      (assumedBudget ? ' (The memory budget is an assumed default: no WebGPU API reports the GPU\'s memory; set the run model\'s budgetBytes to your GPU\'s.)' : ''));
    this.name = 'PreflightError';
  }
}
