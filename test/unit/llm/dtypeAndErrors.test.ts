import { expect, test } from 'vitest';
import { chooseDtype, dtypeOfFile, modelFileName } from '../../../src/llm/ort/dtypeChoice.ts';
import { ModelLoadError, httpError } from '../../../src/llm/hub/modelLoadError.ts';
import { classifyOrtError } from '../../../src/llm/ort/ortErrors.ts';

test('dtype follows the adapter: q4f16 with shader-f16, q4 without, WASM → q4', () => {
  expect(chooseDtype({ backend: 'webgpu', features: ['shader-f16'] })).toBe('q4f16');
  expect(chooseDtype({ backend: 'webgpu', features: [] })).toBe('q4');
  expect(chooseDtype({ backend: 'wasm', features: ['shader-f16'] })).toBe('q4');
  expect(chooseDtype({ backend: 'webgpu', features: ['shader-f16'], override: 'fp32' })).toBe('fp32');
});

test('dtype with a file listing: the first preferred that exists, else any present one', () => {
  const files = ['config.json', 'onnx/model.onnx', 'onnx/model_fp16.onnx'];
  expect(chooseDtype({ backend: 'webgpu', features: ['shader-f16'], available: files })).toBe('fp16');
  expect(chooseDtype({ backend: 'webgpu', features: [], available: files })).toBe('fp32');
  expect(chooseDtype({ backend: 'wasm', features: [], available: ['onnx/model_fp16.onnx'] })).toBe('fp16');
  expect(() => chooseDtype({ backend: 'wasm', features: [], available: files, override: 'q4' })).toThrow(/onnx\/model_q4\.onnx is not among the files/);
  expect(chooseDtype({ backend: 'webgpu', features: [], available: ['onnx/model_fp16.onnx', 'onnx/model_q4f16.onnx'] })).toBe('fp16');
  expect(() => chooseDtype({ backend: 'wasm', features: [], available: ['config.json'] })).toThrow(ModelLoadError);
  expect(modelFileName('fp32')).toBe('onnx/model.onnx');
  expect(modelFileName('q4f16')).toBe('onnx/model_q4f16.onnx');
  expect(dtypeOfFile('onnx/model_q4f16.onnx')).toBe('q4f16');
  expect(dtypeOfFile('onnx/decoder_model.onnx')).toBeNull();
});

test('ORT messages become specific ModelLoadErrors', () => {
  const op = classifyOrtError(new Error("Can't create a session. ERROR_MESSAGE: Fatal error: com.foo:Frob(-1) is not a registered function/op"), 'onnx/model.onnx', 'WebGPU');
  expect(op.kind).toBe('unsupported-operator');
  expect(op.message).toMatch(/uses operator com\.foo:Frob, which ONNX Runtime's WebGPU execution provider cannot run/);
  const impl = classifyOrtError(new Error("Could not find an implementation for MatMulNBits(1) node with name 'm'"), 'f.onnx', 'WASM');
  expect(impl.kind).toBe('unsupported-operator');
  expect(impl.message).toContain('operator MatMulNBits');
  expect(classifyOrtError(new Error('Aborted(OOM)'), 'f.onnx', 'WASM').kind).toBe('out-of-memory');
  expect(classifyOrtError(new Error('Failed to load model because protobuf parsing failed.'), 'f.onnx', 'WASM').kind).toBe('corrupt-file');
  expect(httpError(404, 'Not Found', 'onnx/model.onnx', 'https://x/onnx/model.onnx').kind).toBe('missing-file');
  expect(httpError(403, 'Forbidden', 'a', 'u').message).toMatch(/HTTP 403 Forbidden \(gated or private/);
});
