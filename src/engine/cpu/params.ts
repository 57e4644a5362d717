// Named float64 views into one flat parameter (or gradient) array, in the layout of config.ts.
import { PARAM_NAMES, paramLayout, type ModelConfig, type ParamName } from '../config.ts';

export type ParamViews = Record<ParamName, Float64Array>;

export function paramViews(flat: Float64Array, config: ModelConfig): ParamViews {
  const layout = paramLayout(config);
  if (flat.length !== layout.total) {
    throw new RangeError(`parameter array has ${flat.length} elements, the config needs ${layout.total}`);
  }
  const views = {} as ParamViews;
  for (const name of PARAM_NAMES) {
    views[name] = flat.subarray(layout.offsets[name], layout.offsets[name] + layout.sizes[name]);
  }
  return views;
}

/** Layer l's slice of a per-layer tensor [L, ...] with `size` elements per layer. */
export function layerSlice(t: Float64Array, l: number, size: number): Float64Array {
  return t.subarray(l * size, (l + 1) * size);
}
