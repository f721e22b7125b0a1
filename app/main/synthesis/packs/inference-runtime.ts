import type { InferenceClient } from '../../inference/inference-client.ts';

/**
 * The part of the shared inference client synthesis uses. Packs see only this, so a StyleGAN
 * pack and the embedded default generator run through the same worker calls.
 */
export type InferenceRuntime = Pick<InferenceClient, 'load' | 'run' | 'release'>;
export type { ModelHandle } from '../../inference/inference-client.ts';
