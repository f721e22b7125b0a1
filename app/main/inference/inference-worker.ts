import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { openWithFallback } from './execution-providers.ts';
import type { WorkerReply, WorkerRequest } from './inference-protocol.ts';
import { transferables, type TensorData, type TensorInfo, type TensorMap, type TensorType } from './tensor-data.ts';

// `session.run` blocks the thread it runs on, so every session lives here, off the main thread.
const port = parentPort;
if (!port) throw new Error('inference-worker must run as a worker_thread');

const sessions = new Map<number, ort.InferenceSession>();

function describe(meta: readonly ort.InferenceSession.ValueMetadata[]): TensorInfo[] {
  return meta.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

function toOrt(tensor: TensorData): ort.Tensor {
  return new ort.Tensor(tensor.type, tensor.data, tensor.dims);
}

function fromOrt(tensor: ort.Tensor): TensorData {
  const type = tensor.type as TensorType;
  if (type !== 'float32' && type !== 'uint8' && type !== 'int32' && type !== 'int64') {
    throw new Error(`output type ${tensor.type} is not supported across the worker boundary`);
  }
  return { type, dims: [...tensor.dims], data: tensor.data as TensorData['data'] };
}

async function handle(request: WorkerRequest): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  switch (request.kind) {
    case 'load': {
      const options = (provider: string): ort.InferenceSession.SessionOptions => ({
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        // One op at a time, each spread over this worker's share of the cores: the parallel
        // executor only pays off on wide graphs, and these are narrow.
        executionMode: 'sequential',
        interOpNumThreads: 1,
        intraOpNumThreads: request.threads,
        // Idle pool threads would otherwise spin for a while after each run, taking the cores the
        // main thread needs for decoding and warping between runs.
        extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
        logSeverityLevel: 3,
      });
      const { model } = request;
      // `create` has separate overloads for a path and for bytes, hence the two identical-looking calls.
      const choice = await openWithFallback(request.plan, (provider) =>
        typeof model === 'string'
          ? ort.InferenceSession.create(model, options(provider))
          : ort.InferenceSession.create(model, options(provider)),
      );
      sessions.set(request.session, choice.session);
      return {
        reply: {
          kind: 'loaded',
          id: request.id,
          provider: choice.provider,
          fallbackReason: choice.fallbackReason,
          inputs: describe(choice.session.inputMetadata),
          outputs: describe(choice.session.outputMetadata),
        },
        transfer: [],
      };
    }
    case 'run': {
      const session = sessions.get(request.session);
      if (!session) throw new Error(`session ${request.session} is not loaded in this worker`);
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, tensor] of Object.entries(request.feeds)) feeds[name] = toOrt(tensor);
      const results = await session.run(feeds);
      const outputs: TensorMap = {};
      for (const [name, value] of Object.entries(results)) outputs[name] = fromOrt(value as ort.Tensor);
      return { reply: { kind: 'ran', id: request.id, outputs }, transfer: transferables(outputs) };
    }
    case 'release': {
      await sessions.get(request.session)?.release();
      sessions.delete(request.session);
      return { reply: { kind: 'released', id: request.id }, transfer: [] };
    }
  }
}

port.on('message', (request: WorkerRequest) => {
  handle(request).then(
    ({ reply, transfer }) => port.postMessage(reply, transfer),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ kind: 'failed', id: request.id, message } satisfies WorkerReply);
    },
  );
});
