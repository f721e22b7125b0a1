import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createAppServices, type AppServices } from '../../app/main/host/app-services.ts';
import { startWebHost, type WebHost } from '../../app/main/host/web/web-host.ts';
import { runCli, startAppServer } from '../e2e/support/app-server.ts';
import { sharedFacesDir, sharedFacesOrSkip } from '../fixtures/shared-faces.ts';

/** A browser tab: one authenticated socket that records every event and answers calls by id. */
class Client {
  readonly events: { event: string; payload: unknown }[] = [];
  #next = 1;
  #pending = new Map<number, (reply: { ok: boolean; output?: unknown; error?: unknown }) => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; id?: number; reply?: never; event?: string; payload?: unknown };
      if (frame.type === 'reply') this.#pending.get(frame.id!)?.(frame.reply!);
      else if (frame.type === 'event') this.events.push({ event: frame.event!, payload: frame.payload });
    });
  }

  static async connect(host: WebHost): Promise<Client> {
    const { host: hostHeader } = new URL(host.origin);
    const login = await fetch(host.signInUrl(), { redirect: 'manual' });
    const cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/api/ws`, { headers: { host: hostHeader, cookie, origin: host.origin } });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new Client(ws);
  }

  async call(command: string, input: unknown): Promise<unknown> {
    const id = this.#next++;
    const reply = await new Promise<{ ok: boolean; output?: unknown; error?: unknown }>((resolve) => {
      this.#pending.set(id, resolve);
      this.ws.send(JSON.stringify({ type: 'call', id, command, input }));
    });
    this.#pending.delete(id);
    if (!reply.ok) throw new Error(`${command}: ${JSON.stringify(reply.error)}`);
    return reply.output;
  }
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A fresh project served by the real web host (with a stub page: these tests speak to the API only) for one describe block. */
function servedProject(name: string): { services: () => AppServices; host: () => WebHost } {
  let services: AppServices;
  let host: WebHost;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `likeness-concurrency-${name}-`));
    const bundle = join(dir, 'bundle');
    mkdirSync(bundle);
    writeFileSync(join(bundle, 'index.html'), '<!doctype html><title>Likeness</title>');
    services = createAppServices({ host: 'web', settingsDir: join(dir, 'settings'), log: () => {} });
    await services.workspace.open(join(dir, `${name}.likeness`), 'create');
    host = await startWebHost({ services, rendererDir: bundle });
  });
  afterAll(async () => {
    await host?.close();
    await services?.shutdown();
    // A fitted default generator alone is 49 MB.
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return { services: () => services, host: () => host };
}

/** Round-trip times of `calls`, made in turn, over and over, for as long as the job is queued or running. */
async function roundTripsWhileRunning(
  client: Client,
  services: AppServices,
  jobId: number,
  calls: readonly (readonly [string, unknown])[],
): Promise<number[]> {
  const session = services.workspace.require();
  const latencies: number[] = [];
  while (['queued', 'running'].includes(session.jobs.get(jobId).state)) {
    for (const [command, input] of calls) {
      const sent = performance.now();
      await client.call(command, input);
      latencies.push(performance.now() - sent);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return latencies;
}

describe.runIf(sharedFacesOrSkip())('one served project under load', () => {
  const served = servedProject('load');

  it('answers API calls with p95 under 50 ms while importing all of ../shared/faces, and two tabs see the same events and rows', async () => {
    const [a, b] = [await Client.connect(served.host()), await Client.connect(served.host())];
    const { jobId } = (await a.call('dataset.import', { layout: 'imagefolder', root: sharedFacesDir })) as { jobId: number };
    const latencies = await roundTripsWhileRunning(a, served.services(), jobId, [
      ['project.current', {}],
      ['dataset.images', { limit: 50 }],
    ]);
    await served.services().workspace.require().jobs.idle();
    const p95 = percentile(latencies, 95);
    console.info(
      `API round trip during import: ${latencies.length} calls, p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    expect(latencies.length).toBeGreaterThan(20);
    expect(p95).toBeLessThan(50);

    // Round trips on both sockets after the job ends: every event sent before them has arrived.
    await a.call('project.current', {});
    await b.call('project.current', {});
    const jobEvents = (c: Client) =>
      c.events.filter((e) => e.event === 'job.updated' || e.event === 'dataset.changed').map((e) => JSON.stringify(e));
    expect(jobEvents(a).length).toBeGreaterThan(2);
    expect(jobEvents(b)).toEqual(jobEvents(a));
    expect(jobEvents(a).at(-1)).toContain('"state":"done"');

    const page = (await b.call('dataset.images', { limit: 5 })) as { total: number; items: { id: number }[] };
    expect(page.total).toBe(975);
    const onA = (await a.call('dataset.images', { limit: 5 })) as { items: { id: number }[] };
    expect(onA.items.map((i) => i.id)).toEqual(page.items.map((i) => i.id));
    a.ws.close();
    b.ws.close();
  });
});

