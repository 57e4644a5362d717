// IEEE half (f16) and bfloat16 (bf16) ↔ float, the two half-precision formats Hugging Face
// safetensors files ship. Pure: the weight loader, the logits row reader, tests and the exporters
// share it. Encoders round to nearest, ties to even (what torch's .to(float16/bfloat16) does).

/** IEEE half bits → float. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** bfloat16 bits → float: the upper half of an f32. */
export function bf16ToFloat(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}

/** float → bfloat16 bits (round to nearest even; NaN stays NaN). */
export function floatToBf16(x: number): number {
  f32[0] = x;
  const b = u32[0];
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return (b >>> 16) | 0x40; // quiet NaN
  const rounded = b + 0x7fff + ((b >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

/** float → IEEE half bits (round to nearest even, overflow → ±Infinity, subnormals kept). */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // underflows to ±0
    mant |= 0x800000; // implicit bit
    const shift = 14 - e;
    const half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rem > mid || (rem === mid && (half & 1)) ? 1 : 0));
  }
  const half = mant >>> 13;
  const rem = mant & 0x1fff;
  let out = (e << 10) | half;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) out++; // may carry into the exponent: still right
  e = out >>> 10;
  return sign | (e >= 0x1f ? 0x7c00 : out);
}

export function halvesToFloat32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = halfToFloat(src[i]);
  return out;
}

export function bf16sToFloat32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16;
  return out;
}

/** Float values as half-precision bits of the given format. */
export function toHalfBits(src: ArrayLike<number>, format: 'f16' | 'bf16'): Uint16Array {
  const out = new Uint16Array(src.length);
  const enc = format === 'f16' ? floatToHalf : floatToBf16;
  for (let i = 0; i < src.length; i++) out[i] = enc(src[i]);
  return out;
}

/** Half-precision bits of the given format back to floats. */
export function fromHalfBits(src: Uint16Array, format: 'f16' | 'bf16'): Float32Array {
  return format === 'f16' ? halvesToFloat32(src) : bf16sToFloat32(src);
}
