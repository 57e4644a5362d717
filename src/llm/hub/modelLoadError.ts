// Loading errors that say what went wrong and what to do, with a machine-readable kind; shared by
// both backends (ONNX Runtime's raw messages are translated in src/llm/ort/ortErrors.ts). Pure.

export type ModelLoadErrorKind =
  | 'missing-file' // a required file is not in the folder / repository
  | 'http' // the server answered with a non-OK status other than 404
  | 'network' // fetch itself failed (offline, CORS, DNS)
  | 'unsupported-operator' // the graph uses an op the execution provider cannot run
  | 'corrupt-file' // truncated or not valid JSON/ONNX
  | 'out-of-memory'
  | 'invalid-config' // config.json lacks what we need, or the graph breaks the layout we read
  | 'unsupported-architecture' // config.json names a model type, architecture or option our engine does not run
  | 'unsupported-dtype' // a weight tensor's dtype the loader cannot read (e.g. F8_E4M3, I8)
  | 'weights-mismatch' // the weights disagree with config.json (a tensor missing, or of another shape)
  | 'too-large' // a tensor or the whole model exceeds the adapter's buffer limits or the memory budget
  | 'aborted';

export class ModelLoadError extends Error {
  readonly kind: ModelLoadErrorKind;
  /** The file at fault, relative to the model root (e.g. onnx/model_q4f16.onnx), when known. */
  readonly file?: string;
  constructor(kind: ModelLoadErrorKind, message: string, opts: { file?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'ModelLoadError';
    this.kind = kind;
    this.file = opts.file;
  }
}

/** A fetch Response's status as a ModelLoadError (404 → missing-file). */
export function httpError(status: number, statusText: string, file: string, url: string): ModelLoadError {
  if (status === 404) {
    return new ModelLoadError('missing-file', `Missing file ${file}: ${url} answered 404 Not Found (wrong model id, revision or dtype?).`, { file });
  }
  const hint = status === 401 || status === 403 ? ' (gated or private model: enter a Hugging Face access token that may read it, and accept its license on the hub)' : '';
  return new ModelLoadError('http', `Downloading ${file} failed: ${url} answered HTTP ${status} ${statusText}${hint}.`, { file });
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** JSON.parse with an error that names the file. */
export function parseJsonFile(bytes: Uint8Array, file: string): Record<string, unknown> {
  const text = new TextDecoder().decode(bytes);
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new ModelLoadError('corrupt-file', `${file} is not valid JSON (${messageOf(e)}); truncated download?`, { file, cause: e });
  }
}
