import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What `system.info` and `likeness info` show about the runtime. */
export interface ExecutionProviderReport {
  readonly active: string;
  readonly available: readonly string[];
  readonly fallbackReason: string | null;
}

export interface SkippedProvider {
  readonly name: string;
  readonly reason: string;
}

/** Providers to try, best first (CPU always last), and the preferred ones left out before trying. */
export interface ProviderPlan {
  readonly candidates: readonly string[];
  readonly skipped: readonly SkippedProvider[];
  /** Names this build of onnxruntime-node can run here (bundled, or with their binaries installed). */
  readonly available: readonly string[];
}

/** The facts about this machine that decide the plan; gathered by `hostFacts`, passed in so tests can vary them. */
export interface HostFacts {
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  readonly backends: readonly { readonly name: string; readonly bundled: boolean }[];
  /** CUDA's provider libraries are not in the npm tarball; the package's installer fetches them on request. */
  readonly cudaBinariesPresent: boolean;
  /** `LIKENESS_EP`: one name or a comma list, tried in that order before CPU. */
  readonly forced: string | undefined;
}

const CPU = 'cpu';

/**
 * The accelerator each desktop platform ships with. WebGPU stays opt-in: software adapters are slower
 * than the CPU, and even on an H200 the jobs ran at 0.51–0.99× a 16-core CPU (bench/results/gpu.json).
 */
function preferredAccelerators(platform: NodeJS.Platform, arch: string): string[] {
  if (platform === 'linux' && arch === 'x64') return ['cuda'];
  if (platform === 'win32') return ['dml'];
  if (platform === 'darwin') return ['coreml'];
  return [];
}

export function hostFacts(env: NodeJS.ProcessEnv = process.env): HostFacts {
  const require = createRequire(import.meta.url);
  const ort = require('onnxruntime-node') as { listSupportedBackends(): { name: string; bundled: boolean }[] };
  const binding = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  const cudaBinariesPresent = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'].every((file) =>
    existsSync(join(binding, file)),
  );
  const forced = env.LIKENESS_EP?.trim();
  return {
    platform: process.platform,
    arch: process.arch,
    backends: ort.listSupportedBackends(),
    cudaBinariesPresent,
    forced: forced ? forced : undefined,
  };
}

export function planProviders(facts: HostFacts): ProviderPlan {
  const offered = new Map(facts.backends.map((b) => [b.name, b.bundled]));
  const usable = (name: string): string | null => {
    if (name === CPU) return null;
    if (!offered.has(name)) return `${name}: not offered by this onnxruntime-node build on ${facts.platform}-${facts.arch}`;
    if (!offered.get(name)) {
      if (name !== 'cuda') return `${name}: its provider libraries are not part of this onnxruntime-node install`;
      if (!facts.cudaBinariesPresent) {
        return 'cuda: the CUDA provider libraries are not installed (reinstall onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12)';
      }
    }
    return null;
  };
  const wanted = facts.forced
    ? facts.forced
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean)
    : preferredAccelerators(facts.platform, facts.arch);
  const candidates: string[] = [];
  const skipped: SkippedProvider[] = [];
  for (const name of wanted) {
    const reason = usable(name);
    if (reason) skipped.push({ name, reason: facts.forced ? `LIKENESS_EP asked for ${reason}` : reason });
    else if (!candidates.includes(name)) candidates.push(name);
  }
  if (!candidates.includes(CPU)) candidates.push(CPU);
  const available = facts.backends.map((b) => b.name).filter((name) => usable(name) === null);
  if (!available.includes(CPU)) available.unshift(CPU);
  return { candidates, skipped, available };
}

export interface ProviderChoice<S> {
  readonly session: S;
  readonly provider: string;
  /** Why a better provider is not the one in use; null when the first preference works. */
  readonly fallbackReason: string | null;
}

/**
 * Opens a session with one provider at a time, best first, so the provider that answers is the
 * one in use (ORT given several would silently place the graph on whichever accepts it).
 */
export async function openWithFallback<S>(plan: ProviderPlan, open: (provider: string) => Promise<S>): Promise<ProviderChoice<S>> {
  const skipped = plan.skipped.map((s) => s.reason);
  const failed: string[] = [];
  let lastError: unknown = null;
  for (const provider of plan.candidates) {
    try {
      const session = await open(provider);
      const reasons = [...skipped, ...failed];
      return { session, provider, fallbackReason: reasons.length > 0 ? reasons.join('; ') : null };
    } catch (error) {
      lastError = error;
      failed.push(`${provider}: ${firstLine(error)}`);
    }
  }
  throw new Error(failed.join('; '), { cause: lastError });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim().slice(0, 300);
}
