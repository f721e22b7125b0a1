import { describe, expect, it } from 'vitest';
import { openWithFallback, planProviders, type HostFacts } from './execution-providers.ts';

const linux: HostFacts = {
  platform: 'linux',
  arch: 'x64',
  backends: [
    { name: 'cpu', bundled: true },
    { name: 'webgpu', bundled: true },
    { name: 'cuda', bundled: false },
    { name: 'tensorrt', bundled: false },
  ],
  cudaBinariesPresent: false,
  forced: undefined,
};

describe('planProviders', () => {
  it('skips CUDA with a reason when its libraries are not installed, and keeps CPU', () => {
    const plan = planProviders(linux);
    expect(plan.candidates).toEqual(['cpu']);
    expect(plan.skipped).toHaveLength(1);
    expect(plan.skipped[0].reason).toMatch(/cuda: the CUDA provider libraries are not installed/);
    expect(plan.available).toEqual(['cpu', 'webgpu']);
  });

  it('tries CUDA first on Linux x64 when its libraries are there', () => {
    expect(planProviders({ ...linux, cudaBinariesPresent: true }).candidates).toEqual(['cuda', 'cpu']);
  });

  it('prefers DirectML on Windows and CoreML on macOS', () => {
    const windows = planProviders({
      ...linux,
      platform: 'win32',
      backends: [
        { name: 'cpu', bundled: true },
        { name: 'dml', bundled: true },
      ],
    });
    expect(windows.candidates).toEqual(['dml', 'cpu']);
    const mac = planProviders({
      ...linux,
      platform: 'darwin',
      arch: 'arm64',
      backends: [
        { name: 'cpu', bundled: true },
        { name: 'coreml', bundled: true },
      ],
    });
    expect(mac.candidates).toEqual(['coreml', 'cpu']);
  });

  it('has nothing to prefer on other platforms', () => {
    const plan = planProviders({ ...linux, arch: 'arm64', backends: [{ name: 'cpu', bundled: true }] });
    expect(plan).toEqual({ candidates: ['cpu'], skipped: [], available: ['cpu'] });
  });

  it('obeys LIKENESS_EP, saying why an unusable choice was dropped', () => {
    expect(planProviders({ ...linux, forced: 'cpu' })).toMatchObject({ candidates: ['cpu'], skipped: [] });
    expect(planProviders({ ...linux, forced: 'webgpu' }).candidates).toEqual(['webgpu', 'cpu']);
    const dml = planProviders({ ...linux, forced: 'DML' });
    expect(dml.candidates).toEqual(['cpu']);
    expect(dml.skipped[0].reason).toMatch(/^LIKENESS_EP asked for dml: not offered/);
  });
});

describe('openWithFallback', () => {
  it('falls back to CPU when CUDA fails to start, and records why', async () => {
    const tried: string[] = [];
    const choice = await openWithFallback({ candidates: ['cuda', 'cpu'], skipped: [], available: ['cpu', 'cuda'] }, async (provider) => {
      tried.push(provider);
      if (provider === 'cuda') throw new Error('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library\nmore detail');
      return `session on ${provider}`;
    });
    expect(tried).toEqual(['cuda', 'cpu']);
    expect(choice.provider).toBe('cpu');
    expect(choice.session).toBe('session on cpu');
    expect(choice.fallbackReason).toBe('cuda: OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library');
  });

  it('reports no fallback when the first choice works', async () => {
    const choice = await openWithFallback({ candidates: ['cuda', 'cpu'], skipped: [], available: [] }, async (p) => p);
    expect(choice).toEqual({ session: 'cuda', provider: 'cuda', fallbackReason: null });
  });

  it('fails with every provider’s reason when none can open the model', async () => {
    await expect(
      openWithFallback({ candidates: ['cpu'], skipped: [], available: [] }, async () => {
        throw new Error('Load model failed: file does not exist');
      }),
    ).rejects.toThrow('cpu: Load model failed: file does not exist');
  });
});
