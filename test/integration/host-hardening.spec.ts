import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { socketLimits } from '../../app/main/host/web/socket-limits.ts';
import { collectTextFrames, frame, openRawSocket, textFrame } from './support/raw-socket.ts';
import { seededUniform } from '../../app/main/core/seeded-random.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
/** What another client's call may take while one client attacks: the bound. */
const FAIR_MS = 100;
/** Growth of the host's resident memory that the slow-reader attack must stay under (docs/reliability.md). */
const RSS_BOUND = 256 * 2 ** 20;
const MiB = 2 ** 20;

interface Served {
  readonly child: ChildProcess;
  readonly origin: string;
  readonly token: string;
  memory(gc?: boolean): Promise<NodeJS.MemoryUsage>;
}

/** The web host in a process of its own, over a project with 600 variants in one group. */
async function startServer(dir: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(repoRoot, 'test/integration/support/seeded-server.ts'), dir, '600'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  const first = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) done(out.split('\n')[0]!);
    });
    child.once('exit', (code) => fail(new Error(`the server exited with ${code} before it started`)));
  });
  const { origin, token } = JSON.parse(first) as { origin: string; token: string };
  return {
    child,
    origin,
    token,
    memory: (gc = false) =>
      new Promise((done) => {
        child.once('message', (message: { usage: NodeJS.MemoryUsage }) => done(message.usage));
        child.send({ type: 'memory', gc });
      }),
  };
}

type Reply = { ok: boolean; output?: unknown; error?: { code: string; message: string } };

/** An honest client, as a browser tab is: one socket, calls by id. */
class Client {
  #next = 1;
  readonly #pending = new Map<number, (reply: Reply) => void>();
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; id: number; reply: Reply };
      if (message.type === 'reply') this.#pending.get(message.id)?.(message.reply);
    });
  }

  static async connect(served: Served): Promise<Client> {
    const ws = new WebSocket(`${served.origin.replace('http', 'ws')}/api/ws`, { headers: { authorization: `Bearer ${served.token}` } });
    await new Promise((done, fail) => {
      ws.once('open', done);
      ws.once('error', fail);
    });
    return new Client(ws);
  }

  call(command: string, input: unknown): Promise<Reply> {
    const id = this.#next++;
    return new Promise((done) => {
      this.#pending.set(id, (reply) => {
        this.#pending.delete(id);
        done(reply);
      });
      this.ws.send(JSON.stringify({ type: 'call', id, command, input }));
    });
  }

  /** Milliseconds for one small call to come back. */
  async roundTrip(): Promise<number> {
    const sent = performance.now();
    const reply = await this.call('project.current', {});
    expect(reply.ok).toBe(true);
    return performance.now() - sent;
  }
}

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const closed = (socket: Socket) => new Promise<void>((done) => (socket.destroyed ? done() : socket.once('close', () => done())));

