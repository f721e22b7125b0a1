import { InferenceClient } from './inference-client.ts';

let shared: InferenceClient | null = null;

/**
 * The process's one inference client, shared by vision and synthesis so their models sit in the
 * same worker(s) instead of competing for the cores. `LIKENESS_INFERENCE_WORKERS` sets the worker
 * count (default 1).
 */
export function sharedInferenceClient(): InferenceClient {
  if (!shared) {
    const workers = Number.parseInt(process.env.LIKENESS_INFERENCE_WORKERS ?? '', 10);
    shared = new InferenceClient({ workers: Number.isFinite(workers) && workers > 0 ? workers : 1 });
  }
  return shared;
}

export async function closeSharedInferenceClient(): Promise<void> {
  const client = shared;
  shared = null;
  await client?.close();
}
