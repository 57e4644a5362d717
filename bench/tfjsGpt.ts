// The toy GPT-2 (src/engine/config.ts) and its training step written with TensorFlow.js on the
// WebGPU backend: the baseline of the `train-step-vs-tfjs` benchmark. Same architecture (token +
// position embeddings, pre-LN blocks, causal MHA, GELU(tanh) MLP 4C, final LN, tied head, LN eps
// 1e-5), same loss (mean cross-entropy over targets != -1) and same AdamW (llm.c's gpt2_update:
// β = (0.9, 0.95), global-norm clip, weight decay on the 2-D weights only, non-finite gradients
// skip the step). Parameters load from / export to the flat Float32Array layout of config.ts, so
// both engines can start from identical weights.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { LN_EPS, PARAM_NAMES, paramLayout, paramShapes, type ModelConfig, type ParamName } from '../src/engine/config.ts';
import { initParams } from '../src/engine/init.ts';
import { DECAYED_PARAMS } from '../src/engine/cpu/adamw.ts';
import type { AdamWConfig } from '../src/engine/types.ts';

export const DEFAULT_TFJS_ADAMW: AdamWConfig = {
  learningRate: 3e-4, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, gradClip: 1,
};

/** Parameters stacked over layers in the flat layout ([L, …]); split into one variable per layer here. */
const PER_LAYER = new Set<ParamName>(['ln1w', 'ln1b', 'qkvw', 'qkvb', 'attprojw', 'attprojb', 'ln2w', 'ln2b', 'fcw', 'fcb', 'fcprojw', 'fcprojb']);
// The engine's own list of weight-decayed parameters (llm.c: the 2-D weights).
const DECAYED = new Set<ParamName>(DECAYED_PARAMS);

export interface TfjsTrainer {
  /** forward + backward + AdamW on one [B, T] batch (targets -1 = ignored); resolves to the loss before the update */
  step(inputs: Int32Array, targets: Int32Array): Promise<number>;
  /** the parameters in the flat layout of src/engine/config.ts */
  getParams(): Promise<Float32Array>;
  dispose(): void;
  /** the TF.js backend in use ('webgpu') */
  backend: string;
}

let trainerCount = 0; // TF.js variable names are global: prefix them per trainer

interface Slot { name: ParamName; layer: number; variable: tf.Variable; m: tf.Variable; v: tf.Variable; decayed: boolean }

