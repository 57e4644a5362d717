// Cancellable jobs: one AbortController per job id, so the UI can cancel by id over comlink.
const running = new Map<string, AbortController>();

export function startJob(jobId: string): AbortSignal {
  if (typeof jobId !== 'string' || jobId === '') throw new TypeError('jobId must be a non-empty string');
  if (running.has(jobId)) throw new Error(`job ${jobId} is already running`);
  const c = new AbortController();
  running.set(jobId, c);
  return c.signal;
}

export function endJob(jobId: string): void {
  running.delete(jobId);
}

export function cancelJob(jobId: string): void {
  running.get(jobId)?.abort(new DOMException(`job ${jobId} cancelled`, 'AbortError'));
}

export function isAbort(e: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (e instanceof DOMException && e.name === 'AbortError');
}
