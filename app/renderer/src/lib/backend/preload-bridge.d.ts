/**
 * What the Electron preload exposes on `window.likeness` through contextBridge. The renderer is
 * sandboxed, so this is its only way to the main process; it carries untyped wire values that
 * `ApiClient` checks against the contract.
 */
export interface LikenessBridge {
  /** Resolves with a wire `Reply` (`{ ok, output }` or `{ ok: false, error }`), never rejects for API errors. */
  call(command: string, input: unknown): Promise<unknown>;
  /** Returns an unsubscribe function. */
  onEvent(handler: (event: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    likeness?: LikenessBridge;
  }
}
