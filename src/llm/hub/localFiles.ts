// Files the user picked (a folder via webkitdirectory, or loose files) as a model source: read
// whole, or streamed from File.stream() for weights read tensor by tensor.
import { ModelLoadError } from './modelLoadError.ts';
import type { FetchFile, OpenFile } from './modelFiles.ts';

/** A picked file's path relative to the model root: the picked folder's own name is dropped. */
export function relativePath(file: File): string {
  const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
  const parts = rel.split('/').filter(Boolean);
  return parts.length > 1 ? parts.slice(1).join('/') : parts.join('/');
}

/** Files the user picked (a folder via webkitdirectory, or loose files). */
export function localFilesFetcher(files: ArrayLike<File>): { fetchFile: FetchFile; openFile: OpenFile; paths: string[] } {
  const byPath = new Map<string, File>();
  for (let i = 0; i < files.length; i++) byPath.set(relativePath(files[i]), files[i]);
  const paths = [...byPath.keys()].sort();
  const find = (path: string): File | undefined => {
    const exact = byPath.get(path);
    if (exact) return exact;
    // Loose files without their onnx/ folder: match by name when unambiguous.
    const base = path.split('/').pop()!;
    const hits = [...byPath.entries()].filter(([p]) => p.split('/').pop() === base);
    return hits.length === 1 ? hits[0][1] : undefined;
  };
  const get = (path: string): File => {
    const f = find(path);
    if (!f) {
      throw new ModelLoadError('missing-file', `Missing file ${path}: it is not in the picked folder (have: ${paths.join(', ') || 'nothing'}).`, { file: path });
    }
    return f;
  };
  const fetchFile: FetchFile = async (path) => new Uint8Array(await get(path).arrayBuffer());
  const openFile: OpenFile = async (path) => {
    const f = get(path);
    return { stream: f.stream(), size: f.size, fromCache: false };
  };
  return { fetchFile, openFile, paths };
}