describe('the web host under hostile clients', () => {
  const dir = mkdtempSync(join(tmpdir(), 'likeness-hardening-'));
  let served: Served;
  let victim: Client;

  beforeAll(async () => {
    served = await startServer(dir);
    victim = await Client.connect(served);
    // Warm: the first call of a process compiles the code paths every later one uses.
    for (let i = 0; i < 20; i += 1) await victim.roundTrip();
  });

  afterAll(async () => {
    victim?.ws.close();
    if (served && served.child.exitCode === null) {
      served.child.kill('SIGTERM');
      await new Promise((done) => served.child.once('exit', done));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const expectUp = (): void => expect(served.child.exitCode, 'the host process exited').toBeNull();

  it('survives every malformed frame and message, answering another client within 100 ms each time', { timeout: 120_000 }, async () => {
    const call = (id: number, command: string, input: unknown) => JSON.stringify({ type: 'call', id, command, input });
    const ids = (n: number) => Array.from({ length: n }, (_, i) => 1_000_000 + i);
    // [name, bytes, what the attacker's socket should see: a reply code on a socket kept open, or a close]
    const named: [string, Buffer, { reply: string } | { close: true }][] = [
      ['invalid UTF-8 in a text frame', frame({ opcode: 1, payload: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) }), { close: true }],
      ['an unmasked client frame', frame({ opcode: 1, payload: call(1, 'project.current', {}), mask: false }), { close: true }],
      ['RSV1 set without an extension', frame({ opcode: 1, payload: '{}', rsv: 4 }), { close: true }],
      ['reserved opcode 3', frame({ opcode: 3, payload: 'x' }), { close: true }],
      ['close code 999', frame({ opcode: 8, payload: Buffer.from([0x03, 0xe7]) }), { close: true }],
      ['a fragmented ping', frame({ opcode: 9, payload: 'p', fin: false }), { close: true }],
      ['a stray continuation frame', frame({ opcode: 0, payload: 'x' }), { close: true }],
      ['a header claiming 1 GiB', frame({ opcode: 1, claimedLength: 2 ** 30 }), { close: true }],
      ['a header claiming 2^53 bytes', frame({ opcode: 2, claimedLength: 2 ** 53 - 1 }), { close: true }],
      [
        'synthesis.start with 200,000 image ids (1.6 MB)',
        textFrame(call(5, 'synthesis.start', { scope: { kind: 'images', imageIds: ids(200_000) }, edits: [{ kind: 'relight' }] })),
        { reply: 'INVALID_INPUT' },
      ],
      [
        'a 3 MiB call, over the message limit',
        textFrame(call(6, 'curation.decide', { variantIds: ids(380_000) })),
        { reply: 'PAYLOAD_TOO_LARGE' },
      ],
      ['a 5 MiB call, over the frame limit', textFrame(call(7, 'curation.decide', { variantIds: ids(640_000) })), { close: true }],
      [
        'half a million nested arrays',
        textFrame(`{"type":"call","id":8,"command":"project.open","input":{"path":${'['.repeat(MiB / 2)}${']'.repeat(MiB / 2)}}}`),
        { reply: 'INVALID_INPUT' },
      ],
      [
        '100,000 nested objects',
        textFrame(`{"type":"call","id":9,"command":"project.open","input":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`),
        { reply: 'INVALID_INPUT' },
      ],
      ['a binary frame', frame({ opcode: 2, payload: Buffer.from(call(10, 'project.current', {})) }), { reply: 'INVALID_INPUT' }],
      ['JSON that is not a call', textFrame('[1,2,3]'), { reply: 'INVALID_INPUT' }],
      ['text that is not JSON', textFrame('{"type":"call","id":12,'), { reply: 'INVALID_INPUT' }],
      ['an unknown command', textFrame(call(13, 'fs.readFile', { path: '/etc/passwd' })), { reply: 'UNKNOWN_COMMAND' }],
      [
        'a curation page of 250,000 tiles',
        textFrame(
          call(15, 'curation.page', {
            view: { groupBy: 'edit' },
            segments: Array.from({ length: 500 }, () => ({ groupKey: 'relight', offset: 0, limit: 500 })),
          }),
        ),
        { reply: 'INVALID_INPUT' },
      ],
    ];
    const random = seededUniform(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    const junk = (n: number) =>
      Array.from({ length: n }, () => pick('{}[]":,.-+0123456789eEtrufalsn\\ abc\u00e9\ud83d'.split(''))).join('');
    const commands = [
      'project.current',
      'project.open',
      'dataset.images',
      'curation.page',
      'curation.decide',
      'synthesis.start',
      'export.start',
      'jobs.list',
      'nope',
    ];
    const randomInputs: [string, Buffer][] = Array.from({ length: 240 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return [`random bytes #${i}`, bytes(1 + Math.floor(random() * 2000))];
        case 1:
          return [
            `a frame with random header bits #${i}`,
            frame({
              opcode: Math.floor(random() * 16),
              fin: random() < 0.5,
              rsv: Math.floor(random() * 8),
              mask: random() < 0.8,
              payload: bytes(Math.floor(random() * 1000)),
            }),
          ];
        case 2:
          return [`a text frame of JSON-like junk #${i}`, textFrame(junk(1 + Math.floor(random() * 3000)))];
        default:
          return [
            `a call with junk input #${i}`,
            textFrame(`{"type":"call","id":${i},"command":"${pick(commands)}","input":${junk(Math.floor(random() * 400))}}`),
          ];
      }
    });

    const latencies: number[] = [];
    const outcomes = { tried: 0, keptWithReply: 0, closedByHost: 0 };
    for (const [name, bytesToSend, expected] of [...named, ...randomInputs.map(([n, b]) => [n, b, null] as const)]) {
      const socket = await openRawSocket(served.origin, served.token);
      const seen = collectTextFrames(socket);
      const gone = closed(socket);
      socket.on('error', () => {});
      onTestFinished(() => void socket.destroy());
      socket.write(bytesToSend);
      const rtt = await victim.roundTrip();
      latencies.push(rtt);
      expect(rtt, `another client's call while the host handled ${name}`).toBeLessThan(FAIR_MS);
      if (expected && 'reply' in expected) {
        // The attacker's own socket stays usable: its next call is answered.
        socket.write(textFrame(call(99, 'project.current', {})));
        for (let waited = 0; !seen.frames.some((f) => f.includes('"id":99')) && waited < 5000; waited += 5) await sleep(5);
        const replies = seen.frames.map((f) => JSON.parse(f) as { reply: Reply });
        expect(replies[0]?.reply.error?.code, name).toBe(expected.reply);
        expect(replies.at(-1)?.reply.ok, `${name}: the socket is kept`).toBe(true);
        outcomes.keptWithReply += 1;
      } else if (expected) {
        await Promise.race([gone, sleep(5000)]);
        expect(socket.destroyed || seen.closeCode() !== null, `${name}: the host closes that socket`).toBe(true);
        outcomes.closedByHost += 1;
      } else {
        await Promise.race([gone, sleep(10)]);
      }
      socket.destroy();
      outcomes.tried += 1;
      expectUp();
    }
    console.info(
      `protocol fuzz: ${outcomes.tried} hostile inputs (${named.length} named, ${randomInputs.length} seeded random), ${outcomes.keptWithReply} answered on a kept socket, ${outcomes.closedByHost} closed; ` +
        `other client's round trip p50 ${percentile(latencies, 50).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    expect(outcomes.tried).toBeGreaterThanOrEqual(200 + 8);
    expect((await victim.call('curation.groups', { view: { groupBy: 'edit' } })).ok).toBe(true);
  });

  it("keeps another client's p99 under 100 ms while one client bursts 10,000 calls", { timeout: 120_000 }, async () => {
    const attacker = await Client.connect(served);
    const burst = Array.from({ length: 10_000 }, (_, i) =>
      i % 2 === 0
        ? attacker.call('project.current', {})
        : attacker.call('curation.page', { view: { groupBy: 'edit' }, segments: [{ groupKey: 'relight', offset: i % 500, limit: 20 }] }),
    );
    let answered = 0;
    for (const reply of burst) void reply.then(() => (answered += 1));
    const latencies: number[] = [];
    while (answered < burst.length) latencies.push(await victim.roundTrip());
    const replies = await Promise.all(burst);
    attacker.ws.close();
    const p99 = percentile(latencies, 99);
    console.info(
      `burst: 10,000 calls from one client; the other client made ${latencies.length} calls meanwhile: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(latencies.length).toBeGreaterThan(20);
    expect(p99).toBeLessThan(FAIR_MS);
    expectUp();
  });

  it(
    'drops clients that never read their replies, keeping memory growth under 256 MiB; what the host holds falls back once they leave, and a second wave adds nothing',
    { timeout: 150_000 },
    async () => {
      const readers = socketLimits.maxSockets - 1;
      // 200 requests per socket, each for the largest page there is (1,000 tiles, about 0.3 MB of
      // reply), never read: 0.9 GB of replies if the host kept them all.
      const page = { view: { groupBy: 'edit' }, segments: [0, 1].map(() => ({ groupKey: 'relight', offset: 0, limit: 500 })) };
      const request = textFrame(JSON.stringify({ type: 'call', id: 1, command: 'curation.page', input: page }));
      const attack = async () => {
        const sockets = await Promise.all(Array.from({ length: readers }, () => openRawSocket(served.origin, served.token)));
        await expect(openRawSocket(served.origin, served.token)).rejects.toThrow(/503/);
        for (const socket of sockets) {
          socket.pause();
          socket.on('error', () => {});
          for (let i = 0; i < 200; i += 1) socket.write(request);
        }
        let peak = 0;
        const latencies: number[] = [];
        const started = performance.now();
        let reopened: Socket | null = null;
        // The host has dropped the readers once a new socket is let in again.
        while (!reopened && performance.now() - started < 60_000) {
          latencies.push(await victim.roundTrip());
          peak = Math.max(peak, (await served.memory()).rss);
          reopened = await openRawSocket(served.origin, served.token).catch(() => null);
          await sleep(20);
        }
        reopened?.destroy();
        for (const socket of sockets) socket.destroy();
        await sleep(300);
        return { peak, latencies, dropped: reopened !== null, seconds: (performance.now() - started) / 1000 };
      };
      const held = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external + m.arrayBuffers;

      await sleep(200); // sockets of the tests before have closed on the host's side too
      const baseline = await served.memory(true);
      const first = await attack();
      const between = await served.memory(true);
      // A second wave: the memory the first left with the allocator is reused, not added to.
      const second = await attack();
      const after = await served.memory(true);
      const latencies = [...first.latencies, ...second.latencies];
      const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
      console.info(
        `slow readers: 2 waves of ${readers} sockets × 200 page requests of ~0.3 MB never read, dropped by the host after ${first.seconds.toFixed(1)} s and ${second.seconds.toFixed(1)} s; ` +
          `host RSS ${mib(baseline.rss)} → peak ${mib(first.peak)} (+${mib(first.peak - baseline.rss)}) → ${mib(between.rss)} after they left → second peak ${mib(second.peak)} → ${mib(after.rss)}; ` +
          `held by the host (heap + external + array buffers) ${mib(held(baseline))} → ${mib(held(between))} → ${mib(held(after))}; ` +
          `other client's round trip p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
      );
      expect(first.dropped && second.dropped, 'the host dropped the clients that do not read').toBe(true);
      expect(Math.max(first.peak, second.peak) - baseline.rss).toBeLessThan(RSS_BOUND);
      expect(held(between) - held(baseline)).toBeLessThan(16 * MiB);
      expect(held(after) - held(baseline)).toBeLessThan(16 * MiB);
      expect(second.peak - first.peak).toBeLessThan(32 * MiB);
      // Each of these calls is the heaviest the API allows (tens of ms on a loaded machine) and one
      // may be running when the other client's call arrives, so the typical call waits about one of
      // them (45–62 ms measured); the margin is for CI running other test files on the same 2 cores.
      expect(percentile(latencies, 50)).toBeLessThan(FAIR_MS * 1.5);
      expectUp();
    },
  );
});
