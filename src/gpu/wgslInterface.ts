// Reads the interface a WGSL module actually has — module-scope bindings, structs, overrides,
// consts, compute entry points with their @workgroup_size — and compares it with a kernel's
// declaration (kernelInterface.ts). Pure (runs in Node): the unit test checks every shader with it.
// A reader of the subset our kernels use, not a WGSL parser: attributes before `fn`, one
// declaration per statement.
import type { KernelInterface } from './kernelInterface.ts';

export interface WgslBinding {
  group: number;
  binding: number;
  name: string;
  /** 'uniform', or 'storage' with its access mode. */
  space: 'uniform' | 'storage' | string;
  access: string | null;
  type: string;
}

export interface WgslInterface {
  bindings: WgslBinding[];
  structs: Map<string, { name: string; type: string }[]>;
  /** override name → default (null: none, or not a literal). */
  overrides: Map<string, number | null>;
  /** module-scope const name → value (null: not a literal). */
  constants: Map<string, number | null>;
  entryPoints: { name: string; workgroupSize: string[] }[];
}

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}

/** The text outside every {…} (function and struct bodies blanked), so only module scope is left. */
function moduleScope(src: string): string {
  let depth = 0;
  let out = '';
  for (const ch of src) {
    if (ch === '{') depth++;
    out += depth > 0 ? (ch === '\n' ? '\n' : ' ') : ch;
    if (ch === '}') depth--;
  }
  return out;
}

/** Split on commas outside <…> and (…). */
function splitTop(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of list) {
    if (ch === '<' || ch === '(') depth++;
    if (ch === '>' || ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

const norm = (type: string): string => type.replace(/\s+/g, '').replace(/,/g, ', ');

/** A numeric literal (`4u`, `256`, `-1.0e30`, `0x7fc00000u`, `0.5f`), else null. */
export function wgslLiteral(text: string): number | null {
  const t = text.trim();
  const hex = /^(-?)0[xX]([0-9a-fA-F]+)[iu]?$/.exec(t);
  if (hex) return (hex[1] ? -1 : 1) * parseInt(hex[2], 16);
  const dec = /^(-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[iufh]?$/.exec(t);
  return dec ? Number(dec[1]) : null;
}

export function parseWgslInterface(source: string): WgslInterface {
  const src = stripComments(source);
  const top = moduleScope(src);
  const structs = new Map<string, { name: string; type: string }[]>();
  for (const m of src.matchAll(/\bstruct\s+(\w+)\s*\{([^}]*)\}/g)) {
    structs.set(m[1], splitTop(m[2]).map((f) => {
      const [name, ...type] = f.replace(/@\w+\([^)]*\)\s*/g, '').split(':');
      return { name: name.trim(), type: norm(type.join(':')) };
    }));
  }
  const bindings: WgslBinding[] = [];
  for (const m of top.matchAll(/@group\((\d+)\)\s*@binding\((\d+)\)\s*var(?:<([^>]*)>)?\s+(\w+)\s*:\s*([^;]+);/g)) {
    const [space, access = null] = (m[3] ?? '').split(',').map((s) => s.trim());
    bindings.push({ group: Number(m[1]), binding: Number(m[2]), name: m[4], space, access, type: norm(m[5]) });
  }
  const overrides = new Map<string, number | null>();
  for (const m of top.matchAll(/\boverride\s+(\w+)\s*(?::\s*\w+)?\s*(?:=\s*([^;]+))?;/g)) {
    overrides.set(m[1], m[2] === undefined ? null : wgslLiteral(m[2]));
  }
  const constants = new Map<string, number | null>();
  for (const m of top.matchAll(/\bconst\s+(\w+)\s*(?::\s*[^=]+)?=\s*([^;]+);/g)) constants.set(m[1], wgslLiteral(m[2]));
  const entryPoints: WgslInterface['entryPoints'] = [];
  for (const m of top.matchAll(/((?:@\w+(?:\([^)]*\))?\s*)+)fn\s+(\w+)/g)) {
    if (!/@compute\b/.test(m[1])) continue;
    const wg = /@workgroup_size\(([^)]*)\)/.exec(m[1]);
    entryPoints.push({ name: m[2], workgroupSize: wg ? splitTop(wg[1]) : [] });
  }
  return { bindings, structs, overrides, constants, entryPoints };
}

const list = (xs: Iterable<string>): string => [...xs].join(', ') || '(none)';

/** Every way the WGSL `k.source` and the declaration `k` disagree; [] when they agree. */
export function checkKernelInterface(k: KernelInterface): string[] {
  const w = parseWgslInterface(k.source);
  const errors: string[] = [];
  const where = k.files.join(' + ');
  const say = (msg: string) => errors.push(`${where}: ${msg}`);

  const declared = [...k.entryPoints].sort();
  const found = w.entryPoints.map((e) => e.name).sort();
  if (declared.join() !== found.join()) say(`entry points ${list(found)}, declared ${list(declared)}`);
  for (const e of w.entryPoints) {
    if (e.workgroupSize.join() !== k.workgroupSize.join()) {
      say(`${e.name}: @workgroup_size(${e.workgroupSize.join(', ')}), declared (${k.workgroupSize.join(', ')})`);
    }
  }

  const storage = w.bindings.filter((b) => b.group === 0).sort((a, b) => a.binding - b.binding);
  const names = Object.keys(k.bindings);
  for (let i = 0; i < Math.max(storage.length, names.length); i++) {
    const b = storage[i];
    const name = names[i];
    if (!b) { say(`binding ${name} (@group(0) @binding(${i})) is declared but missing`); continue; }
    const got = `@binding(${b.binding}) var<${[b.space, b.access].filter(Boolean).join(', ')}> ${b.name}`;
    if (!name) { say(`${got} in group 0 is not declared`); continue; }
    const want = `@binding(${i}) var<storage, ${k.bindings[name]}> ${name}`;
    if (got !== want) say(`group 0: ${got}, declared ${want}`);
  }
  const others = w.bindings.filter((b) => b.group !== 0);
  const u = others[0];
  if (others.length !== 1 || u.group !== 1 || u.binding !== 0 || u.space !== 'uniform' || u.name !== 'u' || u.type !== 'U') {
    say(`expected exactly @group(1) @binding(0) var<uniform> u: U besides group 0, found ${list(others.map((b) => `@group(${b.group}) @binding(${b.binding}) var<${b.space}> ${b.name}: ${b.type}`))}`);
  }

  const fields = w.structs.get('U') ?? [];
  const got = fields.map((f) => `${f.name}: ${f.type}`);
  const want = Object.entries(k.uniforms).map(([n, t]) => `${n}: ${norm(t)}`);
  if (got.join('; ') !== want.join('; ')) say(`struct U { ${got.join(', ')} }, declared { ${want.join(', ')} }`);

  const ov = [...w.overrides.keys()].sort();
  if (ov.join() !== Object.keys(k.overrides).sort().join()) say(`overrides ${list(ov)}, declared ${list(Object.keys(k.overrides).sort())}`);
  for (const [name, value] of Object.entries(k.overrides)) {
    if (w.overrides.has(name) && w.overrides.get(name) !== value) say(`override ${name} defaults to ${w.overrides.get(name)}, declared ${value}`);
  }
  for (const [name, value] of Object.entries(k.constants ?? {})) {
    if (!w.constants.has(name)) say(`const ${name} is declared (${value}) but not in the module scope`);
    else if (w.constants.get(name) !== value) say(`const ${name} = ${w.constants.get(name)}, declared ${value}`);
  }
  return errors;
}
