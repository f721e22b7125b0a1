import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hostFacts, planProviders, type ExecutionProviderReport, type ProviderPlan } from './execution-providers.ts';
import type { WorkerReply, WorkerRequest } from './inference-protocol.ts';
import { probeModelBytes } from './probe-model.ts';
import { transferables, type TensorInfo, type TensorMap } from './tensor-data.ts';
import { inferenceWorkerScript, type WorkerScript } from './worker-script.ts';
import { sharedPromise } from '../core/shared-promise.ts';

export interface InferenceClientOptions {
  /** Worker threads, each holding its own copy of every loaded model. One suits most machines. */
  readonly workers?: number;
  /** ORT intra-op threads per worker; defaults to the cores divided among the workers. */
  readonly threadsPerWorker?: number;
  /** Overrides the provider plan derived from this machine (tests use it to simulate a missing GPU). */
  readonly plan?: ProviderPlan;
  readonly script?: WorkerScript;
}

export interface ModelHandle {
  readonly id: number;
  readonly modelPath: string;
  readonly provider: string;
  readonly fallbackReason: string | null;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

/** Every inference failure names the model file, so a report can say which model and why. */
export class InferenceError extends Error {
  readonly modelPath: string;
  readonly reason: string;

  constructor(modelPath: string, reason: string) {
    super(`${modelPath}: ${reason}`);
    this.name = 'InferenceError';
    this.modelPath = modelPath;
    this.reason = reason;
  }
}

interface Pending {
  readonly resolve: (reply: WorkerReply) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  worker: Worker | null;
  /** Runs assigned and not yet answered, counted from the moment of assignment (before any load). */
  assigned: number;
  readonly pending: Map<number, Pending>;
  /** Sessions this worker has opened, by handle id; a restarted worker starts empty. */
  readonly loaded: Map<number, Promise<void>>;
}

interface Model {
  readonly handle: ModelHandle;
  readonly source: string | Uint8Array;
}

const PROBE_PATH = '(provider probe)';

/**
 * The main thread's side of inference: models load by file path into worker threads, runs are
 * queued to the least busy worker, tensors travel as transferred buffers. A worker that dies is
 * replaced on the next call and reloads what it needs.
 */
export class InferenceClient {
  readonly #slots: Slot[];
  readonly #threads: number;
  #script: WorkerScript | null;
  readonly #models = new Map<number, Model>();
  readonly #byPath = new Map<string, Promise<ModelHandle>>();
  #plan: ProviderPlan | null;
  #nextId = 1;
  #lastReport: ExecutionProviderReport | null = null;
  #closed = false;

  constructor(options: InferenceClientOptions = {}) {
    const workers = Math.max(1, Math.floor(options.workers ?? 1));
    this.#threads = Math.max(1, Math.floor(options.threadsPerWorker ?? availableParallelism() / workers));
    this.#slots = Array.from({ length: workers }, () => ({ worker: null, assigned: 0, pending: new Map(), loaded: new Map() }));
    this.#plan = options.plan ?? null;
    this.#script = options.script ?? null;
  }

  get plan(): ProviderPlan {
    this.#plan ??= planProviders(hostFacts());
    return this.#plan;
  }

  /** Loads a model once per client; later calls with the same path share the handle. */
  load(modelPath: string): Promise<ModelHandle> {
    return sharedPromise(this.#byPath, modelPath, () => this.#open(modelPath, modelPath));
  }

  /** Feeds' buffers are handed to the worker (detached here) when a tensor owns its whole buffer. */
  async run(handle: ModelHandle, feeds: TensorMap): Promise<TensorMap> {
    const model = this.#models.get(handle.id);
    if (!model) throw new InferenceError(handle.modelPath, 'model was released or belongs to another client');
    const slot = this.#leastBusy();
    slot.assigned++;
    try {
      await this.#ensureLoaded(slot, model);
      const reply = await this.#send(
        slot,
        model.handle.modelPath,
        (id) => ({ kind: 'run', id, session: handle.id, feeds }),
        transferables(feeds),
      );
      if (reply.kind !== 'ran') throw new InferenceError(handle.modelPath, `unexpected worker reply ${reply.kind}`);
      return reply.outputs;
    } finally {
      slot.assigned--;
    }
  }

