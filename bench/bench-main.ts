import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { isEntryPoint } from './bench-results.ts';

/**
 * Runs `main` only when `moduleUrl` is the script node was started with (so `npm run bench` can
 * import the same module), and makes a failure a printed error and a non-zero exit, never silence.
 */
export function runAsScript(moduleUrl: string, main: () => Promise<void>): void {
  if (!isEntryPoint(moduleUrl)) return;
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

/** Face analysis on its own inference worker, shut down after `use` whatever happens. */
export async function withVision<T>(use: (vision: VisionRuntime, client: InferenceClient) => Promise<T>): Promise<T> {
  const client = new InferenceClient();
  try {
    return await use(new VisionRuntime(client), client);
  } finally {
    await client.close();
  }
}
