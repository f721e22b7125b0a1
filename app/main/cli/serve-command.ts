import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { flagString, type ParsedArgs } from './cli-args.ts';
import type { CliCommand, CliContext } from './cli-command.ts';
import { rendererDir } from '../host/renderer-location.ts';
import { startWebHost } from '../host/web/web-host.ts';

export const serveCommand: CliCommand = {
  name: 'serve',
  usage: 'likeness serve [file.likeness] [--port <n>] [--create]',
  summary: 'serve the app to a browser on 127.0.0.1 (prints a URL with a one-run access token)',
  switches: ['create'],
  async run(context) {
    const { args, client } = context;
    const path = args.positional[0];
    if (path) {
      if (existsSync(path)) await client.call('project.open', { path });
      else if (args.flags.has('create')) await client.call('project.create', { path });
      else throw new Error(`${path}: no such project (add --create to make it)`);
    }
    return serveUntilStopped(context);
  },
};

/** Serves the open project (or the picker) until SIGINT/SIGTERM; shared by `serve` and `demo`. */
export async function serveUntilStopped({ args, services, out }: CliContext): Promise<number> {
  const port = portOf(args);
  const host = await startWebHost({ services, rendererDir: rendererDir(), port });
  out(`Likeness is served at ${host.url}`);
  out('Open that URL in a browser on this machine; it signs one browser in, once. Ctrl+C stops.');
  const input = process.stdin.isTTY ? createInterface({ input: process.stdin }) : null;
  if (input) {
    out('Press Enter here for a new sign-in link.');
    input.on('line', () => out(`New sign-in link: ${host.signInUrl()}`));
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  input?.close();
  await host.close();
  return 0;
}

function portOf(args: ParsedArgs): number {
  const text = flagString(args, 'port') ?? '0';
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${text}`);
  return port;
}
