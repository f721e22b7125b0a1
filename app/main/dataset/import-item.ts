import type { ImageErrorCode } from '#api/dataset.ts';

export interface ImportProblem {
  readonly code: ImageErrorCode;
  readonly message: string;
}

/** One `images` row an import will write. Items are written in the order the plan lists them. */
export interface ImportItem {
  /** '/'-separated and relative to the dataset root; with the dataset id it is the row's resume key. */
  readonly relPath: string;
  readonly identity: string | null;
  /** How messages name the file: its relative path, or the mapping row that named it. */
  readonly label: string;
  /** Set when the plan already knows the row is an error, so the file is never opened. */
  readonly problem: ImportProblem | null;
}