describe.runIf(sharedFacesOrSkip())('one served project while synthesis runs', () => {
  const served = servedProject('synthesis');

  it(
    'answers API calls with p95 under 50 ms while the default generator is fitted and variants are made',
    { timeout: 300_000 },
    async () => {
      const client = await Client.connect(served.host());
      const session = served.services().workspace.require();
      await client.call('dataset.import', { layout: 'imagefolder', root: join(sharedFacesDir, 'johns') });
      await session.jobs.idle();
      await client.call('vision.analyze', {});
      await session.jobs.idle();
      const { items } = (await client.call('dataset.images', { limit: 1 })) as { items: { id: number }[] };
      const view = { groupBy: 'source' };

      const { jobId } = (await client.call('synthesis.start', {
        sources: { kind: 'all' },
        pack: { kind: 'default' },
        edits: [
          { type: 'direction', name: 'light_left_right', strength: [-2, 2] },
          { type: 'mix', parts: ['hair'], donors: 'other-identities', strength: [0.6, 1] },
          { type: 'mix', parts: ['background'], donors: 'random', strength: [0.8, 1] },
        ],
        variantsPerSource: 4,
        seed: 11,
      })) as { jobId: number };
      const started = performance.now();
      // What an open curation grid asks for as variants land: the project, the groups, the first group's tiles.
      const latencies = await roundTripsWhileRunning(client, served.services(), jobId, [
        ['project.current', {}],
        ['curation.groups', { view }],
        ['curation.page', { view, segments: [{ groupKey: String(items[0]!.id), offset: 0, limit: 50 }] }],
      ]);
      const jobSeconds = (performance.now() - started) / 1000;
      await session.jobs.idle();
      const status = session.jobs.get(jobId);
      expect(status).toMatchObject({ state: 'done', done: status.total });
      expect(status.total).toBeGreaterThan(200);
      const p95 = percentile(latencies, 95);
      console.info(
        `API round trip during synthesis (${status.done} variants, ${jobSeconds.toFixed(1)} s): ${latencies.length} calls, p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
      );
      expect(latencies.length).toBeGreaterThanOrEqual(100);
      expect(p95).toBeLessThan(50);
      // A sequential caller sees a frozen host as one slow call, which p95 hides: the fit's encoder
      // solve once held the main thread for 1.5 s in one piece. The bound sits below that but well
      // above what a 2-core runner shared with other test files adds by descheduling (500 ms was hit).
      expect(Math.max(...latencies)).toBeLessThan(1_000);
      client.ws.close();
    },
  );
});

describe('a second process opening a served project', () => {
  it('is refused with a clear "in use" message and a non-zero exit, and the project stays intact', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'likeness-lock-'));
    const project = join(dir, 'held.likeness');
    const server = await startAppServer([project, '--create']);
    try {
      const second = runCli(['info', project]);
      let output = '';
      second.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      second.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
      expect(code).not.toBe(0);
      expect(output).toMatch(/in use by process \d+/);
      expect(output).toContain(project);
    } finally {
      await server.stop();
    }
    const db = new Database(project, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
