import { get } from 'svelte/store';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '#api/errors.ts';
import { ConnectionLostError } from './backend.ts';
import { defaultSocketUrl, WebBackend, type HostProbe } from './web-backend.ts';

/** Just enough of a WebSocket for the transport: the test plays the host. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readonly url: string;
  readonly sent: { id: number; command: string; input: unknown }[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: ((close: { code: number; reason: string }) => void) | null = null;

  constructor(url: string) {
    this.url = url;
    FakeSocket.all.push(this);
  }

  static get last(): FakeSocket {
    return FakeSocket.all[FakeSocket.all.length - 1];
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.onclose?.({ code: 1000, reason: '' });
  }

  open(): void {
    this.onopen?.();
  }

  drop(code = 1006): void {
    this.onclose?.({ code, reason: '' });
  }

  reply(id: number, reply: unknown): void {
    this.onmessage?.({ data: JSON.stringify({ type: 'reply', id, reply }) });
  }

  event(event: string, payload: unknown): void {
    this.onmessage?.({ data: JSON.stringify({ type: 'event', event, payload }) });
  }
}

function backend(probe: () => Promise<HostProbe> = async () => 'unreachable'): WebBackend {
  return new WebBackend({
    url: 'ws://host/api/ws',
    createSocket: (url) => new FakeSocket(url) as unknown as WebSocket,
    backoffMs: [100, 1_000],
    queueTimeoutMs: 5_000,
    probe,
  });
}

const systemInfo = { version: '1', host: 'web', executionProvider: { active: 'cpu', available: ['cpu'], fallbackReason: null } };

describe('WebBackend', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('tells an expired login from an unreachable host, and stops retrying the login (item 7)', async () => {
    const web = backend(async () => 'unauthorized');
    FakeSocket.last.open();
    FakeSocket.last.drop(1006);
    expect(get(web.connection).status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(0);
    expect(get(web.connection)).toEqual({ status: 'unauthorized', epoch: 1 });
    const sockets = FakeSocket.all.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeSocket.all.length).toBe(sockets);
    await expect(web.client.call('system.info', {})).rejects.toThrow(/login to the Likeness host has expired/);
  });

  it('keeps retrying when the host itself is unreachable', async () => {
    const web = backend(async () => 'unreachable');
    FakeSocket.last.open();
    FakeSocket.last.drop(1006);
    await vi.advanceTimersByTimeAsync(0);
    expect(get(web.connection)).toMatchObject({ status: 'reconnecting', reason: 'host unreachable' });
    await vi.advanceTimersByTimeAsync(200);
    expect(FakeSocket.all.length).toBe(2);
  });

  it('derives the socket URL from the page, with wss on https', () => {
    expect(defaultSocketUrl({ protocol: 'http:', host: '127.0.0.1:4100' })).toBe('ws://127.0.0.1:4100/api/ws');
    expect(defaultSocketUrl({ protocol: 'https:', host: 'example.test' })).toBe('wss://example.test/api/ws');
  });

  it('serves media from the host, keeping the key inside one path', () => {
    expect(backend().mediaUrl('thumbs/abc.webp')).toBe('/media/thumbs/abc.webp');
    expect(backend().mediaUrl('thumbs/a?b#c.webp')).toBe('/media/thumbs/a%3Fb%23c.webp');
  });

  it('holds calls made before the socket opens and sends them once it does', async () => {
    const web = backend();
    expect(get(web.connection)).toEqual({ status: 'connecting', epoch: 0 });
    const answer = web.client.call('system.info', {});
    expect(FakeSocket.last.sent).toEqual([]);
    FakeSocket.last.open();
    expect(get(web.connection)).toEqual({ status: 'open', epoch: 1 });
    const [frame] = FakeSocket.last.sent;
    expect(frame).toMatchObject({ type: 'call', command: 'system.info', input: {} });
    FakeSocket.last.reply(frame.id, { ok: true, output: systemInfo });
    await expect(answer).resolves.toEqual(systemInfo);
  });

  it('rethrows host errors as ApiError with their code', async () => {
    const web = backend();
    FakeSocket.last.open();
    const answer = web.client.call('project.open', { path: '/nope' });
    FakeSocket.last.reply(FakeSocket.last.sent[0].id, { ok: false, error: { code: 'NOT_FOUND', message: 'no /nope' } });
    await expect(answer).rejects.toSatisfy((error) => error instanceof ApiError && error.code === 'NOT_FOUND');
  });

  it('fails calls in flight when the socket drops, and never resends them', async () => {
    const web = backend();
    FakeSocket.last.open();
    const answer = web.client.call('project.create', { path: '/p.likeness' });
    FakeSocket.last.drop();
    await expect(answer).rejects.toSatisfy(
      (error) => error instanceof ConnectionLostError && error.code === 'DISCONNECTED' && /project\.create/.test(error.message),
    );
    vi.advanceTimersByTime(100);
    FakeSocket.last.open();
    expect(FakeSocket.last.sent).toEqual([]);
  });

  it('reconnects with backoff and keeps delivering events to the same listeners', () => {
    const web = backend();
    const seen: unknown[] = [];
    web.client.on('dataset.changed', (payload) => seen.push(payload));
    FakeSocket.last.open();
    FakeSocket.last.event('dataset.changed', { images: 1, identities: 1 });

    FakeSocket.last.drop();
    expect(get(web.connection)).toMatchObject({ status: 'reconnecting', attempt: 1, epoch: 1, reason: 'host unreachable' });
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.last.drop();
    expect(get(web.connection)).toMatchObject({ status: 'reconnecting', attempt: 2 });
    vi.advanceTimersByTime(999);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(3);

    FakeSocket.last.open();
    expect(get(web.connection)).toEqual({ status: 'open', epoch: 2 });
    FakeSocket.last.event('dataset.changed', { images: 2, identities: 1 });
    expect(seen).toEqual([
      { images: 1, identities: 1 },
      { images: 2, identities: 1 },
    ]);
  });

  it('fails a call that waited too long for a connection', async () => {
    const web = backend();
    const answer = web.client.call('system.info', {});
    vi.advanceTimersByTime(5_000);
    await expect(answer).rejects.toBeInstanceOf(ConnectionLostError);
    FakeSocket.last.open();
    expect(FakeSocket.last.sent).toEqual([]);
  });

  it('ignores malformed frames and replies to unknown calls', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    backend();
    FakeSocket.last.open();
    FakeSocket.last.onmessage?.({ data: 'not json' });
    FakeSocket.last.reply(999, { ok: true, output: null });
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it('stops reconnecting once disposed', async () => {
    const web = backend();
    FakeSocket.last.open();
    web.dispose();
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(1);
    await expect(web.client.call('system.info', {})).rejects.toBeInstanceOf(ConnectionLostError);
  });
});
