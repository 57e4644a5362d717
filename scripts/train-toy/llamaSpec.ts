// The bundled toy Llama (`npm run train:toy -- --arch llama`, docs/toy-model.md): the same task,
// tokenizer, SFT batches and recipe as the toy GPT-2s, in a LlamaForCausalLM (RMSNorm, rotary,
// grouped-query attention, SwiGLU, tied embeddings) written in the Hugging Face layout, so the
// engine's Llama-family loader (src/engine/lm/loadEngineModel.ts) opens it like any hub model.
// Pure data + the folder's JSON files.
import { DEFAULT_SFT_CONFIG, type SftConfig } from '../../src/engine/sft.ts';
import { ANSWER_MARKER, MAX_SEQUENCE_TOKENS } from '../../src/task/format.ts';
import { REGIME_MIX, type TaskRegime } from '../../src/task/regime.ts';
import { toHfTokenizerConfig, toHfTokenizerJson } from '../../src/task/tokenizer.ts';
import { BOS_ID, EOS_ID, PAD_ID, VOCAB_SIZE } from '../../src/task/vocab.ts';

export interface ToyLlamaArch {
  hiddenSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  intermediateSize: number;
  ropeTheta: number;
  rmsNormEps: number;
}

export interface ToyLlamaSpec {
  arch: 'llama';
  regime: TaskRegime;
  llama: ToyLlamaArch;
  /** seed of torch's normal(0, 0.02) init (torchLlamaSft.py) */
  initSeed: number;
  sft: SftConfig;
  /** the held-out evaluation on WebGPU (as eval.json of the GPT-2 checkpoints) */
  evalProblems: number;
  evalSeed: number;
  showTrajectories: number;
}

export const DEFAULT_TOY_LLAMA_SPEC: ToyLlamaSpec = {
  arch: 'llama',
  regime: 'verbose',
  llama: { hiddenSize: 128, layers: 4, heads: 4, kvHeads: 2, intermediateSize: 384, ropeTheta: 10000, rmsNormEps: 1e-5 },
  initSeed: 1234,
  // the verbose GPT-2's recipe (docs/toy-model.md), 2-digit problems, but 1 000 steps: the bundled
  // model's run (its train-log.txt), all the loaded shared CPU allowed; the default reproduces it
  sft: {
    ...DEFAULT_SFT_CONFIG, steps: 1000, batchSize: 32, learningRate: 3e-3, warmupSteps: 50, minLrRatio: 0.1,
    weightDecay: 0, gradClip: 1, seed: 20251201, mix: { ...REGIME_MIX.verbose }, problem: { minDigits: 2, maxDigits: 2 }, evalEvery: 0,
  },
  evalProblems: 400,
  evalSeed: 777,
  showTrajectories: 8,
};

/** Missing fields take the defaults (llama and sft merged field by field); the mix follows the regime. */
export function mergeLlamaSpec(given: Partial<Omit<ToyLlamaSpec, 'llama' | 'sft'>> & { llama?: Partial<ToyLlamaArch>; sft?: Partial<SftConfig> }): ToyLlamaSpec {
  const d = DEFAULT_TOY_LLAMA_SPEC;
  const regime = given.regime ?? d.regime;
  return {
    ...d, ...given, arch: 'llama', regime,
    llama: { ...d.llama, ...given.llama },
    sft: { ...d.sft, mix: { ...REGIME_MIX[regime] }, ...given.sft },
  };
}

/** config.json: LlamaForCausalLM as transformers writes it, plus the toy's probe (repro-method.md §3). */
export function toyLlamaConfigJson(a: ToyLlamaArch): Record<string, unknown> {
  if (a.hiddenSize % a.heads !== 0) throw new RangeError(`hiddenSize ${a.hiddenSize} must be a multiple of heads ${a.heads}`);
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: VOCAB_SIZE,
    hidden_size: a.hiddenSize,
    intermediate_size: a.intermediateSize,
    num_hidden_layers: a.layers,
    num_attention_heads: a.heads,
    num_key_value_heads: a.kvHeads,
    head_dim: a.hiddenSize / a.heads,
    hidden_act: 'silu',
    max_position_embeddings: MAX_SEQUENCE_TOKENS,
    rms_norm_eps: a.rmsNormEps,
    rope_theta: a.ropeTheta,
    rope_scaling: null,
    attention_bias: false,
    attention_dropout: 0.0,
    mlp_bias: false,
    pretraining_tp: 1,
    initializer_range: 0.02,
    tie_word_embeddings: true,
    torch_dtype: 'float32',
    use_cache: true,
    bos_token_id: BOS_ID,
    eos_token_id: EOS_ID,
    pad_token_id: PAD_ID,
    repro_probe: ANSWER_MARKER,
  };
}

const json = (o: unknown) => new TextEncoder().encode(`${JSON.stringify(o, null, 2)}\n`);

/** Every file of the folder but the weights and the logs. */
export function toyLlamaFolderFiles(a: ToyLlamaArch): Record<string, Uint8Array> {
  return {
    'config.json': json(toyLlamaConfigJson(a)),
    'generation_config.json': json({ bos_token_id: BOS_ID, eos_token_id: EOS_ID, pad_token_id: PAD_ID, max_length: MAX_SEQUENCE_TOKENS, do_sample: false }),
    'tokenizer.json': json(toHfTokenizerJson()),
    'tokenizer_config.json': json(toHfTokenizerConfig()),
  };
}
