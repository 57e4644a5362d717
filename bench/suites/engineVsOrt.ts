// engine-prefill-vs-ort / engine-decode-vs-ort (issue #21 §5): the same tiny Llama (the tests'
// 'bench' configuration: 4 layers × 256, 4/2 heads, vocab 32 000, tied, F32 safetensors) on our
// engine and on onnxruntime-web's WebGPU EP (our ONNX export of the same weights), both opened
// from picked files as a user opens them.
//   prefill: tokens/s of one forward over a PROMPT-token prompt from an empty cache, timed until
//            the last row's logits are read back (the same sync for both);
//   decode:  tokens/s of greedy decoding (the app's loop, src/llm/generate.ts: the engine draws on
//            the GPU, ORT reads the row back) from the same prompt: (NEW − 1) tokens over the time
//            from the first generated token to the last. The tokens are checked equal.
// ORT at its best: two exports, the masked MatMul/Softmax attention and com.microsoft
// GroupQueryAttention (both with SimplifiedLayerNormalization and RotaryEmbedding; linear layers as
// MatMul, which ORT's WebGPU EP runs faster than Gemm(transB) at M = 1 and 64 on SwiftShader); the
// ratio is engine ÷ the faster ORT per metric. Prefill times both exports every rep; decoding
// (ORT's is slow on SwiftShader: its MatMul takes > 1 s per token for the [256 × 32 000] head) times
// the export that decoded faster in the warm-up, the other's warm-up figure kept in the detail.
// Medians of REPS interleaved runs (rotating order) after a warm-up, side by side in one run.
import type { GpuContext } from '../../src/gpu/device.ts';
import { readLogitsRow } from '../../src/llm/logitsRow.ts';
import type { LanguageModel } from '../../src/llm/types.ts';
import { Rng } from '../../src/sampling/rng.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { median } from './median.ts';
import { benchLlamaFolder, describeConfig, GREEDY, openEngine, openOrt, withoutEos } from './engineModels.ts';

const PROMPT = 256;
const NEW = 32;
const REPS = 3;
const RUNNERS = ['engine', 'ortMasked', 'ortGqa'] as const;
type Runner = (typeof RUNNERS)[number];

