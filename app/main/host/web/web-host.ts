import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError } from '../../../api/errors.ts';
import { ClientFrame, type HostFrame } from '../../../api/wire.ts';
import { isMediaKey, resolveMedia } from '../../media/media-resolver.ts';
import type { AppServices } from '../app-services.ts';
import { resolveStaticFile } from './static-files.ts';
import { applySecurityHeaders } from './security-headers.ts';
import { WebAuth } from './web-auth.ts';

export interface WebHostOptions {
  readonly services: AppServices;
  readonly rendererDir: string;
  /** 0 picks a free port. The host only ever binds to the loopback interface. */
  readonly port?: number;
}

export interface WebHost {
  /** Open this once in a browser: it carries the token and trades it for a cookie. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

const MAX_FRAME_BYTES = 1 << 20;

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const server = createServer();
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const auth = new WebAuth(port);
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  server.on('request', (request, response) => {
    applySecurityHeaders(response);
    handleHttp(request, response, options, auth).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, 'internal error');
      process.stderr.write(`web host: ${(error as Error).stack ?? String(error)}\n`);
    });
  });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/api/ws' || !auth.hostAllowed(request) || !auth.originAllowed(request) || !auth.authorized(request)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return ws.close(1003, 'text frames only');
        void answer(ws, data.toString(), options.services);
      });
    });
  });

  const unsubscribe = options.services.events.subscribe((event, payload) => {
    const frame = JSON.stringify({ type: 'event', event, payload } satisfies HostFrame);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${auth.token}`,
    origin,
    token: auth.token,
    close: () => closeAll(server, wss, sockets, unsubscribe),
  };
}

async function answer(ws: WebSocket, text: string, services: AppServices): Promise<void> {
  let frame: ClientFrame;
  try {
    frame = ClientFrame.parse(JSON.parse(text));
  } catch {
    ws.close(1008, 'malformed frame');
    return;
  }
  const reply = await services.router(frame.command, frame.input);
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'reply', id: frame.id, reply } satisfies HostFrame));
}

async function handleHttp(
  request: IncomingMessage,
  response: ServerResponse,
  options: WebHostOptions,
  auth: WebAuth,
): Promise<void> {
  if (!auth.hostAllowed(request)) return sendText(response, 421, 'wrong host');
  if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'method not allowed');
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');

  const offered = url.searchParams.get('token');
  if (offered !== null) {
    if (!auth.matches(offered)) return sendText(response, 401, 'invalid token');
    response.setHeader('Set-Cookie', auth.cookieHeader());
    response.writeHead(303, { Location: '/' });
    response.end();
    return;
  }
  if (!auth.authorized(request)) {
    return sendText(response, 401, 'Likeness: open the full URL that `likeness serve` printed (it carries the access token).');
  }

  if (url.pathname.startsWith('/media/')) {
    const key = safeDecode(url.pathname.slice('/media/'.length));
    const session = options.services.workspace.session;
    if (!key || !session || !isMediaKey(key)) return sendText(response, 404, 'not found');
    try {
      const media = resolveMedia(session, key);
      return sendFile(request, response, media.path, media.contentType);
    } catch (error) {
      if (error instanceof ApiError) return sendText(response, 404, 'not found');
      throw error;
    }
  }

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

async function closeAll(
  server: Server,
  wss: WebSocketServer,
  sockets: Set<WebSocket>,
  unsubscribe: () => void,
): Promise<void> {
  unsubscribe();
  for (const ws of sockets) ws.terminate();
  await new Promise<void>((done) => wss.close(() => done()));
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
}
