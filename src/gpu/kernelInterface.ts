// A kernel's interface, declared once (src/gpu/kernels/, via `kernel`): its WGSL, entry points, bindings,
// uniform fields, overridable and shared constants. Runners take everything from it — bind
// groups from binding names, the uniform block packed from a named object in the declared order,
// pipeline overrides, grid constants — and test/unit/gpu/kernelInterfaces.test.ts parses every
// WGSL file against its declaration (src/gpu/wgslInterface.ts), so TS and WGSL cannot drift.
//
// Binding convention (every kernel): storage buffers at @group(0) @binding(0..n-1) in declared
// order, the uniform block `var<uniform> u: U` at @group(1) @binding(0). Object key order is
// declaration order (ES2015 order for non-index string keys), which is why plain objects suffice.

export type Access = 'read' | 'read_write';
export type Scalar = 'u32' | 'i32' | 'f32';
/** A uniform member: a 4-byte scalar, or an array of vec4 (the only array a uniform block packs densely). */
export type UniformType = Scalar | `array<vec4<${Scalar}>, ${number}>`;

export interface KernelInterface {
  /** The WGSL files, repository-relative, concatenated in this order into `source`. */
  readonly files: readonly string[];
  readonly source: string;
  readonly entryPoints: readonly string[];
  /** name → access of the storage buffer at @group(0) @binding(i), i = position. */
  readonly bindings: Readonly<Record<string, Access>>;
  /** struct U at @group(1) @binding(0), member by member; names starting with `_` are padding (always 0). */
  readonly uniforms: Readonly<Record<string, UniformType>>;
  /** `override` constants passed at pipeline creation (the WGSL default must agree). */
  readonly overrides: Readonly<Record<string, number>>;
  /** The @workgroup_size arguments of every entry point (override names). */
  readonly workgroupSize: readonly string[];
  /** Module-scope `const`s the TS side relies on too (grid sizes, capacities, record layouts). */
  readonly constants?: Readonly<Record<string, number>>;
}

export type EntryPoint<K extends KernelInterface> = K['entryPoints'][number];

/** One buffer (whole, or a window) per binding; null = not used by this entry point. */
export type BindingValues<K extends KernelInterface> = {
  readonly [B in keyof K['bindings']]: GPUBuffer | GPUBufferBinding | null;
};

export type UniformValues<K extends KernelInterface> = {
  readonly [F in keyof K['uniforms'] as F extends `_${string}` ? never : F]: K['uniforms'][F] extends Scalar ? number : readonly number[];
};

interface Slot { name: string; scalar: Scalar; word: number; words: number }
interface Layout { slots: Slot[]; bytes: number }

const layouts = new WeakMap<KernelInterface, Layout>();

/** 32-bit words of an `array<vec4<T>, n>` member (4n), 1 for a scalar. */
export function uniformWords(type: UniformType): number {
  const m = /^array<vec4<(u32|i32|f32)>,\s*(\d+)>$/.exec(type);
  return m ? 4 * Number(m[2]) : 1;
}

/** WGSL uniform layout: scalars 4-byte aligned, vec4 arrays 16-byte aligned, the struct rounded to 16. */
export function uniformLayout(k: KernelInterface): Layout {
  let layout = layouts.get(k);
  if (layout) return layout;
  const slots: Slot[] = [];
  let word = 0;
  for (const [name, type] of Object.entries(k.uniforms)) {
    const words = uniformWords(type);
    if (words > 1) word = Math.ceil(word / 4) * 4;
    slots.push({ name, scalar: (words > 1 ? /<(u32|i32|f32)>/.exec(type)![1] : type) as Scalar, word, words });
    word += words;
  }
  layout = { slots, bytes: Math.max(16, Math.ceil(word / 4) * 16) };
  layouts.set(k, layout);
  return layout;
}

