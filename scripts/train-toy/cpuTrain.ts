// SFT of the toy reasoner on the float64 CPU reference (src/engine/cpu), in Node: the same
// runSft loop, batches and AdamW as the WebGPU path. On a machine whose only WebGPU adapter is
// SwiftShader (a CPU interpreter), this exact path trains several times faster than WebGPU; the
// held-out evaluation then runs on WebGPU in Chromium (`--eval`), like every other run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CpuModel } from '../../src/engine/cpu/cpuModel.ts';
import { initParams } from '../../src/engine/init.ts';
import { runSft } from '../../src/engine/sft.ts';
import { modelFiles } from './outputs.ts';
import { mergeSpec, type TrainToySpec } from './spec.ts';

export async function trainOnCpu(given: Partial<TrainToySpec>, out: string, onLog: (line: string) => void): Promise<void> {
  const spec = mergeSpec({ ...given, mode: 'train' });
  const model = new CpuModel(spec.model, initParams(spec.model, spec.initSeed));
  onLog(`engine cpu (float64, Node); model ${JSON.stringify(spec.model)}; ${spec.sft.steps} steps × B=${spec.sft.batchSize}`);
  const jsonl: string[] = [];
  const t0 = performance.now();
  const result = await runSft(model, spec.sft, {
    onLog: (l) => {
      jsonl.push(JSON.stringify(l));
      if (l.step % spec.logEvery === 0 || l.skipped) {
        onLog(`step ${l.step} loss ${l.loss.toFixed(4)} gradNorm ${l.gradNorm.toFixed(3)} lr ${l.lr.toExponential(2)} tok/s ${l.tokensPerS.toFixed(0)}`);
      }
    },
  });
  onLog(`trained ${result.stepsDone} steps in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const files = { ...modelFiles(spec.model, await model.getParams(), spec, result.stepsDone) };
  files['train-log.jsonl'] = new TextEncoder().encode(`${jsonl.join('\n')}\n`);
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(out, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    onLog(`[train:toy] wrote ${name} (${bytes.byteLength} bytes)`);
  }
}
