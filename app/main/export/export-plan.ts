import { originalPathOf } from '../project/original-files.ts';
import { splitNames, type ExportSettings, type SplitName } from '#api/export.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import { acceptedExtension, classFolders, fileNamesInFolder, type NamedFile } from './export-naming.ts';
import { assignSplits } from './split-assignment.ts';

/** Where an exported file came from and why it is in the dataset; one row of metadata.jsonl / manifest.csv. */
export interface Provenance {
  readonly identity: string;
  readonly kind: 'original' | 'variant';
  readonly source_image: string;
  readonly source_image_id: number;
  readonly source_sha256: string | null;
  readonly variant_id: number | null;
  readonly pack: string | null;
  readonly pack_version: string | null;
  readonly pack_hash: string | null;
  readonly edit_kind: string | null;
  readonly strength: number | null;
  readonly seed: number | null;
  readonly recipe: string | null;
  readonly id_to_source: number | null;
  readonly id_to_centroid: number | null;
  readonly diversity: number | null;
  readonly decided_by: string | null;
  readonly decided_at: string | null;
}

/** Column order of every metadata file: fixed, so two exports of the same data are byte-identical. */
export const provenanceColumns: readonly (keyof Provenance)[] = [
  'identity',
  'kind',
  'source_image',
  'source_image_id',
  'source_sha256',
  'variant_id',
  'pack',
  'pack_version',
  'pack_hash',
  'edit_kind',
  'strength',
  'seed',
  'recipe',
  'id_to_source',
  'id_to_centroid',
  'diversity',
  'decided_by',
  'decided_at',
];

/**
 * How a file's bytes are made: copied as they are; re-encoded as PNG (a format the loaders do not
 * read, or EXIF would rotate it); or the face cropped out, aligned like the variants.
 */
export type FileContent =
  | { readonly kind: 'copy'; readonly path: string }
  | { readonly kind: 'png'; readonly path: string }
  | { readonly kind: 'aligned'; readonly faceId: number; readonly size: number };

export interface PlannedFile {
  readonly split: SplitName;
  readonly folder: string;
  /** Path relative to the split folder, POSIX separators: `<folder>/<name>`. */
  readonly fileName: string;
  readonly content: FileContent;
  readonly provenance: Provenance;
}

/** Why dataset images are not among the exported originals. */
export interface SkippedOriginals {
  readonly duplicates: number;
  readonly unreadable: number;
  readonly noIdentity: number;
  /** Only for aligned originals: no analysed face to crop. */
  readonly noFace: number;
}

export interface ExportPlan {
  /** Sorted by split (train, val, test), then file name. */
  readonly files: readonly PlannedFile[];
  /** Every dataset image not exported as an original, for any reason (0 when originals are left out). */
  readonly skippedOriginals: number;
  readonly skipped: SkippedOriginals;
  /** Variants not exported because nobody accepted them. */
  readonly leftOutVariants: { readonly undecided: number; readonly rejected: number };
  /** Pixel size of each exported file, in `files` order. */
  readonly sizes: readonly ({ readonly width: number; readonly height: number } | null)[];
  /** The side aligned originals are cropped at; null unless originals are aligned. */
  readonly alignedSize: number | null;
  /** The variants' most common side (what aligned originals default to); null without variants. */
  readonly variantSize: number | null;
}

/** Used for aligned originals when there are no variants to match. */
const DEFAULT_ALIGNED_SIZE = 256;

interface OriginalRow {
  id: number;
  face_id: number | null;
  width: number | null;
  height: number | null;
  rel_path: string;
  root: string;
  content_hash: string | null;
  orientation: number | null;
  identity_id: number;
  identity: string;
}

interface VariantRow {
  id: number;
  source_image_id: number;
  width: number;
  height: number;
  file_key: string;
  edit_kind: string;
  strength: number;
  seed: number;
  recipe: string;
  id_to_source: number | null;
  id_to_centroid: number | null;
  diversity: number | null;
  /** Null for variants made without a generator (relighting). */
  pack: string | null;
  pack_version: string | null;
  pack_hash: string | null;
  decided_by: string;
  decided_at: string;
  rel_path: string;
  content_hash: string | null;
  identity_id: number;
  identity: string;
}

