import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { appIconPath } from '../app-resources.ts';
import { createAppServices, type AppServices } from '../app-services.ts';
import { startWebHost, type WebHost } from './web-host.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP so that paths like `/../x` reach the server unnormalised, as an attacker would send them. */
function raw(host: WebHost, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const { port } = new URL(host.origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function openSocket(host: WebHost, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/api/ws`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('web host', () => {
  let services: AppServices;
  let host: WebHost;
  let cookie: string;
  const dir = mkdtempSync(join(tmpdir(), 'likeness-web-'));
  const bundle = join(dir, 'bundle');
  const secret = join(dir, 'secret.txt');

  beforeAll(async () => {
    mkdirSync(join(bundle, 'assets'), { recursive: true });
    writeFileSync(join(bundle, 'index.html'), '<!doctype html><title>Likeness</title>');
    writeFileSync(join(bundle, 'assets', 'app.js'), 'export {}');
    writeFileSync(secret, 'do not serve');
    symlinkSync(secret, join(bundle, 'assets', 'link-out.js'));
    services = createAppServices({ host: 'web', settingsDir: join(dir, 'settings'), log: () => {} });
    await services.workspace.open(join(dir, 'p.likeness'), 'create');
    host = await startWebHost({ services, rendererDir: bundle });
    const login = await raw(host, new URL(host.url).search.replace(/^/, '/'), { host: new URL(host.origin).host });
    cookie = String(login.headers['set-cookie']).split(';')[0]!;
  });

  afterAll(async () => {
    await host.close();
    await services.shutdown();
  });

  const hostHeader = (): Record<string, string> => ({ host: new URL(host.origin).host });
  const authed = (): Record<string, string> => ({ ...hostHeader(), cookie });

  it('binds to loopback and trades the URL token for an HttpOnly same-site cookie', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/);
    expect(cookie).toMatch(new RegExp(`^likeness_${new URL(host.origin).port}=`));
    const page = await raw(host, '/', authed());
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Likeness</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the app icon from resources/ as the favicon, as SVG, only to a signed-in browser', async () => {
    const icon = await raw(host, '/favicon.svg', authed());
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['x-content-type-options']).toBe('nosniff');
    expect(icon.body).toBe(readFileSync(appIconPath('svg'), 'utf8'));
    expect((await raw(host, '/favicon.svg', hostHeader())).status).toBe(401);
  });

  it('refuses every request without the token, and a wrong token', async () => {
    expect((await raw(host, '/', hostHeader())).status).toBe(401);
    expect((await raw(host, '/assets/app.js', hostHeader())).status).toBe(401);
    expect((await raw(host, '/?token=nope', hostHeader())).status).toBe(401);
    expect((await raw(host, '/', { ...hostHeader(), cookie: `${host.cookieName}=guess` })).status).toBe(401);
    expect((await raw(host, '/', { ...hostHeader(), cookie: `likeness_token=${host.token}` })).status).toBe(401);
  });

  it('signs a browser in once per link: a spent link is refused, unless that browser is already signed in', async () => {
    const link = new URL(host.signInUrl());
    const first = await raw(host, `/${link.search}`, hostHeader());
    expect(first.status).toBe(303);
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const again = await raw(host, `/${link.search}`, hostHeader());
    expect(again.status).toBe(401);
    expect(again.body).toMatch(/already used/);
    expect(again.headers['set-cookie']).toBeUndefined();
    const signedIn = await raw(host, `/${link.search}`, authed());
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a foreign Host header (DNS rebinding) even with the cookie', async () => {
    expect((await raw(host, '/', { host: 'evil.example', cookie })).status).toBe(421);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    `/${encodeURIComponent(secret)}`,
    `//${secret}`,
    '/assets/link-out.js',
    '/media/..%2f..%2fsecret.txt',
    '/media/thumbs/..%2f..%2f..%2fsecret.txt',
    '/media/originals/1',
    '/%00index.html',
  ])('refuses path traversal %s', async (path) => {
    const res = await raw(host, path, authed());
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('do not serve');
  });

  it('serves the API over a web socket only with the token and our own origin', async () => {
    await expect(openSocket(host, hostHeader())).rejects.toThrow(/401/);
    await expect(openSocket(host, { ...authed(), origin: 'http://evil.example' })).rejects.toThrow(/401/);
    const ws = await openSocket(host, { ...authed(), origin: host.origin });
    const reply = await new Promise<unknown>((resolve) => {
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; id?: number; reply?: unknown };
        if (frame.type === 'reply' && frame.id === 7) resolve(frame.reply);
      });
      ws.send(JSON.stringify({ type: 'call', id: 7, command: 'project.current', input: {} }));
    });
    expect(reply).toMatchObject({ ok: true, output: { name: 'p' } });
    ws.close();
  });

  it('refuses a reply over the reply limit with PAYLOAD_TOO_LARGE and keeps the socket', async () => {
    const small = await startWebHost({ services, rendererDir: bundle, limits: { maxReplyBytes: 120 }, log: () => {} });
    try {
      const ws = await openSocket(small, { host: new URL(small.origin).host, authorization: `Bearer ${small.token}` });
      const replies: { id: number; reply: { ok: boolean; error?: { code: string; message: string } } }[] = [];
      ws.on('message', (data) => replies.push(JSON.parse(String(data)) as (typeof replies)[number]));
      ws.send(JSON.stringify({ type: 'call', id: 1, command: 'project.current', input: {} }));
      ws.send(JSON.stringify({ type: 'call', id: 2, command: 'jobs.list', input: {} }));
      await new Promise<void>((done) => {
        const check = (): void => (replies.length >= 2 ? done() : void setTimeout(check, 5));
        check();
      });
      expect(replies.find((r) => r.id === 1)!.reply.error).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        message: expect.stringMatching(/ask for fewer items/),
      });
      expect(replies.find((r) => r.id === 2)!.reply).toEqual({ ok: true, output: [] });
      ws.close();
    } finally {
      await small.close();
    }
  });

  it('answers invalid input with INVALID_INPUT and unknown commands with UNKNOWN_COMMAND', async () => {
    const bad = await services.router('dataset.images', { limit: -5 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const unknown = await services.router('fs.readFile', { path: '/etc/passwd' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
  });
});
