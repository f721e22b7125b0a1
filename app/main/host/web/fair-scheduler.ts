/**
 * Runs the calls of many clients fairly by the time they take: each client (lane) is charged the
 * milliseconds its calls run on the event loop, and the next call always comes from the waiting
 * lane charged least (start-time fair queueing). A client that wakes up is charged no less than
 * the call now running, so it cannot bank idle time, but it goes ahead of clients that have been
 * busy; ties go to the lane with less work in flight. The scheduler yields to the event loop every few milliseconds, so a message from a quiet
 * client is read and runs next, however many calls busy clients have queued.
 */
export class FairScheduler {
  readonly #waiting = new Set<Lane>();
  readonly #sliceMs: number;
  #pumpScheduled = false;
  /** The charge of the call started last: where a lane that wakes up starts. */
  #now = 0;

  constructor(options: { sliceMs?: number } = {}) {
    this.#sliceMs = options.sliceMs ?? 2;
  }

  lane(maxRunning: number, onQueueChange: (queued: number) => void = () => {}): Lane {
    return new Lane(this, maxRunning, onQueueChange);
  }

  /** @internal A lane that has a call it may start now. */
  wake(lane: Lane): void {
    if (!this.#waiting.has(lane)) {
      lane.charge = Math.max(lane.charge, this.#now);
      this.#waiting.add(lane);
    }
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => this.#pump());
  }

  #pump(): void {
    this.#pumpScheduled = false;
    const started = performance.now();
    while (this.#waiting.size > 0 && performance.now() - started < this.#sliceMs) {
      let next: Lane | null = null;
      for (const lane of this.#waiting) if (!next || ahead(lane, next)) next = lane;
      this.#waiting.delete(next!);
      this.#now = next!.charge;
      const before = performance.now();
      const ran = next!.startNext();
      next!.bill(performance.now() - before);
      if (ran && next!.canStart()) this.#waiting.add(next!);
    }
    if (this.#waiting.size > 0 && !this.#pumpScheduled) {
      this.#pumpScheduled = true;
      setImmediate(() => this.#pump());
    }
  }
}

/** What a lane's first call is assumed to cost, until its calls have shown what they cost. */
const UNKNOWN_CALL_MS = 20;

/** Lower priority first; on a tie, the lane with fewer calls in flight (a client that just woke up). */
function ahead(lane: Lane, other: Lane): boolean {
  const [a, b] = [lane.priority(), other.priority()];
  return a < b || (a === b && lane.running < other.running);
}

/** One client's calls: queued in arrival order, at most `maxRunning` started and not yet settled. */
export class Lane {
  /** @internal Milliseconds of event-loop time this lane's calls have taken, in the scheduler's clock. */
  charge = 0;
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

  #started = 0;
  #spent = 0;

  /** Charges work a call does after its first await (serialising and sending its reply) to this lane. */
  bill(ms: number): void {
    this.charge += ms;
    this.#spent += ms;
  }

  /**
   * @internal When this lane's next call would finish, in the scheduler's clock: its charge, plus
   * what its calls in flight (they finish outside the scheduler) and the next one will cost at this
   * lane's average. A lane of cheap calls goes ahead of one of expensive calls started as late.
   */
  priority(): number {
    const average = this.#started > 0 ? this.#spent / this.#started : UNKNOWN_CALL_MS;
    return this.charge + (this.#running + 1) * average;
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

  /** @internal Starts the oldest call; its synchronous part runs before this returns. */
  startNext(): boolean {
    if (!this.canStart()) return false;
    const task = this.#queue.shift()!;
    this.#onQueueChange(this.#queue.length);
    this.#running += 1;
    this.#started += 1;
    void task()
      .catch(() => {})
      .finally(() => {
        this.#running -= 1;
        if (this.canStart()) this.#scheduler.wake(this);
      });
    return true;
  }
}