function checkValue(name: string, scalar: Scalar, x: number): void {
  if (scalar === 'f32') {
    if (typeof x !== 'number' || Number.isNaN(x)) throw new TypeError(`uniform ${name}: expected an f32, got ${String(x)}`);
  } else if (!Number.isInteger(x) || (scalar === 'u32' ? x < 0 || x > 0xffffffff : x < -0x80000000 || x > 0x7fffffff)) {
    throw new RangeError(`uniform ${name}: ${String(x)} is not a ${scalar}`);
  }
}

/** The uniform block of `k` from named values, in declared order; padding and unused array tail are 0. */
export function packUniforms<K extends KernelInterface>(k: K, values: UniformValues<K>): ArrayBuffer {
  const { slots, bytes } = uniformLayout(k);
  const buf = new ArrayBuffer(bytes);
  const view = new DataView(buf);
  const given = values as Readonly<Record<string, number | readonly number[]>>;
  for (const key of Object.keys(given)) {
    if (!(key in k.uniforms) || key.startsWith('_')) throw new TypeError(`uniform ${key}: not a field of ${k.files[0]}'s struct U`);
  }
  for (const s of slots) {
    if (s.name.startsWith('_')) continue;
    const v = given[s.name];
    if (v === undefined) throw new TypeError(`uniform ${s.name} of ${k.files[0]} is missing`);
    const xs = typeof v === 'number' ? [v] : v;
    if ((s.words === 1) !== (typeof v === 'number') || xs.length > s.words) {
      throw new RangeError(`uniform ${s.name}: expected ${s.words === 1 ? 'one number' : `at most ${s.words} numbers`}`);
    }
    xs.forEach((x, i) => {
      checkValue(s.name, s.scalar, x);
      const at = (s.word + i) * 4;
      if (s.scalar === 'f32') view.setFloat32(at, x, true);
      else if (s.scalar === 'i32') view.setInt32(at, x, true);
      else view.setUint32(at, x, true);
    });
  }
  return buf;
}

/** Group 0 (the storage bindings by name) and group 1 (the uniform block) of one dispatch. */
export function bindGroups<K extends KernelInterface>(
  device: GPUDevice, pipeline: GPUComputePipeline, k: K, buffers: BindingValues<K>, uniform: GPUBufferBinding,
): [GPUBindGroup, GPUBindGroup] {
  const given = buffers as Readonly<Record<string, GPUBuffer | GPUBufferBinding | null | undefined>>;
  const entries: GPUBindGroupEntry[] = [];
  Object.keys(k.bindings).forEach((name, binding) => {
    const b = given[name];
    if (b === undefined) throw new TypeError(`binding ${name} of ${k.files[0]} is missing (null if unused)`);
    if (b) entries.push({ binding, resource: 'buffer' in b ? b : { buffer: b } });
  });
  return [
    device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }),
    device.createBindGroup({ layout: pipeline.getBindGroupLayout(1), entries: [{ binding: 0, resource: uniform }] }),
  ];
}

/**
 * Record one dispatch of `k` into `pass` with its own mapped-at-creation uniform buffer, so it
 * does not depend on queue order and several encodes may share one submit (the logits runners).
 */
export function dispatchWithOwnUniform<K extends KernelInterface>(
  device: GPUDevice, pass: GPUComputePassEncoder, pipeline: GPUComputePipeline, k: K,
  buffers: BindingValues<K>, uniforms: UniformValues<K>, workgroups: number,
): void {
  const bytes = packUniforms(k, uniforms);
  const u = device.createBuffer({ size: bytes.byteLength, usage: GPUBufferUsage.UNIFORM, mappedAtCreation: true });
  new Uint8Array(u.getMappedRange()).set(new Uint8Array(bytes));
  u.unmap();
  const [g0, g1] = bindGroups(device, pipeline, k, buffers, { buffer: u });
  pass.setBindGroup(0, g0);
  pass.setBindGroup(1, g1);
  pass.dispatchWorkgroups(workgroups);
}
