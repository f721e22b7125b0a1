import type { Transport } from '#api/client.ts';
import type { AppServices } from './app-services.ts';

/**
 * Lets the CLI use the very same typed client and router as the renderers, so a command behaves
 * identically whether it was typed in a terminal or clicked in a window.
 */
export function inProcessTransport(services: AppServices): Transport {
  return {
    send: (command, input) => services.router(command, structuredClone(input)),
    listen: (handler) => services.events.subscribe((event, payload) => handler(event, payload)),
  };
}
