// A KV-cache state of an ORT decoder: the present.* tensors after `length` tokens (on the GPU
// under WebGPU). Forwarding from a state only reads its tensors, so states form a tree (one
// prefix, many probes); each state frees its own tensors on dispose().
import type { CacheState } from '../types.ts';
import { disposeTensor, type OrtTensor } from './ortRuntime.ts';

export class OrtCacheState implements CacheState {
  readonly length: number;
  /** The model that made this state: a state is only valid for its own session. */
  readonly owner: object;
  private tensors: Map<string, OrtTensor> | null;
  private readonly onDispose: (s: OrtCacheState) => void;

  constructor(owner: object, length: number, tensors: Map<string, OrtTensor> | null, onDispose: (s: OrtCacheState) => void) {
    this.owner = owner;
    this.length = length;
    this.tensors = tensors;
    this.onDispose = onDispose;
  }

  get disposed(): boolean {
    return this.tensors === null && this.length > 0;
  }

  /** The tensor for a present.* name, or null for the empty state. */
  tensor(name: string): OrtTensor | null {
    if (this.length === 0) return null;
    if (this.tensors === null) throw new Error(`This CacheState (length ${this.length}) was disposed; forward from a live state.`);
    const t = this.tensors.get(name);
    if (!t) throw new Error(`CacheState has no tensor ${name}`);
    return t;
  }

  dispose(): void {
    if (this.tensors === null) return;
    for (const t of this.tensors.values()) disposeTensor(t);
    this.tensors = null;
    this.onDispose(this);
  }
}
