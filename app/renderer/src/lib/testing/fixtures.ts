import type { IdentitySummary, ImageSummary } from '#api/dataset.ts';
import type { JobStatus } from '#api/jobs.ts';
import type { ProjectSummary } from '#api/project.ts';

/** Plain sample values for specs; all shapes follow the contract. */
export function projectSummary(path = '/data/faces.likeness', images = 0): ProjectSummary {
  return {
    path,
    name: path
      .split('/')
      .pop()!
      .replace(/\.likeness$/, ''),
    createdAt: '2025-01-01T00:00:00.000Z',
    schemaVersion: 4,
    counts: { identities: 0, images, problems: 0, duplicates: 0 },
  };
}

export function identity(id: number, images = 10, problems = 0): IdentitySummary {
  return { id, name: `person-${id}`, images, problems };
}

export function image(id: number, overrides: Partial<ImageSummary> = {}): ImageSummary {
  return {
    id,
    identityId: 1,
    identityName: 'person-1',
    path: `person-1/${id}.png`,
    status: 'ok',
    width: 92,
    height: 112,
    format: 'png',
    thumb: `thumbs/t${id}.webp`,
    duplicateOf: null,
    duplicateOfPath: null,
    errorCode: null,
    errorMessage: null,
    ...overrides,
  };
}

/** A host-side list of `total` images answering `dataset.images`-style paging. */
export function pageOf(total: number, offset: number, limit: number, make = (i: number) => image(i + 1)) {
  const end = Math.min(total, offset + limit);
  return { total, offset, items: Array.from({ length: Math.max(0, end - offset) }, (_, i) => make(offset + i)) };
}

export function job(id: number, overrides: Partial<JobStatus> = {}): JobStatus {
  return {
    id,
    kind: 'import',
    state: 'running',
    done: 0,
    total: 100,
    message: null,
    error: null,
    etaSeconds: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    finishedAt: null,
    ...overrides,
  };
}
