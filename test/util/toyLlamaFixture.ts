// The bundled toy Llama (public/models/toy-llama-verbose/) and the torch reference's outputs on it,
// written by test/globalSetup/toyLlamaReference.ts under test/.generated/toy-llama/ (gitignored).
import type { LlamaExpected } from './llamaFixtures.ts';

/** The model folder, relative to the repository root; the dev server serves it at TOY_LLAMA_URL. */
export const TOY_LLAMA_DIR = 'public/models/toy-llama-verbose';
export const TOY_LLAMA_URL = '/models/toy-llama-verbose/';
export const TOY_LLAMA_GENERATED = 'test/.generated/toy-llama';

export interface ToyLlamaRequests {
  /** the task's texts behind the sequences (held-out problems, one verbose-regime style each) */
  traces: { prompt: string; cot: string; probe: string; answer: string; text: string }[];
  sequences: { ids: number[]; logits: false }[];
  answers: { prefix: number[]; answer: number[] }[];
  /** the same J probes as KV branches: answers[] lists them in this order, boundary by boundary */
  jProbes: { context: number[]; boundaries: number[]; fed: number[]; scored: number[] }[];
  greedy: { prompt: number[]; steps: number }[];
}

const found = (r: Response) => r.ok && !(r.headers.get('content-type') ?? '').startsWith('text/html');

/** The requests and the reference's outputs, or an error that says why there are none. */
export async function fetchToyLlamaReference(): Promise<{ requests: ToyLlamaRequests; expected: LlamaExpected }> {
  const base = `/${TOY_LLAMA_GENERATED}`;
  const [req, exp] = await Promise.all([fetch(`${base}/requests.json`), fetch(`${base}/expected.json`)]);
  if (found(req) && found(exp)) return { requests: (await req.json()) as ToyLlamaRequests, expected: (await exp.json()) as LlamaExpected };
  const why = await fetch(`${base}/reference-error.txt`);
  throw new Error(`torch reference for the toy Llama is missing: ${found(why) ? await why.text() : `no ${base}/expected.json (is ${TOY_LLAMA_DIR}/model.safetensors there? test/globalSetup/toyLlamaReference.ts writes it)`}`);
}
