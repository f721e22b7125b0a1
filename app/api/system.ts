import { z } from 'zod';
import { command } from './define.ts';

export const SystemInfo = z.object({
  version: z.string(),
  host: z.enum(['desktop', 'web', 'cli']),
  executionProvider: z.object({ active: z.string(), available: z.array(z.string()), fallbackReason: z.string().nullable() }),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const systemCommands = {
  'system.info': command(z.object({}), SystemInfo),
};
