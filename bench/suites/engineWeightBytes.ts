// engine-weight-bytes-ratio (issue #21 §2, §5): GPU bytes our engine holds for a model's weights
// (EngineLanguageModel.weightBytes: every buffer the weights own) ÷ the bytes of the safetensors
// files it loaded them from, for F16 and BF16 files (half weights stay half on the GPU, two per
// u32 word; norm weights and biases are widened to f32). F32 files are measured beside them.
// Model: the engine suites' tiny Llama ('bench': 4 layers × 256, vocab 32 000, tied), one file;
// the headline is the larger of the F16 and BF16 ratios. Not a timing: one load per dtype.
import type { GpuContext } from '../../src/gpu/device.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { benchLlamaFolder, describeConfig, openEngine } from './engineModels.ts';

const DTYPES = ['F16', 'BF16', 'F32'] as const;

export const engineWeightBytes: BenchSuite = {
  name: 'engine-weight-bytes',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    const detail: Record<string, unknown> = {};
    const ratios: Record<string, number> = {};
    for (const dtype of DTYPES) {
      const { folder, config } = benchLlamaFolder({ name: 'bench', dtype });
      detail.model = describeConfig(config, 'F16 / BF16 / F32');
      const fileBytes = [...folder].filter(([p]) => p.endsWith('.safetensors')).reduce((n, [, b]) => n + b.byteLength, 0);
      const model = await openEngine(ctx, folder, `bench-llama-${dtype}`);
      try {
        ratios[dtype] = model.weightBytes / fileBytes;
        Object.assign(detail, { [`${dtype}FileBytes`]: fileBytes, [`${dtype}GpuBytes`]: model.weightBytes, [`${dtype}Ratio`]: ratios[dtype], [`${dtype}DtypeLoaded`]: model.info.dtype });
        log(`${dtype}: safetensors ${fileBytes} B, GPU weights ${model.weightBytes} B, ratio ${ratios[dtype].toFixed(4)} (loaded as ${model.info.dtype})`);
      } finally {
        await model.dispose();
      }
    }
    detail.note = 'GPU bytes = the weight buffers the engine owns (tied head = the embedding buffer); file bytes include the safetensors JSON header';
    return [{ name: 'engine-weight-bytes-ratio', value: Math.max(ratios.F16, ratios.BF16), unit: '×', goal: '≤ 1.05', detail }];
  },
};
