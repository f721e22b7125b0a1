import { z } from 'zod';
import { command } from './define.ts';

export const ProjectPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path must not contain NUL');

export const ProjectSummary = z.object({
  path: z.string(),
  name: z.string(),
  createdAt: z.string(),
  schemaVersion: z.number().int(),
  counts: z.object({
    identities: z.number().int(),
    images: z.number().int(),
    problems: z.number().int(),
    duplicates: z.number().int(),
  }),
});
export type ProjectSummary = z.infer<typeof ProjectSummary>;

export const RecentProject = z.object({ path: z.string(), name: z.string(), openedAt: z.string(), exists: z.boolean() });
export type RecentProject = z.infer<typeof RecentProject>;

export const projectCommands = {
  'project.create': command(z.object({ path: ProjectPath }), ProjectSummary),
  'project.open': command(z.object({ path: ProjectPath }), ProjectSummary),
  'project.close': command(z.object({}), z.object({ closed: z.boolean() })),
  'project.current': command(z.object({}), ProjectSummary.nullable()),
  'project.recent': command(z.object({}), z.array(RecentProject)),
};

export const projectEvents = {
  'project.changed': z.object({ project: ProjectSummary.nullable() }),
};