export async function createTfjsTrainer(
  config: ModelConfig, B: number, T: number, seed: number, init?: Float32Array, adamw: Partial<AdamWConfig> = {},
  backendName: 'webgpu' | 'cpu' = 'webgpu', // 'cpu' only to cross-check the graph
): Promise<TfjsTrainer> {
  const layout = paramLayout(config);
  for (const [k, v] of [['B', B], ['T', T]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`createTfjsTrainer: ${k} must be a positive integer, got ${v}`);
  }
  if (T > config.blockSize) throw new RangeError(`createTfjsTrainer: T (${T}) exceeds config.blockSize (${config.blockSize})`);
  if (init && init.length !== layout.total) {
    throw new RangeError(`createTfjsTrainer: init has ${init.length} values, the layout needs ${layout.total}`);
  }
  const opt = { ...DEFAULT_TFJS_ADAMW, ...adamw };
  if (!(await tf.setBackend(backendName))) throw new Error(`createTfjsTrainer: the TF.js ${backendName} backend could not start`);
  await tf.ready();

  const flat = init ?? initParams(config, seed);
  const prefix = `toygpt${trainerCount++}`;
  const shapes = paramShapes(config);
  const slots: Slot[] = [];
  const byName = new Map<string, tf.Variable>();
  for (const name of PARAM_NAMES) {
    const layers = PER_LAYER.has(name) ? config.nLayer : 1;
    const shape = PER_LAYER.has(name) ? shapes[name].slice(1) : shapes[name];
    const size = layout.sizes[name] / layers;
    for (let l = 0; l < layers; l++) {
      const start = layout.offsets[name] + l * size;
      const variable = tf.variable(tf.tensor(flat.slice(start, start + size), shape), true, `${prefix}/${name}_${l}`);
      slots.push({
        name, layer: l, variable, decayed: DECAYED.has(name),
        m: tf.variable(tf.zeros(shape), false), v: tf.variable(tf.zeros(shape), false),
      });
      byName.set(`${name}_${l}`, variable);
    }
  }
  const p = (name: ParamName, l = 0) => byName.get(`${name}_${l}`)!;
  // additive causal mask [1, 1, T, T]: 0 on and below the diagonal, -1e9 above
  const causalBias = tf.tidy(() =>
    tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)).mul(-1e9).reshape([1, 1, T, T]));
  let t = 0;

  const { nEmbd: C, nHead: NH, vocabSize: V } = config;
  const HS = C / NH;
  const layerNorm = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).mul(tf.rsqrt(variance.add(LN_EPS))).mul(w).add(b);
  };
  const linear = (x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor) => tf.matMul(x, w as tf.Tensor2D, false, true).add(b); // x @ W^T + b
  const gelu = (x: tf.Tensor) => // GELU, tanh approximation (GPT-2)
    x.mul(0.5).mul(tf.tanh(x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1));
  const heads = (x: tf.Tensor) => x.reshape([B, T, NH, HS]).transpose([0, 2, 1, 3]); // [B, NH, T, HS]

  // safeTargets: targets with -1 replaced by 0; mask: 1 where the target counts, else 0; count: Σ mask
  const lossOf = (inputs: tf.Tensor2D, safeTargets: tf.Tensor1D, mask: tf.Tensor1D, count: number): tf.Scalar => {
    // x: [B*T, C] residual stream
    let x = tf.gather(p('wte'), inputs.flatten()).reshape([B, T, C])
      .add(p('wpe').slice([0, 0], [T, C])).reshape([B * T, C]) as tf.Tensor2D;
    for (let l = 0; l < config.nLayer; l++) {
      const qkv = linear(layerNorm(x, p('ln1w', l), p('ln1b', l)) as tf.Tensor2D, p('qkvw', l), p('qkvb', l));
      const [q, k, v] = tf.split(qkv, 3, 1).map(heads);
      const att = tf.softmax(tf.matMul(q, k, false, true).mul(1 / Math.sqrt(HS)).add(causalBias));
      const y = tf.matMul(att, v).transpose([0, 2, 1, 3]).reshape([B * T, C]) as tf.Tensor2D;
      x = x.add(linear(y, p('attprojw', l), p('attprojb', l)));
      const h = gelu(linear(layerNorm(x, p('ln2w', l), p('ln2b', l)) as tf.Tensor2D, p('fcw', l), p('fcb', l)));
      x = x.add(linear(h as tf.Tensor2D, p('fcprojw', l), p('fcprojb', l)));
    }
    const logits = tf.matMul(layerNorm(x, p('lnfw'), p('lnfb')) as tf.Tensor2D, p('wte') as tf.Tensor2D, false, true); // [B*T, V]
    const picked = tf.oneHot(safeTargets, V).mul(tf.logSoftmax(logits)).sum(-1); // log p(target)
    return picked.mul(mask).sum().mul(-1 / Math.max(count, 1)) as tf.Scalar;
  };

  const vars = slots.map((s) => s.variable);
  return {
    backend: tf.getBackend(),

    async step(inputIds: Int32Array, targetIds: Int32Array): Promise<number> {
      for (const [k, a] of [['inputs', inputIds], ['targets', targetIds]] as const) {
        if (a.length !== B * T) throw new RangeError(`step: ${k} has ${a.length} values, B·T = ${B * T}`);
      }
      for (let i = 0; i < inputIds.length; i++) {
        if (inputIds[i] < 0 || inputIds[i] >= V) throw new RangeError(`step: inputs[${i}] = ${inputIds[i]} is not in [0, ${V})`);
        if (targetIds[i] < -1 || targetIds[i] >= V) throw new RangeError(`step: targets[${i}] = ${targetIds[i]} is not -1 or in [0, ${V})`);
      }
      const inputs = tf.tensor2d(inputIds, [B, T], 'int32');
      const targets = tf.tensor1d(targetIds.map((x) => Math.max(x, 0)), 'int32');
      const mask = tf.tensor1d(Float32Array.from(targetIds, (x) => (x >= 0 ? 1 : 0)), 'float32');
      const count = targetIds.reduce((n, x) => n + (x >= 0 ? 1 : 0), 0);
      const { value, grads } = tf.variableGrads(() => lossOf(inputs, targets, mask, count), vars);
      const gradList = slots.map((s) => grads[s.variable.name]);
      // loss and global grad norm, read back together (one sync per step). Pairwise adds, not
      // tf.addN: an addN over all gradients needs more storage buffers per shader stage than a
      // WebGPU device allows by default (8); observed on tfjs-backend-webgpu 4.22: its output is
      // then silently garbage (stale buffer contents).
      const lossAndNorm = tf.tidy(() => {
        const sumSq = gradList.map((g) => g.square().sum()).reduce((acc, x) => acc.add(x));
        return tf.stack([value, tf.sqrt(sumSq)]);
      });
      const [loss, norm] = await lossAndNorm.data();
      if (Number.isFinite(norm)) {
        t += 1;
        const clip = opt.gradClip > 0 && norm > opt.gradClip ? opt.gradClip / norm : 1;
        const c1 = 1 - opt.beta1 ** t;
        const c2 = 1 - opt.beta2 ** t;
        tf.tidy(() => {
          slots.forEach((s, i) => {
            const g = gradList[i].mul(clip);
            const m = s.m.mul(opt.beta1).add(g.mul(1 - opt.beta1));
            const v = s.v.mul(opt.beta2).add(g.square().mul(1 - opt.beta2));
            let update = m.div(c1).div(v.div(c2).sqrt().add(opt.eps));
            if (s.decayed && opt.weightDecay > 0) update = update.add(s.variable.mul(opt.weightDecay));
            s.m.assign(m);
            s.v.assign(v);
            s.variable.assign(s.variable.sub(update.mul(opt.learningRate)));
          });
        });
      }
      tf.dispose([inputs, targets, mask, value, lossAndNorm, ...gradList]);
      return loss;
    },

    async getParams(): Promise<Float32Array> {
      const out = new Float32Array(layout.total);
      for (const s of slots) {
        const size = s.variable.size;
        out.set(await s.variable.data() as Float32Array, layout.offsets[s.name] + s.layer * size);
      }
      return out;
    },

    dispose(): void {
      tf.dispose([causalBias, ...slots.flatMap((s) => [s.variable, s.m, s.v])]);
    },
  };
}
