import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'likeness_token';

/** A random per-run secret. The URL printed at start carries it once; after that it lives in an HttpOnly cookie. */
export class WebAuth {
  readonly token: string;
  readonly #tokenBytes: Buffer;
  readonly #allowedHosts: Set<string>;

  constructor(port: number) {
    this.token = randomBytes(32).toString('base64url');
    this.#tokenBytes = Buffer.from(this.token);
    // Checking Host defeats DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends its own name.
    this.#allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  }

  matches(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === this.#tokenBytes.length && timingSafeEqual(bytes, this.#tokenBytes);
  }

  hostAllowed(request: IncomingMessage): boolean {
    return this.#allowedHosts.has(request.headers.host ?? '');
  }

  /** Browsers send Origin on WebSocket upgrades; only our own page may open one. */
  originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    try {
      return this.#allowedHosts.has(new URL(origin).host) && new URL(origin).protocol === 'http:';
    } catch {
      return false;
    }
  }

  authorized(request: IncomingMessage): boolean {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ') && this.matches(header.slice('Bearer '.length))) return true;
    return this.matches(readCookie(request, TOKEN_COOKIE));
  }

  cookieHeader(): string {
    return `${TOKEN_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function readCookie(request: IncomingMessage, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}
