/**
 * `npm run dev -- <the URL likeness serve printed>`: serves the renderer from source with hot reload
 * against that running host, and prints the link to open (the same one-time sign-in code, now
 * through the dev server). `LIKENESS_URL` may carry the URL instead of the argument.
 */
import { createServer } from 'vite';
import { rendererDevConfig } from './renderer-dev-config.ts';

const printed = process.argv[2] ?? process.env.LIKENESS_URL;
if (!printed) {
  console.error(
    'usage: npm run dev -- http://127.0.0.1:<port>/?token=<code>\n' +
      'Start the host first, in another terminal: npx likeness serve <project.likeness> (it prints that URL).',
  );
  process.exit(2);
}
const hostUrl = new URL(printed);
const server = await createServer(rendererDevConfig(hostUrl.origin));
await server.listen();
const address = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${server.config.server.port}/`;
const token = hostUrl.searchParams.get('token');
console.log(`renderer with hot reload against ${hostUrl.origin}`);
console.log(`open ${token ? `${address}?token=${token}` : address}`);
