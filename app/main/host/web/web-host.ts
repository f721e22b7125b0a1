import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError } from '#api/errors.ts';
import type { HostFrame } from '#api/wire.ts';
import { isMediaKey, resolveMedia } from '../../project/media-resolver.ts';
import type { AppServices } from '../app-services.ts';
import { serveApiSocket } from './api-socket.ts';
import { FairScheduler } from './fair-scheduler.ts';
import { resolveStaticFile } from './static-files.ts';
import { applySecurityHeaders } from './security-headers.ts';
import { socketLimits, type SocketLimits } from './socket-limits.ts';
import { WebAuth } from './web-auth.ts';
import { appIconPath, FAVICON_PATH } from '../app-resources.ts';

export interface WebHostOptions {
  readonly services: AppServices;
  readonly rendererDir: string;
  /** 0 picks a free port. The host only ever binds to the loopback interface. */
  readonly port?: number;
  /** Tests lower these to reach them quickly; the defaults are the documented ones. */
  readonly limits?: Partial<SocketLimits>;
  readonly log?: (message: string) => void;
}

export interface WebHost {
  /** Open this once in a browser: it carries a single-use sign-in code and trades it for a cookie. */
  readonly url: string;
  readonly origin: string;
  /** The run's secret (the cookie's value); programmatic clients send it as `Authorization: Bearer`. */
  readonly token: string;
  /** The name of the cookie that carries the token; unique to this port. */
  readonly cookieName: string;
  /** A fresh single-use sign-in URL, for another browser or after the browser forgot its cookie. */
  signInUrl(): string;
  close(): Promise<void>;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const server = createServer();
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const auth = new WebAuth(port);
  const limits: SocketLimits = { ...socketLimits, ...options.limits };
  const log = options.log ?? ((message: string) => process.stderr.write(`web host: ${message}\n`));
  const sockets = new Set<WebSocket>();
  const scheduler = new FairScheduler();
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes });
  wss.on('error', (error) => log(`web socket server: ${error.message}`));
  server.on('clientError', (_error, socket) => socket.destroy());

  /** Drops the socket that is not reading: alone over its high-water mark, or the largest when all together are over budget. */
  const enforceSendBudget = (ws: WebSocket): void => {
    if (ws.bufferedAmount > limits.sendHighWater) return dropSlowReader(ws);
    let total = 0;
    let largest = ws;
    for (const other of sockets) {
      total += other.bufferedAmount;
      if (other.bufferedAmount > largest.bufferedAmount) largest = other;
    }
    if (total > limits.totalSendBudget) dropSlowReader(largest);
  };
  const dropSlowReader = (ws: WebSocket): void => {
    log(`dropped a client that is not reading its replies (${(ws.bufferedAmount / 2 ** 20).toFixed(1)} MiB unsent)`);
    sockets.delete(ws);
    ws.terminate();
  };

  server.on('request', (request, response) => {
    applySecurityHeaders(response);
    handleHttp(request, response, options, auth).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, 'internal error');
      process.stderr.write(`web host: ${(error as Error).stack ?? String(error)}\n`);
    });
  });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    socket.on('error', () => socket.destroy());
    if (url.pathname !== '/api/ws' || !auth.hostAllowed(request) || !auth.originAllowed(request) || !auth.authorized(request)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    if (sockets.size >= limits.maxSockets) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      serveApiSocket(ws, { router: options.services.router, scheduler, limits, afterSend: enforceSendBudget, log });
    });
  });

  const unsubscribe = options.services.events.subscribe((event, payload) => {
    const frame = JSON.stringify({ type: 'event', event, payload } satisfies HostFrame);
    for (const ws of sockets) {
      if (ws.readyState !== ws.OPEN) continue;
      ws.send(frame);
      enforceSendBudget(ws);
    }
  });

  const origin = `http://127.0.0.1:${port}`;
  const signInUrl = (): string => `${origin}/?token=${auth.newSignInCode()}`;
  return {
    url: signInUrl(),
    origin,
    token: auth.token,
    cookieName: auth.cookieName,
    signInUrl,
    close: () => closeAll(server, wss, sockets, unsubscribe),
  };
}

async function handleHttp(request: IncomingMessage, response: ServerResponse, options: WebHostOptions, auth: WebAuth): Promise<void> {
  if (!auth.hostAllowed(request)) return sendText(response, 421, 'wrong host');
  if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'method not allowed');
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');

  const offered = url.searchParams.get('token');
  if (offered !== null) {
    const redeemed = auth.redeem(offered);
    // A browser already signed in that opens a spent link again just lands on the app.
    if (!redeemed && !auth.authorized(request)) {
      return sendText(
        response,
        401,
        'Likeness: this sign-in link was already used or is not from this run. Each link signs one browser in once; press Enter in the terminal running `likeness serve` for a new one.',
      );
    }
    if (redeemed) response.setHeader('Set-Cookie', auth.cookieHeader());
    response.writeHead(303, { Location: '/' });
    response.end();
    return;
  }
  if (!auth.authorized(request)) {
    return sendText(response, 401, 'Likeness: open the full URL that `likeness serve` printed (it carries a sign-in code).');
  }

  if (url.pathname.startsWith('/media/')) {
    const key = safeDecode(url.pathname.slice('/media/'.length));
    const session = options.services.workspace.session;
    if (!key || !session || !isMediaKey(key)) return sendText(response, 404, 'not found');
    try {
      const media = await resolveMedia(session, key);
      return sendFile(request, response, media.path, media.contentType);
    } catch (error) {
      if (error instanceof ApiError) return sendText(response, 404, 'not found');
      throw error;
    }
  }

  if (url.pathname === FAVICON_PATH) return sendFile(request, response, appIconPath('svg'), 'image/svg+xml');

  const file = resolveStaticFile(options.rendererDir, url.pathname);
  if (!file) return sendText(response, 404, 'not found');
  return sendFile(request, response, file.path, file.contentType);
}

function sendFile(request: IncomingMessage, response: ServerResponse, path: string, contentType: string): void {
  response.writeHead(200, { 'Content-Type': contentType });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(path)
    .on('error', () => response.destroy())
    .pipe(response);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

async function closeAll(server: Server, wss: WebSocketServer, sockets: Set<WebSocket>, unsubscribe: () => void): Promise<void> {
  unsubscribe();
  for (const ws of sockets) ws.terminate();
  await new Promise<void>((done) => wss.close(() => done()));
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
}
