import { z } from 'zod';
import { command } from './define.ts';
import { JobRef } from './jobs.ts';
import { anchorsOutside } from './page-anchors.ts';

export const ImportRequest = z.discriminatedUnion('layout', [
  z.object({ layout: z.literal('imagefolder'), root: z.string().min(1).max(4096) }),
  z.object({
    layout: z.literal('csv'),
    root: z.string().min(1).max(4096),
    mappingCsv: z.string().min(1).max(4096),
  }),
]);
export type ImportRequest = z.infer<typeof ImportRequest>;

export const ImageStatus = z.enum(['ok', 'duplicate', 'error']);
export type ImageStatus = z.infer<typeof ImageStatus>;

/**
 * Why an image row has status 'error'. Stable across releases so the UI can group and explain
 * problems; `errorCode` stays a plain string on the wire so an older UI survives a newer code.
 */
export const imageErrorCodes = [
  'EMPTY_FILE',
  'NOT_AN_IMAGE',
  'UNSUPPORTED_FORMAT',
  'TRUNCATED',
  'DECODE_FAILED',
  'TOO_LARGE',
  'UNREADABLE',
  'FILE_MISSING',
  'NOT_A_FILE',
  'SYMLINK_LOOP',
  'NOT_IN_IDENTITY_FOLDER',
  'CSV_ROW_INVALID',
  'CSV_DUPLICATE_ROW',
  'PATH_OUTSIDE_ROOT',
] as const;
export type ImageErrorCode = (typeof imageErrorCodes)[number];

export const IdentitySummary = z.object({
  id: z.number().int(),
  name: z.string(),
  images: z.number().int(),
  problems: z.number().int(),
});
export type IdentitySummary = z.infer<typeof IdentitySummary>;

export const ImageSummary = z.object({
  id: z.number().int(),
  identityId: z.number().int().nullable(),
  identityName: z.string().nullable(),
  path: z.string(),
  status: ImageStatus,
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  format: z.string().nullable(),
  thumb: z.string().nullable(),
  duplicateOf: z.number().int().nullable(),
  /** Full path of the image this one duplicates, so a duplicate always names its original. */
  duplicateOfPath: z.string().nullable().default(null),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
});
export type ImageSummary = z.infer<typeof ImageSummary>;

export const ImagePage = z.object({ total: z.number().int(), offset: z.number().int(), items: z.array(ImageSummary) });
export type ImagePage = z.infer<typeof ImagePage>;

/** An image the grid already holds in the queried list, and its offset in that list. */
export const ImageAnchor = z.object({ imageId: z.number().int().nonnegative(), offset: z.number().int().min(0) });
export type ImageAnchor = z.infer<typeof ImageAnchor>;

/**
 * A slice of the images in grid order. With an anchor (the image just above the slice, `after`, or
 * just below it, `before`) the host seeks from that image's sort key instead of counting the rows
 * above the slice, as curation pages do; without one (a jump) it seeks from the nearest row it has
 * marked, so no page's cost grows with its offset.
 */
export const ImageQuery = z
  .object({
    identityId: z.number().int().optional(),
    status: z.array(ImageStatus).optional(),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(2000).default(200),
    after: ImageAnchor.optional(),
    before: ImageAnchor.optional(),
  })
  .superRefine(anchorsOutside('slice'));
export type ImageQuery = z.infer<typeof ImageQuery>;

export const datasetCommands = {
  'dataset.import': command(ImportRequest, JobRef),
  'dataset.identities': command(z.object({}), z.array(IdentitySummary)),
  'dataset.images': command(ImageQuery, ImagePage),
  'dataset.problems': command(
    z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(2000).default(500) }),
    ImagePage,
  ),
};

export const datasetEvents = {
  'dataset.changed': z.object({ images: z.number().int(), identities: z.number().int() }),
};
