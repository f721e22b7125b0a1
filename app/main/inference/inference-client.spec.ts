import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceClient, InferenceError } from './inference-client.ts';
import { probeModelBytes } from './probe-model.ts';
import { float32Tensor } from './tensor-data.ts';

describe('InferenceClient', () => {
  let dir: string;
  let modelPath: string;
  const clients: InferenceClient[] = [];
  const client = (options?: ConstructorParameters<typeof InferenceClient>[0]) => {
    const c = new InferenceClient(options);
    clients.push(c);
    return c;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'likeness-inference-'));
    modelPath = join(dir, 'identity.onnx');
    writeFileSync(modelPath, probeModelBytes());
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a model in a worker thread and hands the outputs back', async () => {
    const c = client();
    const handle = await c.load(modelPath);
    expect(handle.inputs.map((i) => i.name)).toEqual(['X']);
    expect(handle.provider).toBeTruthy();
    const outputs = await c.run(handle, { X: float32Tensor(Float32Array.of(2.5), [1]) });
    expect(Array.from(outputs.Y.data as Float32Array)).toEqual([2.5]);
    expect(await c.load(modelPath)).toBe(handle);
  });

  it('spreads runs over several workers, each loading the model it is asked to run', async () => {
    const c = client({ workers: 2, threadsPerWorker: 1 });
    const handle = await c.load(modelPath);
    const values = Array.from({ length: 8 }, (_, i) => i + 0.5);
    const outputs = await Promise.all(values.map((v) => c.run(handle, { X: float32Tensor(Float32Array.of(v), [1]) })));
    expect(outputs.map((o) => (o.Y.data as Float32Array)[0])).toEqual(values);
  });

  it('names the model file and the reason when a model cannot load', async () => {
    const missing = join(dir, 'missing.onnx');
    const error = await client()
      .load(missing)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferenceError);
    expect((error as InferenceError).modelPath).toBe(missing);
    expect((error as InferenceError).message).toContain(missing);
  });

  it('falls back to CPU when the preferred provider is unavailable, and reports it', async () => {
    // CoreML never exists on Linux or Windows and is absent on a plain macOS CI build of ORT, so it
    // stands in for a missing GPU provider.
    const c = client({ plan: { candidates: ['coreml', 'cpu'], skipped: [], available: ['cpu'] } });
    const handle = await c.load(modelPath);
    if (process.platform === 'darwin' && handle.provider === 'coreml') return;
    expect(handle.provider).toBe('cpu');
    expect(handle.fallbackReason).toMatch(/^coreml: /);
    expect(await c.providerReport()).toMatchObject({ active: 'cpu', fallbackReason: handle.fallbackReason });
  });

  it('reports the active provider before any model is loaded, using a probe model', async () => {
    const report = await client().providerReport();
    expect(report.available).toContain('cpu');
    expect(report.available).toContain(report.active);
  });

  it('refuses work once closed', async () => {
    const c = client();
    const handle = await c.load(modelPath);
    await c.close();
    await expect(c.run(handle, { X: float32Tensor(Float32Array.of(1), [1]) })).rejects.toThrow(/closed/);
  });
});
