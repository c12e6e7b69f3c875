/**
 * Runs `pass` every `intervalMs`, one pass at a time (a slow pass delays the next instead of overlapping it); a
 * failed pass is reported to `onError` and the next one runs as planned. Returns a stop function that waits for
 * the pass under way.
 */
export function runEvery(intervalMs: number, pass: () => Promise<unknown>, onError: (err: Error) => void): () => Promise<void> {
  let current: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    current = current.then(pass).catch((err) => onError(err as Error));
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}
