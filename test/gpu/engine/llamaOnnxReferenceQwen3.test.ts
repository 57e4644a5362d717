// ONNX Runtime as a second reference for the Llama family (issue #21 §4), Qwen3 with per-head q/k
// RMSNorm and head_dim ≠ hidden/heads, f32 weights, our export with masked attention on
// onnxruntime-web's WebGPU EP. The checks: ./onnxReferenceCase.ts (a file of its own so each file
// stays near a minute on SwiftShader).
import { afterAll, describe, it } from 'vitest';
import { checkOrtReference, EngineModels } from './onnxReferenceCase.ts';

const engines = new EngineModels();
afterAll(() => engines.disposeAll());

describe('our ONNX export of Qwen3 on onnxruntime-web (WebGPU) vs the torch reference and our engine', () => {
  it('masked attention: log-probs, J trajectory, cachePrefix, greedy', () =>
    checkOrtReference({ id: 'qwen3-qknorm-f32', variant: { attention: 'masked', kernels: 'contrib' } }, engines));
});
