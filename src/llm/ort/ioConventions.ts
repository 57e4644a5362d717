// The I/O conventions of an onnx-community decoder, read from the session's input/output names
// and types plus config.json — never assumed. Pure: no ORT import.
import { ModelLoadError } from '../hub/modelLoadError.ts';
import { textConfig } from '../hub/modelConfig.ts';

export interface ValueInfo {
  name: string;
  type?: string;
  shape?: ReadonlyArray<number | string>;
}

export type FloatDType = 'float32' | 'float16';

export interface DecoderIo {
  numLayers: number;
  /** Per layer: the past_key_values input names and the present output names. */
  past: { key: string; value: string }[];
  present: { key: string; value: string }[];
  /** Shape of one layer's K/V: [1, kvHeads, length, headDim] (GQA: kvHeads < heads). */
  kvHeads: number;
  headDim: number;
  kvDtype: FloatDType;
  logitsDtype: FloatDType;
  hasAttentionMask: boolean;
  hasPositionIds: boolean;
  /** 'num_logits_to_keep' or 'logits_to_keep' when the graph takes it. */
  logitsToKeepName: string | null;
  /** Merged decoders (with/without past in one graph) take use_cache_branch. */
  hasUseCacheBranch: boolean;
  vocabSize: number;
}

function num(config: Record<string, unknown>, key: string): number | undefined {
  const v = config[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function floatType(t: string | undefined, what: string): FloatDType {
  if (t === undefined || t === 'float32') return 'float32';
  if (t === 'float16') return 'float16';
  throw new ModelLoadError('invalid-config', `${what} has element type ${t}; only float32 and float16 are supported.`);
}

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;

export function detectDecoderIo(inputs: ValueInfo[], outputs: ValueInfo[], rawConfig: Record<string, unknown>): DecoderIo {
  const config = textConfig(rawConfig);
  const inNames = new Set(inputs.map((i) => i.name));
  const outNames = new Set(outputs.map((o) => o.name));
  if (!inNames.has('input_ids')) {
    throw new ModelLoadError('invalid-config', `The ONNX graph has no input_ids input (inputs: ${[...inNames].join(', ')}); not a decoder in the onnx-community layout.`);
  }
  const logits = outputs.find((o) => o.name === 'logits');
  if (!logits) {
    throw new ModelLoadError('invalid-config', `The ONNX graph has no logits output (outputs: ${[...outNames].join(', ')}).`);
  }

  const layers = new Set<number>();
  for (const i of inputs) {
    const m = PAST.exec(i.name);
    if (m) layers.add(Number(m[1]));
  }
  const numLayers = layers.size;
  if (numLayers === 0) {
    throw new ModelLoadError('invalid-config', 'The ONNX graph takes no past_key_values.* inputs: a decoder without KV cache cannot be used (export it with past, e.g. onnx-community "model.onnx").');
  }
  const past: DecoderIo['past'] = [];
  const present: DecoderIo['present'] = [];
  for (let l = 0; l < numLayers; l++) {
    const p = { key: `past_key_values.${l}.key`, value: `past_key_values.${l}.value` };
    const q = { key: `present.${l}.key`, value: `present.${l}.value` };
    for (const n of [p.key, p.value]) if (!inNames.has(n)) throw new ModelLoadError('invalid-config', `The ONNX graph lacks input ${n} (layers must be numbered 0…${numLayers - 1}).`);
    for (const n of [q.key, q.value]) if (!outNames.has(n)) throw new ModelLoadError('invalid-config', `The ONNX graph lacks output ${n} to match input past_key_values.${l}.*.`);
    past.push(p);
    present.push(q);
  }
  const cfgLayers = num(config, 'num_hidden_layers');
  if (cfgLayers !== undefined && cfgLayers !== numLayers) {
    throw new ModelLoadError('invalid-config', `config.json says num_hidden_layers = ${cfgLayers}, but the ONNX graph has ${numLayers} past_key_values layers.`);
  }

  // K/V shape: the graph's own static dims win; config.json fills in symbolic ones.
  const pastKey = inputs.find((i) => i.name === past[0].key)!;
  const heads = num(config, 'num_attention_heads');
  const hidden = num(config, 'hidden_size');
  const shapeDim = (d: number) => (typeof pastKey.shape?.[d] === 'number' ? (pastKey.shape[d] as number) : undefined);
  const kvHeads = shapeDim(1) ?? num(config, 'num_key_value_heads') ?? heads;
  const headDim = shapeDim(3) ?? num(config, 'head_dim') ?? (hidden !== undefined && heads ? hidden / heads : undefined);
  if (kvHeads === undefined || !Number.isInteger(kvHeads) || kvHeads <= 0) {
    throw new ModelLoadError('invalid-config', 'Cannot tell the number of key/value heads: config.json has neither num_key_value_heads nor num_attention_heads, and the graph does not fix it.');
  }
  if (headDim === undefined || !Number.isInteger(headDim) || headDim <= 0) {
    throw new ModelLoadError('invalid-config', 'Cannot tell the attention head size: config.json has neither head_dim nor hidden_size / num_attention_heads, and the graph does not fix it.');
  }

  const logitsToKeepName = inNames.has('num_logits_to_keep') ? 'num_logits_to_keep' : inNames.has('logits_to_keep') ? 'logits_to_keep' : null;
  const vocabDim = logits.shape?.[2];
  const vocabSize = typeof vocabDim === 'number' ? vocabDim : num(config, 'vocab_size');
  if (vocabSize === undefined) throw new ModelLoadError('invalid-config', 'config.json has no vocab_size and the logits output does not fix it.');

  return {
    numLayers,
    past,
    present,
    kvHeads,
    headDim,
    kvDtype: floatType(pastKey.type, `Input ${pastKey.name}`),
    logitsDtype: floatType(logits.type, 'Output logits'),
    hasAttentionMask: inNames.has('attention_mask'),
    hasPositionIds: inNames.has('position_ids'),
    logitsToKeepName,
    hasUseCacheBranch: inNames.has('use_cache_branch'),
    vocabSize,
  };
}
