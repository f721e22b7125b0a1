import type { projectCommands } from '#api/project.ts';
import type { Handlers } from '../core/api-router.ts';
import type { Workspace } from './workspace.ts';

export function projectHandlers(workspace: Workspace): Pick<Handlers, keyof typeof projectCommands> {
  return {
    'project.create': ({ path }) => workspace.open(path, 'create'),
    'project.open': ({ path }) => workspace.open(path, 'open'),
    'project.close': async () => ({ closed: await workspace.close() }),
    'project.current': () => workspace.session?.summary() ?? null,
    'project.recent': () => workspace.recent.list(),
  };
}