/**
 * Reads, in one transaction, everything an export writes: every usable original (status ok, with
 * an identity) and every ACCEPTED variant, each placed in its identity's folder and in the split of
 * its unit. A variant's unit is its source's, so it always lands where its source does.
 */
export function planExport(db: ProjectDatabase, media: MediaStore, settings: ExportSettings): ExportPlan {
  const {
    originals: allOriginals,
    variants,
    notOk,
    leftOut,
    commonVariantSize,
  } = db.transaction(() => ({
    originals:
      settings.originals === 'none'
        ? []
        : (db
            .prepare(
              `SELECT i.id, f.id AS face_id, i.width, i.height, i.rel_path, ds.root, i.content_hash, i.orientation, i.identity_id,
                 n.name AS identity
               FROM images i JOIN datasets ds ON ds.id = i.dataset_id JOIN identities n ON n.id = i.identity_id
                 LEFT JOIN faces f ON f.image_id = i.id AND f.is_primary = 1
               WHERE i.status = 'ok' ORDER BY i.id`,
            )
            .all() as OriginalRow[]),
    variants: db
      .prepare(
        `SELECT v.id, v.source_image_id, v.width, v.height, v.file_key, v.edit_kind, v.strength, v.seed, v.recipe, v.id_to_source,
           v.id_to_centroid, v.diversity, p.name AS pack, p.version AS pack_version, p.hash AS pack_hash,
           d.decided_by, d.decided_at, i.rel_path, i.content_hash, n.id AS identity_id, n.name AS identity
         FROM variants v
         JOIN decisions d ON d.variant_id = v.id AND d.status = 'accepted'
         LEFT JOIN packs p ON p.id = v.pack_id
         JOIN images i ON i.id = v.source_image_id
         JOIN identities n ON n.id = coalesce(i.identity_id, v.identity_id)
         ORDER BY v.id`,
      )
      .all() as VariantRow[],
    notOk: db
      .prepare(
        `SELECT coalesce(sum(status = 'duplicate'), 0) AS duplicates, coalesce(sum(status = 'error'), 0) AS unreadable,
           coalesce(sum(status = 'ok' AND identity_id IS NULL), 0) AS noIdentity FROM images`,
      )
      .get() as { duplicates: number; unreadable: number; noIdentity: number },
    leftOut: db
      .prepare(
        `SELECT coalesce(sum(d.status IS NULL), 0) AS undecided, coalesce(sum(d.status = 'rejected'), 0) AS rejected
         FROM variants v LEFT JOIN decisions d ON d.variant_id = v.id`,
      )
      .get() as { undecided: number; rejected: number },
    commonVariantSize: db.prepare('SELECT width FROM variants GROUP BY width ORDER BY count(*) DESC, width DESC LIMIT 1').pluck().get() as
      number | undefined,
  }))();
  const alignedSize = settings.originals === 'aligned' ? (settings.alignedSize ?? commonVariantSize ?? DEFAULT_ALIGNED_SIZE) : null;
  const originals = alignedSize === null ? allOriginals : allOriginals.filter((row) => row.face_id !== null);

  const identities = new Map<number, string>();
  for (const row of [...originals, ...variants]) identities.set(row.identity_id, row.identity);
  const folders = classFolders([...identities].map(([id, name]) => ({ id, name })));

  const unitOf = (row: { identity: string; content_hash: string | null; rel_path: string }): string =>
    settings.split.by === 'identity' ? row.identity : `${row.identity}\0${row.content_hash ?? row.rel_path}`;
  const splits = assignSplits(
    [...originals, ...variants].map((row) => ({
      key: unitOf(row),
      stratum: settings.split.by === 'identity' ? '' : row.identity,
    })),
    settings.split,
  );

  // Names are settled per class folder over originals then variants, each in id order, so a file
  // keeps its name whatever the split settings.
  const named = new Map<string, NamedFile[]>();
  const nameSlot = (folder: string, file: NamedFile): [string, number] => {
    const list = named.get(folder) ?? [];
    named.set(folder, list);
    list.push(file);
    return [folder, list.length - 1];
  };
  const drafts: { file: Omit<PlannedFile, 'fileName'>; slot: [string, number]; size: { width: number; height: number } | null }[] = [];
  for (const row of originals) {
    const content = originalContent(row, alignedSize);
    const extension = content.kind === 'copy' ? acceptedExtension(row.rel_path)! : '.png';
    const folder = folders.get(row.identity_id)!;
    drafts.push({
      slot: nameSlot(folder, { kind: 'original', id: row.id, relPath: row.rel_path, extension }),
      size:
        alignedSize !== null
          ? { width: alignedSize, height: alignedSize }
          : row.width && row.height
            ? { width: row.width, height: row.height }
            : null,
      file: {
        split: splits.get(unitOf(row))!,
        folder,
        content,
        provenance: {
          ...emptyProvenance,
          identity: row.identity,
          kind: 'original',
          source_image: row.rel_path,
          source_image_id: row.id,
          source_sha256: row.content_hash,
        },
      },
    });
  }
  for (const row of variants) {
    const folder = folders.get(row.identity_id)!;
    const extension = acceptedExtension(row.file_key);
    const path = media.pathOf(row.file_key);
    drafts.push({
      slot: nameSlot(folder, { kind: 'variant', id: row.id, relPath: row.rel_path, extension: extension ?? '.png' }),
      size: { width: row.width, height: row.height },
      file: {
        split: splits.get(unitOf(row))!,
        folder,
        content: extension === null ? { kind: 'png', path } : { kind: 'copy', path },
        provenance: {
          identity: row.identity,
          kind: 'variant',
          source_image: row.rel_path,
          source_image_id: row.source_image_id,
          source_sha256: row.content_hash,
          variant_id: row.id,
          pack: row.pack,
          pack_version: row.pack_version,
          pack_hash: row.pack_hash,
          edit_kind: row.edit_kind,
          strength: row.strength,
          seed: row.seed,
          recipe: row.recipe,
          id_to_source: row.id_to_source,
          id_to_centroid: row.id_to_centroid,
          diversity: row.diversity,
          decided_by: row.decided_by,
          decided_at: row.decided_at,
        },
      },
    });
  }
  const names = new Map([...named].map(([folder, list]) => [folder, fileNamesInFolder(list)]));
  const placed = drafts.map((draft) => ({
    file: { ...draft.file, fileName: `${draft.file.folder}/${names.get(draft.slot[0])![draft.slot[1]]}` } as PlannedFile,
    size: draft.size,
  }));
  const splitOrder = (split: SplitName) => splitNames.indexOf(split);
  placed.sort((a, b) => splitOrder(a.file.split) - splitOrder(b.file.split) || compareText(a.file.fileName, b.file.fileName));
  const skipped: SkippedOriginals =
    settings.originals === 'none'
      ? { duplicates: 0, unreadable: 0, noIdentity: 0, noFace: 0 }
      : { ...notOk, noFace: allOriginals.length - originals.length };
  return {
    files: placed.map((p) => p.file),
    sizes: placed.map((p) => p.size),
    skippedOriginals: skipped.duplicates + skipped.unreadable + skipped.noIdentity + skipped.noFace,
    skipped,
    leftOutVariants: leftOut,
    alignedSize,
    variantSize: commonVariantSize ?? null,
  };
}

function originalContent(row: OriginalRow, alignedSize: number | null): FileContent {
  if (alignedSize !== null) return { kind: 'aligned', faceId: row.face_id!, size: alignedSize };
  const path = originalPathOf(row.root, row.rel_path);
  const upright = row.orientation === null || row.orientation <= 1;
  return acceptedExtension(row.rel_path) !== null && upright ? { kind: 'copy', path } : { kind: 'png', path };
}

const emptyProvenance: Omit<Provenance, 'identity' | 'kind' | 'source_image' | 'source_image_id' | 'source_sha256'> = {
  variant_id: null,
  pack: null,
  pack_version: null,
  pack_hash: null,
  edit_kind: null,
  strength: null,
  seed: null,
  recipe: null,
  id_to_source: null,
  id_to_centroid: null,
  diversity: null,
  decided_by: null,
  decided_at: null,
};

/** Code-unit order, not locale order: the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
