import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  splitNames,
  type ExportPreview,
  type ExportSettings,
  type PreflightWarning,
  type SplitCounts,
  type SplitName,
} from '#api/export.ts';
import type { ExportPlan } from './export-plan.ts';
import { identityCounts, splitCounts } from './export-report.ts';

const count = new Intl.NumberFormat('en-US');

/** Pixel sizes of the planned files, most common first (unknown sizes left out). */
function sizeCounts(plan: ExportPlan): ExportPreview['sizes'] {
  const bySize = new Map<string, { width: number; height: number; files: number }>();
  for (const size of plan.sizes) {
    if (!size) continue;
    const key = `${size.width}x${size.height}`;
    const entry = bySize.get(key) ?? { ...size, files: 0 };
    entry.files += 1;
    bySize.set(key, entry);
  }
  return [...bySize.values()].sort((a, b) => b.files - a.files || a.width - b.width || a.height - b.height);
}

/**
 * What a reviewer must know before the export is written, each said once, in words: a split the
 * ratios asked for that gets nothing, variants left behind undecided, class folders that would mix
 * photos of other sizes with the variants, and dataset images that are not exported.
 */
export function preflightWarnings(
  settings: ExportSettings,
  splits: Record<SplitName, SplitCounts>,
  sizes: ExportPreview['sizes'],
  plan: Pick<ExportPlan, 'skipped' | 'leftOutVariants'>,
  variantSize: number | null,
): PreflightWarning[] {
  const warnings: PreflightWarning[] = [];
  for (const split of splitNames) {
    const counts = splits[split];
    if (settings.split[split] > 0 && counts.originals + counts.variants === 0) {
      warnings.push({
        code: 'EMPTY_SPLIT',
        message: `${split} gets no files although ${Math.round(settings.split[split] * 100)}% was asked for: too few ${settings.split.by === 'identity' ? 'identities' : 'sources'} to split this way.`,
      });
    }
  }
  const { undecided } = plan.leftOutVariants;
  if (undecided > 0) {
    warnings.push({
      code: 'UNDECIDED_LEFT_OUT',
      message: `${count.format(undecided)} undecided ${undecided === 1 ? 'variant is' : 'variants are'} left out: only accepted variants are exported.`,
    });
  }
  if (sizes.length > 1) {
    const listed = sizes
      .slice(0, 4)
      .map((s) => `${s.width}×${s.height} (${count.format(s.files)})`)
      .join(', ');
    const advice =
      settings.originals === 'file' && variantSize !== null
        ? ` Export originals as aligned crops to get ${variantSize}×${variantSize} throughout.`
        : '';
    warnings.push({
      code: 'MIXED_SIZES',
      message: `Class folders would mix image sizes: ${listed}${sizes.length > 4 ? ', …' : ''}.${advice}`,
    });
  }
  const { duplicates, unreadable, noIdentity, noFace } = plan.skipped;
  const parts = [
    [duplicates, 'duplicate'],
    [unreadable, 'unreadable'],
    [noIdentity, 'outside any identity'],
    [noFace, 'without an analysed face'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, why]) => `${count.format(n as number)} ${why}`);
  if (parts.length > 0) warnings.push({ code: 'ORIGINALS_SKIPPED', message: `Originals not exported: ${parts.join(', ')}.` });
  return warnings;
}

/** The export's preflight: everything `exportProject` would write, counted, with its warnings. */
export function preflight(plan: ExportPlan, settings: ExportSettings, variantSize: number | null): ExportPreview {
  const variants = plan.files.filter((file) => file.provenance.kind === 'variant').length;
  const splits = splitCounts(plan.files);
  const sizes = sizeCounts(plan);
  return {
    originals: plan.files.length - variants,
    variants,
    skippedOriginals: plan.skippedOriginals,
    skipped: plan.skipped,
    leftOutVariants: plan.leftOutVariants,
    splits,
    identities: identityCounts(plan.files),
    sizes,
    variantSize,
    warnings: preflightWarnings(settings, splits, sizes, plan, variantSize),
    destinationExists: existsSync(resolve(settings.destination)),
  };
}
