// The tiny Llama-family models test/globalSetup/llamaReference.ts writes before the browser tests,
// each with the torch reference's expectations (python/repro_rl/llama_ref), and how a browser test
// gets them through the Vite server — as files, or served as a Hugging Face hub repository.
// Layout, under test/.generated/llama/ (gitignored, rebuilt when a source it depends on changes):
//   <id>/repo/…           the model folder (config.json, safetensors, tokenizer files)
//   <id>/fixture.json     LlamaFixtureInfo: spec, file list, the texts behind the token ids
//   <id>/expected.json    the reference's outputs (LlamaExpected)
//   reference-error.txt   why there are no expectations, when the reference could not run
import type { ModelFolder } from '../fixtures/onnx/modelFolder.ts';
import { fakeHub, type FakeHub, type FakeRepo } from '../fixtures/onnx/fakeHub.ts';
import type { SafetensorsDtype } from './safetensorsFile.ts';
import type { TinyLlamaName } from './tinyLlama.ts';

export const GENERATED_LLAMA_DIR = 'test/.generated/llama';
export const GENERATED_LLAMA_URL = '/test/.generated/llama';

export interface GeneratedLlamaSpec {
  /** folder name: `<name>-<dtype>` plus `-sharded` */
  id: string;
  name: TinyLlamaName;
  dtype: SafetensorsDtype;
  shards: number;
  seed: number;
}

const NAMES: TinyLlamaName[] = ['llama-gqa', 'qwen2-bias-tied', 'qwen3-qknorm', 'llama3-rope'];
const DTYPES: SafetensorsDtype[] = ['F32', 'F16', 'BF16'];

/** Every standard configuration in every dtype, one file and in 3 shards (24 folders, ~0.1 MB each). */
export const GENERATED_LLAMAS: GeneratedLlamaSpec[] = NAMES.flatMap((name) =>
  DTYPES.flatMap((dtype) =>
    [1, 3].map((shards) => ({ id: `${name}-${dtype.toLowerCase()}${shards > 1 ? '-sharded' : ''}`, name, dtype, shards, seed: 1 })),
  ),
);

/** The request every generated model is run on (python/repro_rl/llama_ref/cli.py's format). */
export interface LlamaRequests {
  sequences: (number[] | { ids: number[]; logits?: boolean })[];
  greedy: { prompt: number[]; steps: number }[];
  answers: { prefix: number[]; answer: number[] }[];
}

export interface LlamaFixtureInfo {
  spec: GeneratedLlamaSpec;
  /** path → bytes of every file under repo/ */
  files: Record<string, number>;
  /** what the token ids encode: sequences[0] is prompt + cot + probe + answer; answers[k].prefix
   *  is prompt + the CoT's first `boundaries[k]` characters + probe */
  texts: { prompt: string; cot: string; probe: string; answer: string; boundaries: number[] };
}

/** python -m repro_rl.llama_ref's output. Log-probs are natural logs from a float32 forward. */
export interface LlamaExpected {
  model: string;
  family: 'llama' | 'qwen2' | 'qwen3';
  vocabSize: number;
  computeDtype: 'float32' | 'float64';
  fileDtypes: SafetensorsDtype[];
  /** logprobs[t] = log p(ids[t+1] | ids[..t]); logits [T][V] when requested and V ≤ 1024 */
  sequences: { ids: number[]; logprobs: number[]; logits?: number[][] }[];
  /** argmax tokens by re-encoding (ties → lowest id); margins: top-1 − top-2 logit at each step */
  greedy: { prompt: number[]; tokens: number[]; margins: number[] }[];
  /** log p of each answer token after the prefix; J = their mean (repro-method.md §3) */
  answers: { prefix: number[]; answer: number[]; logprobs: number[]; J: number }[];
}

export interface GeneratedLlama {
  info: LlamaFixtureInfo;
  folder: ModelFolder;
}

// The dev server answers a missing path with its index.html (200, text/html): none of ours is HTML.
const found = (r: Response) => r.ok && !(r.headers.get('content-type') ?? '').startsWith('text/html');

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!found(r)) throw new Error(`GET ${url}: ${r.ok ? 'not found (the server sent its HTML fallback)' : `HTTP ${r.status}`}`);
  return r;
}

/** The reference's expectations, or an error that says why there are none. */
export async function fetchExpected(id: string, base = GENERATED_LLAMA_URL): Promise<LlamaExpected> {
  const r = await fetch(`${base}/${id}/expected.json`);
  if (found(r)) return (await r.json()) as LlamaExpected;
  const why = await fetch(`${base}/reference-error.txt`);
  const text = found(why) ? await why.text() : `no ${base}/${id}/expected.json; was test/globalSetup/llamaReference.ts run?`;
  throw new Error(`torch reference expectations for ${id} are missing: ${text}`);
}

/** A generated model's files (through the Vite server) and its description; fetchExpected for the numbers. */
export async function fetchGeneratedLlama(id: string, base = GENERATED_LLAMA_URL): Promise<GeneratedLlama> {
  const info = (await (await fetchOk(`${base}/${id}/fixture.json`)).json()) as LlamaFixtureInfo;
  const folder: ModelFolder = new Map();
  await Promise.all(
    Object.keys(info.files).map(async (path) => {
      folder.set(path, new Uint8Array(await (await fetchOk(`${base}/${id}/repo/${path}`)).arrayBuffer()));
    }),
  );
  return { info, folder };
}

/**
 * Generated models served as hub repositories (`https://huggingface.co/<repo>/resolve/main/<file>`
 * and the tree API), through the same routed fake hub the ORT loader tests use. Keys are hub ids
 * ("test/tiny-llama"), values generated ids or { id, …FakeRepo options } (token, pageSize, …).
 */
export async function generatedHub(repos: Record<string, string | ({ id: string } & Omit<FakeRepo, 'folder'>)>): Promise<FakeHub & { models: Map<string, GeneratedLlama> }> {
  const models = new Map<string, GeneratedLlama>();
  const routed: Record<string, FakeRepo> = {};
  for (const [hubId, r] of Object.entries(repos)) {
    const { id, ...opts } = typeof r === 'string' ? { id: r } : r;
    const m = await fetchGeneratedLlama(id);
    models.set(hubId, m);
    routed[hubId] = { ...opts, folder: m.folder };
  }
  return { ...fakeHub(routed), models };
}
