import { describe, expect, it } from 'vitest';
import { FairScheduler } from './fair-scheduler.ts';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Stands for a call's synchronous work (a SQLite query).
  }
}

const tick = () => new Promise((done) => setImmediate(done));

describe('FairScheduler', () => {
  it("runs a quiet lane's call next, however much busy lanes have queued", async () => {
    const scheduler = new FairScheduler();
    const quiet = scheduler.lane(4);
    await new Promise<void>((done) => quiet.enqueue(async () => done()));
    let heavyRan = 0;
    const heavy = Array.from({ length: 15 }, () => scheduler.lane(4));
    for (const lane of heavy) {
      for (let i = 0; i < 20; i += 1) {
        lane.enqueue(async () => {
          busy(5);
          heavyRan += 1;
        });
      }
    }
    // Counted in calls, not milliseconds, so a loaded machine cannot make it pass or fail.
    const overtaken: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      await new Promise((done) => setTimeout(done, 15));
      const before = heavyRan;
      await new Promise<void>((done) => quiet.enqueue(async () => done()));
      overtaken.push(heavyRan - before);
    }
    expect(heavyRan).toBeLessThan(15 * 20);
    // Of the 300 heavy calls queued, at most the one running when the quiet call arrives and one
    // more started in that turn, before the quiet call was read, go ahead of it.
    expect(Math.max(...overtaken)).toBeLessThanOrEqual(2);
  });

  it('shares time between busy lanes in proportion, not by call count', async () => {
    const scheduler = new FairScheduler();
    const ran = { slow: 0, fast: 0 };
    const slow = scheduler.lane(4);
    const fast = scheduler.lane(4);
    for (let i = 0; i < 200; i += 1) {
      slow.enqueue(async () => {
        busy(4);
        ran.slow += 1;
      });
      fast.enqueue(async () => {
        busy(1);
        ran.fast += 1;
      });
    }
    while (ran.slow < 20) await tick();
    // Round-robin by call would give 1; by time, 4. Preemption on a loaded machine blurs the charges.
    expect(ran.fast / ran.slow).toBeGreaterThan(1.8);
  });

  it('drops the queued calls of a closed lane and never starts more than maxRunning at once', async () => {
    const scheduler = new FairScheduler();
    const lane = scheduler.lane(2);
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    for (let i = 0; i < 10; i += 1) {
      lane.enqueue(async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((done) => release.push(done));
        running -= 1;
      });
    }
    for (let i = 0; i < 5; i += 1) await tick();
    expect(most).toBe(2);
    lane.close();
    expect(lane.queued).toBe(0);
    for (const done of release.splice(0)) done();
    for (let i = 0; i < 5; i += 1) await tick();
    expect(release).toHaveLength(0);
  });
});
