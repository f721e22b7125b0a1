import type { SplitName } from '#api/export.ts';
import { provenanceColumns, type PlannedFile } from './export-plan.ts';

/**
 * Hugging Face `imagefolder` metadata for one split: one JSON object per line, `file_name` first and
 * relative to the split folder, every row with the same columns (null where a value does not apply,
 * e.g. the recipe of an original) so the loader infers one schema for all rows.
 */
export function metadataJsonl(files: readonly PlannedFile[]): string {
  return files
    .map((file) => {
      const row: Record<string, unknown> = { file_name: file.fileName };
      for (const column of provenanceColumns) row[column] = file.provenance[column];
      return `${JSON.stringify(row)}\n`;
    })
    .join('');
}

/** One row per file of the whole export; `file` is relative to the export root. */
export function manifestCsv(files: readonly PlannedFile[]): string {
  const header = ['file', 'split', ...provenanceColumns].join(',');
  const rows = files.map((file) =>
    [`${file.split}/${file.fileName}`, file.split, ...provenanceColumns.map((column) => file.provenance[column])].map(csvField).join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}

/** RFC 4180: quote a field holding a comma, quote or line break; nulls are empty fields. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function filesBySplit(files: readonly PlannedFile[]): Map<SplitName, PlannedFile[]> {
  const bySplit = new Map<SplitName, PlannedFile[]>();
  for (const file of files) {
    let list = bySplit.get(file.split);
    if (!list) bySplit.set(file.split, (list = []));
    list.push(file);
  }
  return bySplit;
}
