import { z } from 'zod';
import { ApiErrorShape } from './errors.ts';

/** What a call returns over either transport: errors travel as data, never as thrown host objects. */
export const Reply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), output: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorShape }),
]);
export type Reply = z.infer<typeof Reply>;

/** Web socket frames. Client → host: call. Host → client: reply or event. */
export const ClientFrame = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  command: z.string().max(64),
  input: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrame>;

export const HostFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), id: z.number().int(), reply: Reply }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type HostFrame = z.infer<typeof HostFrame>;
