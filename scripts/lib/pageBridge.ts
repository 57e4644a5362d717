// The page side of scripts/lib/headless.ts: what a page opened by runInChromium calls to log a
// line, send a file back, and report its result. Also echoes log lines into an on-page <pre>.

interface HeadlessBridge {
  __log?: (line: string) => Promise<void>;
  __report?: (json: string) => Promise<void>;
  __writeFile?: (name: string, base64: string) => Promise<void>;
}
export const bridge = window as unknown as HeadlessBridge;

/** Append to the page's <pre id="out"> (if any) and forward to the runner. */
export function log(line: string): void {
  const pre = document.getElementById('out');
  if (pre) pre.textContent += `${line}\n`;
  void bridge.__log?.(line);
}

export async function report(result: unknown): Promise<void> {
  await bridge.__report?.(JSON.stringify(result));
}
