// `kernel(...)`: a declaration with its WGSL source attached, read from shaders/ by file name so
// the path is written once. Literal names and types are kept (const type parameter), so runners
// get their binding, uniform and entry-point names checked by the compiler.
import type { KernelInterface } from '../kernelInterface.ts';

const sources = import.meta.glob<string>('../../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true });

export function kernel<const K extends Omit<KernelInterface, 'source'>>(k: K): K & { readonly source: string } {
  const source = k.files.map((f) => {
    const s = sources[`../../../${f}`];
    if (s === undefined) throw new Error(`kernel: no shader file ${f}`);
    return s;
  }).join('\n');
  return { ...k, source };
}
