import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { rendererDevConfig } from './renderer-dev-config.ts';

/** A stand-in for `likeness serve` on 127.0.0.1: answers the routes the dev server must pass through. */
function stubHost(): Promise<{ server: Server; origin: string; socketOrigins: (string | undefined)[] }> {
  const socketOrigins: (string | undefined)[] = [];
  const server = createHttpServer((request, response) => {
    if (request.url === '/?token=one-time') {
      response.writeHead(303, { Location: '/', 'Set-Cookie': 'likeness_1=ok; HttpOnly; SameSite=Strict; Path=/' });
      return response.end();
    }
    if (request.url === '/favicon.svg') {
      response.writeHead(200, { 'Content-Type': 'image/svg+xml' });
      return response.end('<svg/>');
    }
    if (request.url?.startsWith('/media/')) {
      response.writeHead(200, { 'Content-Type': 'image/webp' });
      return response.end(`media for ${request.headers.cookie ?? 'nobody'}`);
    }
    response.writeHead(404);
    response.end();
  });
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    socketOrigins.push(request.headers.origin);
    sockets.handleUpgrade(request, socket, head, (ws) => ws.send('hello'));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, socketOrigins }),
    ),
  );
}

describe('npm run dev: the renderer from source in front of a live host', () => {
  let host: Awaited<ReturnType<typeof stubHost>>;
  let dev: ViteDevServer;
  let devOrigin: string;

  beforeAll(async () => {
    host = await stubHost();
    dev = await createServer({ ...rendererDevConfig(host.origin, 5290), logLevel: 'silent' });
    await dev.listen();
    devOrigin = `http://127.0.0.1:${(dev.httpServer!.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await dev?.close();
    host?.server.close();
  });

  it('refuses to proxy anything but a host on 127.0.0.1', () => {
    expect(() => rendererDevConfig('http://example.com:4000')).toThrow(/likeness serve/);
  });

  it('serves the page and the Svelte sources with the hot-reload client', async () => {
    const page = await (await fetch(`${devOrigin}/`)).text();
    expect(page).toContain('/@vite/client');
    expect(page).toMatch(/<script type="module" src="\.?\/src\/main\.ts"/);
    const main = await fetch(`${devOrigin}/src/main.ts`);
    expect(main.status).toBe(200);
    const app = await fetch(`${devOrigin}/src/views/App.svelte`);
    expect(app.status).toBe(200);
    expect(await app.text()).toContain('import.meta.hot');
  });

  it('passes the sign-in, media and the favicon through to the host, cookie and all', async () => {
    const signIn = await fetch(`${devOrigin}/?token=one-time`, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('set-cookie')).toMatch(/^likeness_1=ok/);
    const icon = await fetch(`${devOrigin}/favicon.svg`);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await (await fetch(`${devOrigin}/media/thumbs/a.webp`, { headers: { cookie: 'likeness_1=ok' } })).text()).toBe(
      'media for likeness_1=ok',
    );
  });

  it('opens the API socket through to the host with the host’s own origin', async () => {
    const ws = new WebSocket(`${devOrigin.replace('http', 'ws')}/api/ws`, { headers: { origin: devOrigin } });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data) => resolve(String(data)));
      ws.once('error', reject);
    });
    ws.close();
    expect(first).toBe('hello');
    expect(host.socketOrigins).toEqual([host.origin]);
  });
});
