import type { RuleDefaults } from '#api/curation.ts';
import type { IdentitySummary, ImageSummary } from '#api/dataset.ts';
import type { JobStatus } from '#api/jobs.ts';
import type { ProjectSummary } from '#api/project.ts';
import type { SystemInfo } from '#api/system.ts';
import type { VisionSummary } from '#api/vision.ts';

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

export function systemInfo(version = '0.1.0'): SystemInfo {
  return { version, host: 'web', executionProvider: { active: 'cpu', available: ['cpu'], fallbackReason: null } };
}

/** `analyzed` of `images` analysed, every one with one face. */
export function visionSummary(images: number, analyzed = images): VisionSummary {
  return {
    images,
    analyzed,
    pending: images - analyzed,
    byStatus: { ok: analyzed, no_face: 0, multiple_faces: 0, error: 0 },
    outliers: 0,
    model: 'faceres',
  };
}

export function ruleDefaults(overrides: Partial<RuleDefaults> = {}): RuleDefaults {
  return {
    identityThreshold: 0.3,
    identitySource: 'calibration',
    identityNote: '',
    far: 0.001,
    identityModel: 'dlib',
    identityThresholds: [],
    diversityThreshold: 0.01,
    diversityNote: '',
    ...overrides,
  };
}
