import { z } from 'zod';
import { command } from './define.ts';
import { JobRef } from './jobs.ts';

/**
 * Every export writes one tree, `<split>/<identity>/<file>`, which torchvision's ImageFolder reads
 * per split; 'huggingface' adds `<split>/metadata.jsonl`, 'csv' adds `manifest.csv` at the root.
 */
export const ExportFormat = z.enum(['imagefolder', 'huggingface', 'csv']);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const SplitName = z.enum(['train', 'val', 'test']);
export type SplitName = z.infer<typeof SplitName>;
export const splitNames = SplitName.options;

export const SplitSettings = z
  .object({
    /** The unit that never straddles splits: all of an identity, or a source image with all its variants. */
    by: z.enum(['identity', 'source']).default('identity'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    train: z.number().min(0).max(1).default(0.8),
    val: z.number().min(0).max(1).default(0.1),
    test: z.number().min(0).max(1).default(0.1),
  })
  .refine((s) => Math.abs(s.train + s.val + s.test - 1) < 1e-6, 'train + val + test must be 1');
export type SplitSettings = z.infer<typeof SplitSettings>;

/** 'file': the original bytes (re-encoded only when a loader could not read them as they are); 'aligned': the face aligned to the generator template, the same framing as the variants. */
export const OriginalsMode = z.enum(['none', 'file', 'aligned']);
export type OriginalsMode = z.infer<typeof OriginalsMode>;

export const ExportSettings = z.object({
  destination: z
    .string()
    .min(1)
    .max(4096)
    .refine((p) => !p.includes('\0'), 'path must not contain NUL'),
  formats: z.array(ExportFormat).min(1).default(['imagefolder', 'huggingface', 'csv']),
  split: SplitSettings.default({ by: 'identity', seed: 0, train: 0.8, val: 0.1, test: 0.1 }),
  originals: OriginalsMode.default('file'),
  /** Side of aligned originals; by default the most common variant size, so originals match variants. */
  alignedSize: z.number().int().min(64).max(1024).optional(),
  /** Replace an existing destination (atomically); otherwise an existing destination is an error. */
  overwrite: z.boolean().default(false),
});
export type ExportSettings = z.infer<typeof ExportSettings>;
export type ExportSettingsInput = z.input<typeof ExportSettings>;

const Count = z.number().int().nonnegative();

export const SplitCounts = z.object({ identities: Count, originals: Count, variants: Count });
export type SplitCounts = z.infer<typeof SplitCounts>;

export const PreflightWarning = z.object({
  code: z.enum(['EMPTY_SPLIT', 'UNDECIDED_LEFT_OUT', 'MIXED_SIZES', 'ORIGINALS_SKIPPED']),
  message: z.string(),
});
export type PreflightWarning = z.infer<typeof PreflightWarning>;

export const ExportPreview = z.object({
  originals: Count,
  variants: Count,
  /** Dataset images not exported as originals: duplicates, unreadable files, files outside any identity, and (aligned) no face. */
  skippedOriginals: Count,
  skipped: z.object({ duplicates: Count, unreadable: Count, noIdentity: Count, noFace: Count }),
  /** Variants that stay behind because nobody accepted them. */
  leftOutVariants: z.object({ undecided: Count, rejected: Count }),
  splits: z.record(SplitName, SplitCounts),
  identities: z.array(z.object({ identity: z.string(), folder: z.string(), split: SplitName, originals: Count, variants: Count })),
  /** Pixel sizes of the files to be written, most common first. */
  sizes: z.array(z.object({ width: Count, height: Count, files: Count })),
  /** The variants' most common side: what "aligned originals" would be cropped to. */
  variantSize: Count.nullable(),
  warnings: z.array(PreflightWarning),
  destinationExists: z.boolean(),
});
export type ExportPreview = z.infer<typeof ExportPreview>;

export const ReportHistogram = z.object({
  from: z.number(),
  to: z.number(),
  counts: z.array(Count),
  missing: Count,
});
export type ReportHistogram = z.infer<typeof ReportHistogram>;

/** Written beside the export as `<destination>.report.json`; holds nothing time- or path-dependent. */
export const ExportReport = z.object({
  likeness: z.string(),
  settings: z.object({
    formats: z.array(ExportFormat),
    split: z.object({ by: z.enum(['identity', 'source']), seed: z.number(), train: z.number(), val: z.number(), test: z.number() }),
    originals: OriginalsMode,
    alignedSize: z.number().int().nullable(),
  }),
  totals: z.object({ files: Count, originals: Count, variants: Count, skippedOriginals: Count }),
  splits: z.record(SplitName, SplitCounts),
  identities: z.array(z.object({ identity: z.string(), folder: z.string(), split: SplitName, originals: Count, variants: Count })),
  histograms: z.object({ idToSource: ReportHistogram, idToCentroid: ReportHistogram }),
});
export type ExportReport = z.infer<typeof ExportReport>;

export const ExportRecord = z.object({
  id: z.number().int(),
  jobId: z.number().int().nullable(),
  destination: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  report: ExportReport.nullable(),
});
export type ExportRecord = z.infer<typeof ExportRecord>;

export const exportCommands = {
  'export.preview': command(ExportSettings, ExportPreview),
  'export.start': command(ExportSettings, JobRef),
  'export.list': command(z.object({ limit: z.number().int().min(1).max(200).default(20) }), z.array(ExportRecord)),
};
