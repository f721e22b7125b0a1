import type { datasetCommands } from '#api/dataset.ts';
import type { Handlers } from '../core/api-router.ts';
import type { Workspace } from '../project/workspace.ts';
import { listIdentities, listImages } from './dataset-queries.ts';
import { startImport } from './import-start.ts';

/** Reads answer empty while no project is open, as `jobs.list` does; only importing needs one. */
export function datasetHandlers(workspace: Workspace): Pick<Handlers, keyof typeof datasetCommands> {
  return {
    'dataset.import': (request) => startImport(workspace.require(), request),
    'dataset.identities': () => (workspace.session ? listIdentities(workspace.session.db) : []),
    'dataset.images': (query) =>
      workspace.session ? listImages(workspace.session.db, query) : { total: 0, offset: query.offset, items: [] },
    'dataset.problems': ({ offset, limit }) =>
      workspace.session
        ? listImages(workspace.session.db, { status: ['error', 'duplicate'], offset, limit })
        : { total: 0, offset, items: [] },
  };
}
