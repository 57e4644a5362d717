// The transformer block as ONNX nodes: walks the one block declaration (src/engine/block.ts
// blockSteps), as the CPU reference and the GPU passes do, so the exported graph computes the
// same steps in the same order. What differs per architecture or per export variant (the norms,
// rotary, attention) comes in as BlockKernels; the weights as LayerWeights.
// Activations are [batch, seq, width] float32; a HeadView (columns [off, off + heads·headDim) of
// an activation) is a Slice of it, and the in-place steps (headnorm, rope) replace the view's
// tensor for the steps after them.
import type { BlockAct, BlockParam, BlockStep, HeadView } from '../block.ts';
import type { GraphBuilder } from './graphBuilder.ts';

export interface LayerWeights {
  /** Wᵀ [inW, outW] of a linear step's W [outW, inW] (an initializer name). */
  linearT(p: BlockParam, inW: number, outW: number): string;
  /** A vector parameter (norm weight, bias). */
  vector(p: BlockParam): string;
}

export interface BlockKernels {
  layernorm(x: string, w: string, b: string): string;
  /** RMSNorm over the last axis. */
  rmsnorm(x: string, w: string): string;
  /** RMSNorm of every head of a [batch, seq, heads·headDim] tensor over its headDim. */
  headnorm(x: string, view: HeadView, w: string): string;
  /** Rotary embedding of every head of a [batch, seq, heads·headDim] tensor. */
  rope(x: string, view: HeadView): string;
  gelu(x: string): string;
  /** Causal attention of the layer → [batch, seq, q.heads·headDim]; writes present.{layer}.key/value. */
  attention(q: string, k: string, v: string, step: Extract<BlockStep, { op: 'attention' }>): string;
}

/** Emits one layer's steps on `x` (the residual stream); returns the block's output (residual3). */
export function emitBlock(g: GraphBuilder, steps: readonly BlockStep[], x: string, w: LayerWeights, k: BlockKernels): string {
  const acts: Partial<Record<BlockAct, string>> = { residual: x };
  const act = (a: BlockAct): string => {
    const v = acts[a];
    if (v === undefined) throw new Error(`ONNX export: activation ${a} is read before a step writes it`);
    if (edited.has(a)) throw new Error(`ONNX export: activation ${a} is read whole after an in-place step changed a view of it`);
    return v;
  };
  // The current tensor of each view (`act:off`); edited: activations with a view changed in place.
  const views = new Map<string, string>();
  const edited = new Set<BlockAct>();
  const viewOf = (v: HeadView): string => {
    const key = `${v.act}:${v.off}`;
    let t = views.get(key);
    if (t === undefined) {
      const whole = acts[v.act];
      if (whole === undefined) throw new Error(`ONNX export: view of ${v.act} before a step writes it`);
      const width = v.heads * v.headDim;
      t = v.off === 0 && width === v.stride ? whole : sliceLast(g, whole, v.off, v.off + width);
      views.set(key, t);
    }
    return t;
  };
  const setView = (v: HeadView, t: string) => {
    views.set(`${v.act}:${v.off}`, t);
    edited.add(v.act);
  };

  for (const step of steps) {
    switch (step.op) {
      case 'layernorm':
        acts[step.to] = k.layernorm(act(step.from), w.vector(step.w), w.vector(step.b));
        break;
      case 'rmsnorm':
        acts[step.to] = k.rmsnorm(act(step.from), w.vector(step.w));
        break;
      case 'linear': {
        const y = g.op('MatMul', [act(step.from), w.linearT(step.w, step.inW, step.outW)]);
        acts[step.to] = step.b ? g.op('Add', [y, w.vector(step.b)]) : y;
        break;
      }
      case 'headnorm':
        setView(step.view, k.headnorm(viewOf(step.view), step.view, w.vector(step.w)));
        break;
      case 'rope':
        setView(step.view, k.rope(viewOf(step.view), step.view));
        break;
      case 'attention':
        acts[step.to] = k.attention(viewOf(step.q), viewOf(step.k), viewOf(step.v), step);
        break;
      case 'gelu':
        acts[step.to] = k.gelu(act(step.from));
        break;
      case 'swiglu': {
        const gate = viewOf(step.gate);
        acts[step.to] = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), viewOf(step.up)]); // silu(gate) · up
        break;
      }
      case 'residual':
        acts[step.to] = g.op('Add', [act(step.from), act(step.add)]);
        break;
    }
  }
  return act('residual3');
}

/** Columns [start, end) of the last axis. */
export function sliceLast(g: GraphBuilder, x: string, start: number, end: number): string {
  const s = g.int64Const(`at_${start}`, [start], [1]);
  const e = g.int64Const(`at_${end}`, [end], [1]);
  return g.op('Slice', [x, s, e, g.int64Const('axes_last', [-1], [1])]);
}
