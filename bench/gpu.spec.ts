import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./gpu.sh', import.meta.url));

describe('bench/gpu.sh', () => {
  it('stops with a clear message and exit code 2 where there is no NVIDIA GPU, before any work', () => {
    const run = spawnSync('bash', [script], { encoding: 'utf8', env: { ...process.env, NVIDIA_SMI: '/nonexistent/nvidia-smi' } });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bench\/gpu\.sh: no NVIDIA GPU here: '\/nonexistent\/nvidia-smi' is not installed/);
    expect(run.stdout).toBe('');
  });

  it('says so when the driver tool is there but lists no GPU (a container started without one)', () => {
    const run = spawnSync('bash', [script], { encoding: 'utf8', env: { ...process.env, NVIDIA_SMI: 'false' } });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/no NVIDIA GPU here: 'false -L' lists none/);
  });
});
