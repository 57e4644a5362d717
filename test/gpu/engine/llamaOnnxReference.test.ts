// ONNX Runtime as a second reference for the Llama family (issue #21 §4), GQA 4/2 Llama with f32
// weights: our export with masked MatMul/Softmax attention (the default: any mask) and with
// com.microsoft GroupQueryAttention, which takes per-row valid lengths instead of the mask:
// onnxruntime-web's WebGPU kernel writes each row's new K/V right after its valid length, so the
// scorer's probe rows (a prefix, then the rest of the shared past masked) come out right and pass
// the first-use check; and Qwen3 (per-head q/k RMSNorm, head_dim ≠ hidden/heads) with masked
// attention. The checks: ./onnxReferenceCase.ts. One file: the first case compiles the engine's and
// ORT's pipelines (most of its time on SwiftShader), the others reuse them.
import { afterAll, describe, it } from 'vitest';
import { checkOrtReference, EngineModels } from './onnxReferenceCase.ts';

const engines = new EngineModels();
afterAll(() => engines.disposeAll());

describe('our ONNX export of a GQA Llama on onnxruntime-web (WebGPU) vs the torch reference and our engine', () => {
  // The first case pays every pipeline compile (115 s measured on a loaded 2-core machine): more
  // room than the project's 180 s default.
  it('masked attention: log-probs, J trajectory, cachePrefix, greedy', () =>
    checkOrtReference({ id: 'llama-gqa-f32', variant: { attention: 'masked', kernels: 'contrib' } }, engines), 360_000);
  it('GroupQueryAttention: log-probs, J trajectory, cachePrefix, greedy', () =>
    checkOrtReference({ id: 'llama-gqa-f32', variant: { attention: 'gqa', kernels: 'contrib' } }, engines));
});

describe('our ONNX export of Qwen3 on onnxruntime-web (WebGPU) vs the torch reference and our engine', () => {
  it('masked attention: log-probs, J trajectory, cachePrefix, greedy', () =>
    checkOrtReference({ id: 'qwen3-qknorm-f32', variant: { attention: 'masked', kernels: 'contrib' } }, engines));
});
