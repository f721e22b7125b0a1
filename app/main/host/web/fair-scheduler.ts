/**
 * Runs the calls of many clients round-robin, one call per client per turn, and yields to the event
 * loop every few milliseconds so a message from a quiet client is read and run promptly however
 * many calls a busy one has queued.
 */
export class FairScheduler {
  readonly #turns: Lane[] = [];
  readonly #sliceMs: number;
  #pumpScheduled = false;

  constructor(options: { sliceMs?: number } = {}) {
    this.#sliceMs = options.sliceMs ?? 4;
  }

  lane(maxRunning: number, onQueueChange: (queued: number) => void = () => {}): Lane {
    return new Lane(this, maxRunning, onQueueChange);
  }

  /** @internal A lane that has a call it may start now. */
  wake(lane: Lane): void {
    if (!this.#turns.includes(lane)) this.#turns.push(lane);
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => this.#pump());
  }

  #pump(): void {
    this.#pumpScheduled = false;
    const started = performance.now();
    while (this.#turns.length > 0 && performance.now() - started < this.#sliceMs) {
      const lane = this.#turns.shift()!;
      if (!lane.startNext()) continue;
      if (lane.canStart()) this.#turns.push(lane);
    }
    if (this.#turns.length > 0 && !this.#pumpScheduled) {
      this.#pumpScheduled = true;
      setImmediate(() => this.#pump());
    }
  }
}

/** One client's calls: queued in arrival order, at most `maxRunning` started and not yet settled. */
export class Lane {
  readonly #scheduler: FairScheduler;
  readonly #maxRunning: number;
  readonly #onQueueChange: (queued: number) => void;
  readonly #queue: (() => Promise<void>)[] = [];
  #running = 0;
  #closed = false;

  constructor(scheduler: FairScheduler, maxRunning: number, onQueueChange: (queued: number) => void) {
    this.#scheduler = scheduler;
    this.#maxRunning = maxRunning;
    this.#onQueueChange = onQueueChange;
  }

  get queued(): number {
    return this.#queue.length;
  }

  get running(): number {
    return this.#running;
  }

  enqueue(task: () => Promise<void>): void {
    if (this.#closed) return;
    this.#queue.push(task);
    this.#onQueueChange(this.#queue.length);
    if (this.canStart()) this.#scheduler.wake(this);
  }

  /** Drops every call not yet started; calls already running finish on their own. */
  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
  }

  canStart(): boolean {
    return !this.#closed && this.#queue.length > 0 && this.#running < this.#maxRunning;
  }

  /** @internal */
  startNext(): boolean {
    if (!this.canStart()) return false;
    const task = this.#queue.shift()!;
    this.#onQueueChange(this.#queue.length);
    this.#running += 1;
    void task()
      .catch(() => {})
      .finally(() => {
        this.#running -= 1;
        if (this.canStart()) this.#scheduler.wake(this);
      });
    return true;
  }
}
