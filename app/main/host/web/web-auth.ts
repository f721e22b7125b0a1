import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * A random per-run secret in an HttpOnly cookie, reached through single-use sign-in codes: the URL
 * `likeness serve` prints carries one code, which works once, so a URL left in a shell history,
 * a screenshot or a browser's history signs nobody in later.
 */
export class WebAuth {
  /** The run's secret: the cookie's value, and the Bearer credential of programmatic clients. */
  readonly token: string;
  /** Cookies are shared by every port of a host; a name per port keeps two runs from overwriting each other's. */
  readonly cookieName: string;
  readonly #tokenBytes: Buffer;
  readonly #allowedHosts: Set<string>;
  /** Digests of the codes not yet used: a lookup by digest leaks nothing about a code through timing. */
  readonly #unusedCodes = new Set<string>();

  constructor(port: number) {
    this.token = randomBytes(32).toString('base64url');
    this.#tokenBytes = Buffer.from(this.token);
    this.cookieName = `likeness_${port}`;
    // Checking Host defeats DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends its own name.
    this.#allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  }

  /** A new code that signs one browser in once. */
  newSignInCode(): string {
    const code = randomBytes(32).toString('base64url');
    this.#unusedCodes.add(digest(code));
    return code;
  }

  /** True once per code: the code is spent by this call. */
  redeem(code: string): boolean {
    return this.#unusedCodes.delete(digest(code));
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
    return this.matches(readCookie(request, this.cookieName));
  }

  cookieHeader(): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function digest(code: string): string {
  return createHash('sha256').update(code).digest('base64url');
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
