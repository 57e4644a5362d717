// The toy reasoning task (pure TypeScript): problems, traces, tokenizer, verifier, labels, SFT batches.
export * from './vocab.ts';
export * from './format.ts';
export * from './problem.ts';
export * from './trace.ts';
export * from './tokenizer.ts';
export * from './verify.ts';
export * from './markers.ts';
export * from './classify.ts';
export * from './sft.ts';
export * from './regime.ts';
