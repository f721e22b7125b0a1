import type { ImportRequest } from '#api/dataset.ts';
import { scanFolder } from './folder-scan.ts';
import { planImageFolder } from './imagefolder-plan.ts';
import type { ImportItem } from './import-item.ts';
import { planMapping, readMapping } from './mapping-csv.ts';

/** Every row the import will write, in write order; the same request over the same files gives the same plan. */
export async function planImport(request: ImportRequest, signal: AbortSignal): Promise<ImportItem[]> {
  if (request.layout === 'csv') return planMapping(request.root, await readMapping(request.mappingCsv));
  return planImageFolder(await scanFolder(request.root, signal));
}
