export interface Coalesced {
  (): void;
  cancel(): void;
}

export interface CoalesceOptions {
  /** A burst of calls runs once, this long after its last call. */
  readonly quietMs: number;
  /** A burst that never goes quiet still runs this long after its first call. */
  readonly maxWaitMs: number;
  /** Between the starts of two runs, at least this long. */
  readonly minIntervalMs?: number;
}

/**
 * Runs `run` once per burst of calls, and never two runs at once: calls made while a run is in flight
 * schedule one more after it ends. Meant for refreshes that each cost the host a scan: a reviewer
 * pressing keys fast must not pile them up in front of their own decisions.
 */
export function coalesce(run: () => Promise<void>, options: CoalesceOptions): Coalesced {
  const { quietMs, maxWaitMs, minIntervalMs = 0 } = options;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let firstCall: number | null = null;
  let lastCall = 0;
  let lastStart = Number.NEGATIVE_INFINITY;
  let running = false;

  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (running || firstCall === null) return;
    const due = Math.max(Math.min(lastCall + quietMs, firstCall + maxWaitMs), lastStart + minIntervalMs);
    timer = setTimeout(fire, Math.max(0, due - Date.now()));
  };

  const fire = () => {
    timer = null;
    firstCall = null;
    running = true;
    lastStart = Date.now();
    // A run reports its own failures; a rejected one must still let the next run start.
    void run()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        schedule();
      });
  };

  const coalesced = () => {
    const now = Date.now();
    firstCall ??= now;
    lastCall = now;
    schedule();
  };
  coalesced.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    firstCall = null;
  };
  return coalesced;
}