  async release(handle: ModelHandle): Promise<void> {
    const model = this.#models.get(handle.id);
    if (!model) return;
    this.#models.delete(handle.id);
    this.#byPath.delete(handle.modelPath);
    await Promise.all(
      this.#slots.map(async (slot) => {
        if (!slot.loaded.has(handle.id) || !slot.worker) return;
        slot.loaded.delete(handle.id);
        await this.#send(slot, handle.modelPath, (id) => ({ kind: 'release', id, session: handle.id }), []);
      }),
    );
  }

  /**
   * The provider the runtime really uses: that of the last model opened, or, before any model, of a
   * one-node probe model opened with the same plan.
   */
  async providerReport(): Promise<ExecutionProviderReport> {
    if (!this.#lastReport) {
      const probe = await this.#open(PROBE_PATH, probeModelBytes());
      await this.release(probe);
    }
    return this.#lastReport ?? { active: 'cpu', available: this.plan.available, fallbackReason: null };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      this.#slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = null;
        this.#failAll(slot, new Error('inference client closed'));
        if (worker) await worker.terminate();
      }),
    );
  }

  async #open(modelPath: string, source: string | Uint8Array): Promise<ModelHandle> {
    const id = this.#nextId++;
    const slot = this.#slots[0];
    const reply = await this.#load(slot, id, modelPath, source);
    if (reply.kind !== 'loaded') throw new InferenceError(modelPath, `unexpected worker reply ${reply.kind}`);
    const handle: ModelHandle = {
      id,
      modelPath,
      provider: reply.provider,
      fallbackReason: reply.fallbackReason,
      inputs: reply.inputs,
      outputs: reply.outputs,
    };
    this.#models.set(id, { handle, source });
    slot.loaded.set(id, Promise.resolve());
    this.#lastReport = { active: reply.provider, available: this.plan.available, fallbackReason: reply.fallbackReason };
    return handle;
  }

  #load(slot: Slot, id: number, modelPath: string, source: string | Uint8Array): Promise<WorkerReply> {
    return this.#send(
      slot,
      modelPath,
      (requestId) => ({ kind: 'load', id: requestId, session: id, model: source, plan: this.plan, threads: this.#threads }),
      [],
    );
  }

  #ensureLoaded(slot: Slot, model: Model): Promise<void> {
    let loaded = slot.loaded.get(model.handle.id);
    if (!loaded) {
      loaded = this.#load(slot, model.handle.id, model.handle.modelPath, model.source).then(() => undefined);
      slot.loaded.set(model.handle.id, loaded);
      loaded.catch(() => slot.loaded.delete(model.handle.id));
    }
    return loaded;
  }

  #leastBusy(): Slot {
    return this.#slots.reduce((best, slot) => (slot.assigned < best.assigned ? slot : best));
  }

  #worker(slot: Slot): Worker {
    if (this.#closed) throw new Error('inference client closed');
    if (slot.worker) return slot.worker;
    // Resolved on first use, so a client can be created (and a project opened) before any worker is needed.
    this.#script ??= inferenceWorkerScript();
    const worker = new Worker(this.#script.entry, { eval: this.#script.eval });
    // An idle worker must not keep a CLI process alive; pending calls hold it with ref().
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const pending = slot.pending.get(reply.id);
      if (!pending) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      pending.resolve(reply);
    });
    const lost = (error: Error) => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      slot.loaded.clear();
      this.#failAll(slot, error);
    };
    worker.on('error', (error) => lost(error));
    worker.on('exit', (code) => lost(new Error(`inference worker exited with code ${code}`)));
    slot.worker = worker;
    return worker;
  }

  #send(slot: Slot, modelPath: string, build: (id: number) => WorkerRequest, transfer: ArrayBuffer[]): Promise<WorkerReply> {
    return new Promise<WorkerReply>((resolve, reject) => {
      let worker: Worker;
      try {
        worker = this.#worker(slot);
      } catch (error) {
        reject(new InferenceError(modelPath, (error as Error).message));
        return;
      }
      const id = this.#nextId++;
      slot.pending.set(id, {
        resolve: (reply) => (reply.kind === 'failed' ? reject(new InferenceError(modelPath, reply.message)) : resolve(reply)),
        reject: (error) => reject(new InferenceError(modelPath, error.message)),
      });
      worker.ref();
      worker.postMessage(build(id), transfer);
    });
  }

  #failAll(slot: Slot, error: Error): void {
    const pending = [...slot.pending.values()];
    slot.pending.clear();
    for (const p of pending) p.reject(error);
  }
}
