// Weight-file naming of each exporter, the preference order per adapter, the hub listing's
// pagination and the pre-load memory check.
import { expect, test } from 'vitest';
import { candidatePaths, dtypeOfFile, dtypePreference, modelFileName, weightCandidates, weightFilesIn } from '../../../src/llm/ort/dtypeChoice.ts';
import { listRepoFiles, nextLink } from '../../../src/llm/hub/hubListing.ts';
import { ESTIMATE_CONTEXT_TOKENS, WASM_HEAP_BYTES, estimateMemory, refusalReason } from '../../../src/llm/ort/memoryEstimate.ts';

test('names: q8 is _quantized (transformers.js), legacy merged decoders and the model builder root model.onnx', () => {
  expect(modelFileName('q8')).toBe('onnx/model_quantized.onnx');
  expect(candidatePaths('fp32')).toEqual(['onnx/model.onnx', 'onnx/decoder_model_merged.onnx', 'model.onnx']);
  expect(candidatePaths('fp16')).toEqual(['onnx/model_fp16.onnx', 'onnx/decoder_model_merged_fp16.onnx']);
  expect(dtypeOfFile('onnx/model_quantized.onnx')).toBe('q8');
  expect(dtypeOfFile('onnx/decoder_model_merged_q4f16.onnx')).toBe('q4f16');
  expect(dtypeOfFile('model.onnx')).toBe('fp32');
  expect(dtypeOfFile('onnx/model_q8.onnx')).toBeNull();
  expect(dtypeOfFile('onnx/decoder_model.onnx')).toBeNull();
  expect(weightFilesIn(['onnx/decoder_model_merged.onnx', 'onnx/model.onnx', 'onnx/decoder_model_merged_quantized.onnx'])).toEqual([
    { dtype: 'fp32', path: 'onnx/model.onnx' },
    { dtype: 'q8', path: 'onnx/decoder_model_merged_quantized.onnx' },
  ]);
});

test('without shader-f16 every dtype is still tried, float16 ones last (they run on the WASM fallback)', () => {
  const noF16 = dtypePreference('webgpu', []);
  expect(noF16.slice(-2)).toEqual(['fp16', 'q4f16']);
  expect(new Set(noF16)).toEqual(new Set(dtypePreference('webgpu', ['shader-f16'])));
  const fp16Only = ['config.json', 'onnx/model_fp16.onnx', 'onnx/model_q4f16.onnx'];
  expect(weightCandidates({ backend: 'webgpu', features: [], available: fp16Only })).toEqual([
    { dtype: 'fp16', path: 'onnx/model_fp16.onnx' },
    { dtype: 'q4f16', path: 'onnx/model_q4f16.onnx' },
  ]);
  expect(weightCandidates({ backend: 'webgpu', features: ['shader-f16'], available: fp16Only })[0].dtype).toBe('q4f16');
  expect(() => weightCandidates({ backend: 'wasm', features: [], available: fp16Only, override: 'q4' })).toThrow(
    'dtype q4 was asked for, but onnx/model_q4.onnx is not among the files (have: fp16 (onnx/model_fp16.onnx), q4f16 (onnx/model_q4f16.onnx))',
  );
  // No listing: every candidate path of every dtype, preferred first, to be probed.
  const probed = weightCandidates({ backend: 'wasm', features: [] });
  expect(probed[0]).toEqual({ dtype: 'q4', path: 'onnx/model_q4.onnx' });
  expect(probed.map((c) => c.path)).toContain('model.onnx');
  expect(probed).toHaveLength(8 * 2 + 1);
});

test('Link header pagination and the tree API listing through an injected fetch (with the token sent)', async () => {
  expect(nextLink('<https://huggingface.co/api/models/a/b/tree/main?cursor=x>; rel="next"')).toBe('https://huggingface.co/api/models/a/b/tree/main?cursor=x');
  expect(nextLink(null)).toBeNull();
  const seen: { url: string; auth: string | null }[] = [];
  const fetchImpl = (async (url: string, init?: RequestInit) => {
    seen.push({ url, auth: new Headers(init?.headers).get('authorization') });
    if (url.includes('cursor=2')) return Response.json([{ type: 'file', path: 'onnx/model.onnx', size: 134, lfs: { size: 5000 } }]);
    return Response.json([{ type: 'directory', path: 'onnx' }, { type: 'file', path: 'config.json', size: 20 }], {
      headers: { link: '<https://huggingface.co/api/models/o/m/tree/main?recursive=true&cursor=2>; rel="next"' },
    });
  }) as typeof fetch;
  const files = await listRepoFiles('o/m', { fetchImpl, token: 'hf_x', useCache: false });
  expect(files).toEqual([{ path: 'config.json', size: 20 }, { path: 'onnx/model.onnx', size: 5000 }]);
  expect(seen.map((s) => s.auth)).toEqual(['Bearer hf_x', 'Bearer hf_x']);
  expect(seen[0].url).toBe('https://huggingface.co/api/models/o/m/tree/main?recursive=true');
  // Gated: thrown with the token hint; unreachable or a 404: null (the loader probes names).
  const status = (s: number) => (async () => new Response('', { status: s, statusText: 'x' })) as typeof fetch;
  await expect(listRepoFiles('o/m', { fetchImpl: status(401), useCache: false })).rejects.toThrow(/access token/);
  expect(await listRepoFiles('o/m', { fetchImpl: status(404), useCache: false })).toBeNull();
  expect(await listRepoFiles('o/m', { fetchImpl: (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch, useCache: false })).toBeNull();
});

test('memory estimate: KV bytes by hand, and refusals with the numbers', () => {
  // Qwen3-0.6B-like: 28 layers, 8 KV heads × 128, fp16 KV.
  const config = { num_hidden_layers: 28, num_attention_heads: 16, num_key_value_heads: 8, head_dim: 128, hidden_size: 1024, vocab_size: 151936, max_position_embeddings: 40960 };
  const est = estimateMemory(config, 1e9, { dtype: 'fp16', kvBytesPerElement: 2 });
  expect(est.contextTokens).toBe(ESTIMATE_CONTEXT_TOKENS);
  expect(est.kvBytes).toBe(2 * 28 * 8 * 128 * 4096 * 2);
  expect(est.embeddingBytes).toBe(151936 * 1024 * 2);
  expect(refusalReason(est, { backend: 'wasm' }, 'm')).toBeNull();
  expect(estimateMemory({ ...config, max_position_embeddings: 512 }, 0, { dtype: 'fp16', kvBytesPerElement: 2 }).contextTokens).toBe(512);
  const big = estimateMemory(config, WASM_HEAP_BYTES, { dtype: 'fp32', kvBytesPerElement: 4 });
  expect(refusalReason(big, { backend: 'wasm' }, 'org/big (onnx/model.onnx)')).toMatch(
    /^org\/big \(onnx\/model\.onnx\) needs about 4\.\d\d GiB \(weights 4\.00 GiB \+ KV cache 0\.\d\d GiB for 4096 tokens\), more than the 4 GiB/,
  );
  // On WebGPU the KV cache lives on the GPU; the embedding must fit one buffer.
  const mid = estimateMemory(config, 3e9, { dtype: 'fp32', kvBytesPerElement: 4 });
  expect(refusalReason(mid, { backend: 'webgpu', maxBufferSize: 2 ** 28 }, 'm')).toMatch(/embedding matrix alone is about 0\.58 GiB, more than this WebGPU adapter's largest buffer \(maxBufferSize 0\.25 GiB\)/);
  expect(refusalReason(mid, { backend: 'webgpu', maxBufferSize: 2 ** 31 }, 'm')).toBeNull();
});
