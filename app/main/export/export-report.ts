import { splitNames, type ExportReport, type ExportSettings, type ReportHistogram, type SplitCounts, type SplitName } from '#api/export.ts';
import { appVersion } from '../core/app-version.ts';
import { compareText, type ExportPlan, type PlannedFile } from './export-plan.ts';

/** Fixed bins over the whole cosine range, so reports of different exports compare bin by bin. */
const HISTOGRAM_FROM = -1;
const HISTOGRAM_TO = 1;
const HISTOGRAM_BINS = 40;

export const REPORT_FILE = 'export-report.json';

export function splitCounts(files: readonly PlannedFile[]): Record<SplitName, SplitCounts> {
  const counts = Object.fromEntries(
    splitNames.map((split) => [split, { identities: new Set<string>(), originals: 0, variants: 0 }]),
  ) as Record<SplitName, { identities: Set<string>; originals: number; variants: number }>;
  for (const file of files) {
    const entry = counts[file.split];
    entry.identities.add(file.provenance.identity);
    if (file.provenance.kind === 'original') entry.originals += 1;
    else entry.variants += 1;
  }
  return Object.fromEntries(
    splitNames.map((split) => [
      split,
      { identities: counts[split].identities.size, originals: counts[split].originals, variants: counts[split].variants },
    ]),
  ) as Record<SplitName, SplitCounts>;
}

/** Everything here derives from the plan and the settings: no time, no path, so a rerun is byte-identical. */
export function buildReport(plan: ExportPlan, settings: ExportSettings): ExportReport {
  const variants = plan.files.filter((f) => f.provenance.kind === 'variant');
  return {
    likeness: appVersion,
    settings: {
      formats: [...settings.formats].sort(),
      split: { ...settings.split },
      originals: settings.originals,
      alignedSize: plan.alignedSize,
    },
    totals: {
      files: plan.files.length,
      originals: plan.files.length - variants.length,
      variants: variants.length,
      skippedOriginals: plan.skippedOriginals,
    },
    splits: splitCounts(plan.files),
    identities: identityCounts(plan.files),
    histograms: {
      idToSource: histogram(variants.map((f) => f.provenance.id_to_source)),
      idToCentroid: histogram(variants.map((f) => f.provenance.id_to_centroid)),
    },
  };
}

function histogram(values: readonly (number | null)[]): ReportHistogram {
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  let missing = 0;
  const width = (HISTOGRAM_TO - HISTOGRAM_FROM) / HISTOGRAM_BINS;
  for (const value of values) {
    if (value === null) {
      missing += 1;
      continue;
    }
    const bin = Math.floor((value - HISTOGRAM_FROM) / width);
    counts[Math.min(HISTOGRAM_BINS - 1, Math.max(0, bin))] += 1;
  }
  return { from: HISTOGRAM_FROM, to: HISTOGRAM_TO, counts, missing };
}

/** Originals and variants per class folder and split, by folder then split order. */
export function identityCounts(files: readonly PlannedFile[]): ExportReport['identities'] {
  const perIdentity = new Map<string, { identity: string; folder: string; split: SplitName; originals: number; variants: number }>();
  for (const file of files) {
    const key = `${file.folder}\0${file.split}`;
    let entry = perIdentity.get(key);
    if (!entry) {
      entry = { identity: file.provenance.identity, folder: file.folder, split: file.split, originals: 0, variants: 0 };
      perIdentity.set(key, entry);
    }
    if (file.provenance.kind === 'original') entry.originals += 1;
    else entry.variants += 1;
  }
  return [...perIdentity.values()].sort(
    (a, b) => compareText(a.folder, b.folder) || splitNames.indexOf(a.split) - splitNames.indexOf(b.split),
  );
}
