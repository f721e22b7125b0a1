import type { ProviderPlan } from './execution-providers.ts';
import type { TensorInfo, TensorMap } from './tensor-data.ts';

/** Messages between `InferenceClient` and `inference-worker`; ids pair each reply with its request. */
export type WorkerRequest =
  | {
      readonly kind: 'load';
      readonly id: number;
      readonly session: number;
      /** A model file path, or the model's bytes (the provider probe has no file). */
      readonly model: string | Uint8Array;
      readonly plan: ProviderPlan;
      readonly threads: number;
    }
  | { readonly kind: 'run'; readonly id: number; readonly session: number; readonly feeds: TensorMap }
  | { readonly kind: 'release'; readonly id: number; readonly session: number };

export type WorkerReply =
  | {
      readonly kind: 'loaded';
      readonly id: number;
      readonly provider: string;
      readonly fallbackReason: string | null;
      readonly inputs: readonly TensorInfo[];
      readonly outputs: readonly TensorInfo[];
    }
  | { readonly kind: 'ran'; readonly id: number; readonly outputs: TensorMap }
  | { readonly kind: 'released'; readonly id: number }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };
