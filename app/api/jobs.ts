import { z } from 'zod';
import { command } from './define.ts';

export const JobKind = z.enum(['import', 'analyze', 'synthesize', 'export']);
export type JobKind = z.infer<typeof JobKind>;

export const JobState = z.enum(['queued', 'running', 'cancelled', 'done', 'failed']);
export type JobState = z.infer<typeof JobState>;

export const JobStatus = z.object({
  id: z.number().int(),
  kind: JobKind,
  state: JobState,
  done: z.number().int(),
  total: z.number().int(),
  message: z.string().nullable(),
  error: z.string().nullable(),
  etaSeconds: z.number().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type JobStatus = z.infer<typeof JobStatus>;

export const JobRef = z.object({ jobId: z.number().int() });

export const jobCommands = {
  'jobs.list': command(z.object({ limit: z.number().int().min(1).max(500).default(50) }), z.array(JobStatus)),
  'jobs.cancel': command(JobRef, JobStatus),
  'jobs.resume': command(JobRef, JobStatus),
};

export const jobEvents = {
  'job.updated': JobStatus,
};
