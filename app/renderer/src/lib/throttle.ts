export interface Throttled {
  (): void;
  cancel(): void;
}

/**
 * Runs `run` at most once per `intervalMs`; calls in between collapse into one trailing run, so the
 * last call of a burst is never lost.
 */
export function throttle(run: () => void, intervalMs: number): Throttled {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = Number.NEGATIVE_INFINITY;
  const throttled = () => {
    if (timer) return;
    timer = setTimeout(
      () => {
        timer = null;
        last = Date.now();
        run();
      },
      Math.max(0, last + intervalMs - Date.now()),
    );
  };
  throttled.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return throttled;
}