export const engineVsOrt: BenchSuite = {
  name: 'engine-vs-ort',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    const { folder, config } = benchLlamaFolder({ name: 'bench' });
    const models: Partial<Record<Runner, LanguageModel>> = {};
    try {
      models.engine = await openEngine(ctx, folder, 'bench-llama');
      models.ortMasked = await openOrt(folder, 'bench-llama', { attention: 'masked', kernels: 'contrib' });
      models.ortGqa = await openOrt(folder, 'bench-llama', { attention: 'gqa', kernels: 'contrib' });
      const rng = new Rng(5);
      const prompt = Array.from({ length: PROMPT }, () => rng.int(0, config.vocab_size - 1));

      const prefill = async (m: LanguageModel): Promise<number> => {
        const t0 = performance.now();
        const r = await m.forward(prompt, m.emptyCache());
        try {
          await readLogitsRow(r.logits, PROMPT - 1, m.device);
        } finally {
          r.dispose();
          r.cache.dispose();
        }
        return performance.now() - t0;
      };
      const decode = async (m: LanguageModel): Promise<{ ms: number; ids: number[] }> => {
        const at: number[] = [];
        const ids = await withoutEos(m).generate(prompt, { ...GREEDY, maxNewTokens: NEW }, { onToken: () => at.push(performance.now()) });
        return { ms: at[NEW - 1] - at[0], ids };
      };

      // warm-up (pipelines / ORT programs per shape) and the sameness check
      const greedy: Partial<Record<Runner, number[]>> = {};
      const warmDecodeMs: Partial<Record<Runner, number>> = {};
      for (const k of RUNNERS) {
        await prefill(models[k]!);
        const d = await decode(models[k]!);
        greedy[k] = d.ids;
        warmDecodeMs[k] = d.ms;
      }
      for (const k of RUNNERS) {
        if (greedy[k]!.some((id, i) => id !== greedy.engine![i])) throw new Error(`engine-vs-ort: ${k}'s greedy tokens differ from the engine's (${greedy[k]!.join(',')} vs ${greedy.engine!.join(',')})`);
      }
      const dBest: Runner = warmDecodeMs.ortMasked! <= warmDecodeMs.ortGqa! ? 'ortMasked' : 'ortGqa';
      const decoders: Runner[] = ['engine', dBest];
      const ms = Object.fromEntries(RUNNERS.flatMap((k) => [[`${k}Prefill`, [] as number[]], [`${k}Decode`, [] as number[]]])) as Record<string, number[]>;
      for (let rep = 0; rep < REPS; rep++) {
        const order = RUNNERS.map((_, i) => RUNNERS[(i + rep) % RUNNERS.length]);
        for (const k of order) ms[`${k}Prefill`].push(await prefill(models[k]!));
        for (const k of rep % 2 ? [...decoders].reverse() : decoders) ms[`${k}Decode`].push((await decode(models[k]!)).ms);
        log(`rep ${rep + 1}/${REPS}: prefill ${RUNNERS.map((k) => `${k} ${ms[`${k}Prefill`][rep].toFixed(0)}`).join(', ')} ms; decode ${decoders.map((k) => `${k} ${ms[`${k}Decode`][rep].toFixed(0)}`).join(', ')} ms`);
      }
      const prefillTokS = (k: Runner) => (PROMPT / median(ms[`${k}Prefill`])) * 1000;
      const decodeTokS = (k: Runner) => ((NEW - 1) / (ms[`${k}Decode`].length ? median(ms[`${k}Decode`]) : warmDecodeMs[k]!)) * 1000;
      const pBest: Runner = prefillTokS('ortMasked') >= prefillTokS('ortGqa') ? 'ortMasked' : 'ortGqa';
      const common = {
        model: describeConfig(config), promptTokens: PROMPT, newTokens: NEW, reps: REPS,
        ortExports: 'ortMasked: MatMul/Softmax attention under the mask; ortGqa: com.microsoft GroupQueryAttention; both SimplifiedLayerNormalization + RotaryEmbedding, f32 weights (SwiftShader has no shader-f16)',
        greedyTokensEqual: true,
      };
      const prefillDetail = {
        ...common, engineTokS: prefillTokS('engine'), ortMaskedTokS: prefillTokS('ortMasked'), ortGqaTokS: prefillTokS('ortGqa'), ortBest: pBest,
        ...Object.fromEntries(RUNNERS.map((k) => [`${k}RunsMs`, ms[`${k}Prefill`]])),
        note: 'one forward of the prompt from an empty cache, timed to the read-back of the last logits row',
      };
      const decodeDetail = {
        ...common, engineTokS: decodeTokS('engine'), ortMaskedTokS: decodeTokS('ortMasked'), ortGqaTokS: decodeTokS('ortGqa'), ortBest: dBest,
        ...Object.fromEntries(decoders.map((k) => [`${k}RunsMs`, ms[`${k}Decode`]])), warmUpMs: warmDecodeMs,
        note: `${RUNNERS.filter((k) => !decoders.includes(k))[0]}: its warm-up run only; greedy decoding after the ${PROMPT}-token prompt: ${NEW - 1} tokens from the first generated token to the last`,
      };
      return [
        { name: 'engine-prefill-vs-ort', value: prefillTokS('engine') / prefillTokS(pBest), unit: '×', goal: '≥ 1.0', detail: prefillDetail },
        { name: 'engine-decode-vs-ort', value: decodeTokS('engine') / decodeTokS(dBest), unit: '×', goal: '≥ 1.0', detail: decodeDetail },
      ];
    } finally {
      for (const m of Object.values(models)) await m.dispose();
    }
  },
};
