import { describe, expect, it } from 'vitest';
import { timePhase, variantSpeed, type PhaseTiming, type VariantTimings } from './variant-speed.ts';

const phase = (wallMs: number, cpuMs = wallMs, mainThreadMs: number | null = null): PhaseTiming => ({ wallMs, cpuMs, mainThreadMs });

describe('variant speed harness', () => {
  it('times a phase in wall and CPU time and hands back its result', async () => {
    const { result, timing } = await timePhase(async () => {
      const until = performance.now() + 60;
      let spins = 0;
      while (performance.now() < until) spins += 1;
      return spins;
    });
    expect(result).toBeGreaterThan(0);
    expect(timing.wallMs).toBeGreaterThanOrEqual(60);
    // A busy main thread: its CPU time is most of the wall time even on a loaded machine.
    expect(timing.cpuMs).toBeGreaterThan(20);
    if (process.platform === 'linux') expect(timing.mainThreadMs).not.toBeNull();
  });

  it('rates render + the job scoring and compares it with the bare scoring pass, not the first one', () => {
    const timings: VariantTimings = {
      variants: 10,
      render: phase(300, 500),
      jobScoring: phase(100),
      bareScoring: phase(50),
      photoScoring: phase(200),
      facesFound: 9,
    };
    const speed = variantSpeed(timings);
    // Per variant: render 30 ms, job scoring 10 ms, bare scoring 5 ms, photo scoring 20 ms.
    expect(speed.variantsPerSecond).toBe(25);
    expect(speed.scoringOnlyPerSecond).toBe(200);
    expect(speed.variantsPerSecondPhotoScoring).toBe(20);
    expect(speed.msPerVariant).toEqual({ render: 30, renderCpu: 50, jobScoring: 5, photoScoring: 20 });
    expect(speed.ratioToJobScoring).toBe(8);
    expect(speed.ratioToPhotoScoring).toBe(2.5);
  });
});
