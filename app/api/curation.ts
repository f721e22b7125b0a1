import { z } from 'zod';
import { HeadPoseSpec, LightSpec } from './synthesis.ts';
import { command } from './define.ts';
import { anchorsOutside } from './page-anchors.ts';
import { CalibratedThreshold, EmbeddingModel } from './vision.ts';

export const DecisionStatus = z.enum(['accepted', 'rejected']);
export type DecisionStatus = z.infer<typeof DecisionStatus>;

/** What a tile shows: a decision, or 'unset' when none was made (no row in `decisions`). */
export const TileStatus = z.enum(['accepted', 'rejected', 'unset']);
export type TileStatus = z.infer<typeof TileStatus>;

/** idToNearestOther: cosine to the closest centroid of another identity (high = looks like someone else). */
export const ScoreMetric = z.enum(['idToSource', 'idToCentroid', 'idToNearestOther', 'diversity']);
export type ScoreMetric = z.infer<typeof ScoreMetric>;

export const IdentityMetric = z.enum(['idToSource', 'idToCentroid']);
export type IdentityMetric = z.infer<typeof IdentityMetric>;

export const GroupBy = z.enum(['source', 'identity', 'edit']);
export type GroupBy = z.infer<typeof GroupBy>;

/** 'natural' is synthesis order: by source, then the variant's ordinal. */
export const SortKey = z.enum(['natural', 'idToSource', 'idToCentroid', 'idToNearestOther', 'diversity', 'strength']);
export type SortKey = z.infer<typeof SortKey>;

const Id = z.number().int().nonnegative();
const EditKind = z.string().min(1).max(64);

export const ScoreRange = z.object({
  metric: ScoreMetric,
  min: z.number().optional(),
  max: z.number().optional(),
});
export type ScoreRange = z.infer<typeof ScoreRange>;

export const VariantFilter = z.object({
  identityId: Id.optional(),
  sourceImageId: Id.optional(),
  editKinds: z.array(EditKind).max(64).optional(),
  statuses: z.array(TileStatus).max(3).optional(),
  /**
   * Shown whatever their status: the variants decided in this view since it was loaded, so that in
   * an "undecided only" view a decision does not pull the tiles out from under the cursor.
   */
  keepIds: z.array(Id).max(50_000).optional(),
  score: ScoreRange.optional(),
  /** Only variants closer to another identity's centroid than to their own ("closer to someone else"). */
  closerToOther: z.boolean().optional(),
});
export type VariantFilter = z.infer<typeof VariantFilter>;

export const VariantView = z.object({
  groupBy: GroupBy.default('source'),
  sort: SortKey.default('natural'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  filter: VariantFilter.default({}),
});
export type VariantView = z.infer<typeof VariantView>;
export type VariantViewInput = z.input<typeof VariantView>;

export const VariantGroup = z.object({
  /** Stable within a view: the source image id, identity id ('none' when unknown) or edit kind. */
  key: z.string(),
  label: z.string(),
  count: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  /** Only when grouped by source: the pinned source tile. */
  sourceImageId: Id.nullable(),
  sourceKey: z.string().nullable(),
  identityName: z.string().nullable(),
});
export type VariantGroup = z.infer<typeof VariantGroup>;

export const VariantGroups = z.object({ total: z.number().int(), groups: z.array(VariantGroup) });
export type VariantGroups = z.infer<typeof VariantGroups>;

export const VariantTile = z.object({
  id: Id,
  sourceImageId: Id,
  sourceKey: z.string(),
  identityId: Id.nullable(),
  identityName: z.string().nullable(),
  ordinal: z.number().int(),
  editKind: z.string(),
  strength: z.number(),
  seed: z.number().int(),
  fileKey: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  idToSource: z.number().nullable(),
  idToCentroid: z.number().nullable(),
  /** The closest identity other than the variant's own, its name, and the cosine to its centroid. */
  nearestOtherIdentityId: Id.nullable(),
  nearestOtherName: z.string().nullable(),
  idToNearestOther: z.number().nullable(),
  diversity: z.number().nullable(),
  status: TileStatus,
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  /** The target light of a relight variant (from its recipe); absent or null for other edits. */
  light: LightSpec.nullable().optional(),
  /** The head turn of a pose variant (from its recipe, strength applied); absent or null for other edits. */
  pose: HeadPoseSpec.nullable().optional(),
});
export type VariantTile = z.infer<typeof VariantTile>;

/** Tiles one `curation.page` call returns at most: a screenful is a few hundred, and the reply stays well under the host's reply limit. */
export const MAX_PAGE_TILES = 1_000;

/** A tile the caller already holds in the segment's group, and its offset in that group. */
export const PageAnchor = z.object({ variantId: Id, offset: z.number().int().min(0) });
export type PageAnchor = z.infer<typeof PageAnchor>;

/**
 * One contiguous slice of one group: the renderer asks only for what its viewport shows. With an
 * anchor (the tile just above the slice, `after`, or just below it, `before`) the host seeks from
 * that tile's sort key instead of counting the rows above the slice, so a scroll costs the same at
 * the top of a group as at the bottom of a 100k-tile one. Without one (a jump), the slice is found
 * by its offset.
 */
export const PageSegment = z
  .object({
    groupKey: z.string().max(128),
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(500),
    after: PageAnchor.optional(),
    before: PageAnchor.optional(),
  })
  .superRefine(anchorsOutside('segment'));
export type PageSegment = z.infer<typeof PageSegment>;

export const VariantPage = z.object({
  segments: z.array(z.object({ groupKey: z.string(), offset: z.number().int(), items: z.array(VariantTile) })),
});
export type VariantPage = z.infer<typeof VariantPage>;

export const HistoryState = z.object({
  canUndo: z.boolean(),
  canRedo: z.boolean(),
  undoLabel: z.string().nullable(),
  redoLabel: z.string().nullable(),
});
export type HistoryState = z.infer<typeof HistoryState>;

export const ActionResult = z.object({
  /** null when nothing changed, so no action was recorded. */
  actionId: Id.nullable(),
  label: z.string().nullable(),
  changed: z.number().int(),
  /** The one variant the action touched, so undo can put the cursor back on it. */
  focusVariantId: Id.nullable(),
  history: HistoryState,
});
export type ActionResult = z.infer<typeof ActionResult>;

export const DecisionRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rejectBelow'), metric: IdentityMetric, threshold: z.number().min(-1).max(1) }),
  z.object({ kind: z.literal('rejectNearDuplicates'), maxDiversity: z.number().min(0) }),
  z.object({
    kind: z.literal('acceptBand'),
    metric: IdentityMetric,
    min: z.number().min(-1).max(1),
    max: z.number().min(-1).max(1),
  }),
]);
export type DecisionRule = z.infer<typeof DecisionRule>;

export const RuleRequest = z.object({
  rule: DecisionRule,
  identityId: Id.optional(),
  /** false: only undecided variants change, so a rule never overrides a decision made by hand. */
  overwrite: z.boolean().default(false),
});
export type RuleRequest = z.infer<typeof RuleRequest>;

export const RulePreview = z.object({
  /** Variants the condition selects, whatever their status. */
  matched: z.number().int(),
  /** Variants whose status applying the rule would change; apply reports the same number. */
  changes: z.number().int(),
  fromUnset: z.number().int(),
  fromAccepted: z.number().int(),
  fromRejected: z.number().int(),
});
export type RulePreview = z.infer<typeof RulePreview>;

export const RuleDefaults = z.object({
  identityThreshold: z.number(),
  /** Thresholds are calibrated constants shipped with the scorer (app/main/vision/identity-calibration.ts). */
  identitySource: z.enum(['calibration']),
  identityNote: z.string(),
  far: z.number(),
  identityModel: EmbeddingModel,
  /** Every calibrated threshold of the scoring model, for marks on identity histograms. */
  identityThresholds: z.array(CalibratedThreshold),
  diversityThreshold: z.number(),
  diversityNote: z.string(),
});
export type RuleDefaults = z.infer<typeof RuleDefaults>;

export const HistogramBin = z.object({
  from: z.number(),
  to: z.number(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  unset: z.number().int(),
});
export type HistogramBin = z.infer<typeof HistogramBin>;

export const ScoreHistogram = z.object({
  metric: ScoreMetric,
  from: z.number(),
  to: z.number(),
  bins: z.array(HistogramBin),
  /** Variants without this score (not yet scored): counted here, never in a bin. */
  missing: z.number().int(),
});
export type ScoreHistogram = z.infer<typeof ScoreHistogram>;

export const ProgressCounts = z.object({
  total: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  reviewed: z.number().int(),
});
export type ProgressCounts = z.infer<typeof ProgressCounts>;

export const CurationProgress = ProgressCounts.extend({
  identities: z.array(ProgressCounts.extend({ identityId: Id.nullable(), name: z.string() })),
});
export type CurationProgress = z.infer<typeof CurationProgress>;

export const CurationFacets = z.object({
  editKinds: z.array(z.string()),
  identities: z.array(z.object({ id: Id, name: z.string() })),
});
export type CurationFacets = z.infer<typeof CurationFacets>;

export const CompareView = z.object({
  variant: VariantTile,
  sourceWidth: z.number().int().nullable(),
  sourceHeight: z.number().int().nullable(),
  recipe: z.string(),
  /** Null for a variant made without a generator (relighting). */
  packName: z.string().nullable(),
  packVersion: z.string().nullable(),
  /** PNG data URL of the source face aligned as the generator saw it; null when the source has no aligned face. */
  alignedSource: z.string().nullable(),
  /** Media key of the aligned crop's validity mask (white: real photo, black: padding); null when analysis stored none. */
  validityKey: z.string().nullable(),
  /** PNG data URL of |variant − source| (the aligned face when there is one, else the photo resized), amplified. */
  difference: z.string(),
  meanAbsDifference: z.number(),
});
export type CompareView = z.infer<typeof CompareView>;

export const keymapActions = ['left', 'right', 'up', 'down', 'accept', 'reject', 'unset', 'compare', 'undo', 'redo', 'help'] as const;
export const KeymapAction = z.enum(keymapActions);
export type KeymapAction = z.infer<typeof KeymapAction>;

/** A chord is `[Ctrl+][Alt+][Shift+]key`, key as KeyboardEvent.key with letters lower-cased and ' ' as Space. */
export const KeyChord = z.string().min(1).max(32);
export const Keymap = z.record(KeymapAction, z.array(KeyChord).max(4));
export type Keymap = z.infer<typeof Keymap>;

export const defaultKeymap: Keymap = {
  left: ['ArrowLeft', 'h'],
  right: ['ArrowRight', 'l'],
  up: ['ArrowUp', 'k'],
  down: ['ArrowDown', 'j'],
  accept: ['a'],
  reject: ['r'],
  unset: ['u'],
  compare: ['Space'],
  undo: ['z'],
  redo: ['Shift+z'],
  help: ['?'],
};

export const curationCommands = {
  'curation.groups': command(z.object({ view: VariantView }), VariantGroups),
  'curation.page': command(
    z
      .object({ view: VariantView, segments: z.array(PageSegment).min(1).max(500) })
      .refine((input) => input.segments.reduce((n, segment) => n + segment.limit, 0) <= MAX_PAGE_TILES, {
        message: `a page holds at most ${MAX_PAGE_TILES} tiles (the sum of the segments' limits)`,
      }),
    VariantPage,
  ),
  /** Where a variant sits in a view (null when the view leaves it out): the grid keeps it selected across view changes. */
  'curation.locate': command(
    z.object({ view: VariantView, variantId: Id }),
    z.object({ groupKey: z.string(), offset: z.number().int() }).nullable(),
  ),
  'curation.compare': command(z.object({ variantId: Id }), CompareView),
  'curation.decide': command(z.object({ variantIds: z.array(Id).min(1).max(10_000), status: TileStatus }), ActionResult),
  'curation.undo': command(z.object({}), ActionResult),
  'curation.redo': command(z.object({}), ActionResult),
  'curation.history': command(z.object({}), HistoryState),
  'curation.rulePreview': command(RuleRequest, RulePreview),
  'curation.ruleApply': command(RuleRequest, ActionResult),
  'curation.ruleDefaults': command(z.object({}), RuleDefaults),
  'curation.histogram': command(
    z.object({ metric: ScoreMetric, bins: z.number().int().min(5).max(200).default(40), identityId: Id.optional() }),
    ScoreHistogram,
  ),
  'curation.progress': command(z.object({}), CurationProgress),
  'curation.facets': command(z.object({}), CurationFacets),
  'curation.keymap': command(z.object({}), Keymap),
  'curation.setKeymap': command(z.object({ keymap: Keymap }), Keymap),
};

export const CurationChanged = z.object({
  actionId: Id.nullable(),
  reason: z.enum(['decide', 'undo', 'redo', 'rule']),
  /** null when the action touched too many variants to list: listeners refetch what they show. */
  variantIds: z.array(Id).nullable(),
  actor: z.string(),
});
export type CurationChanged = z.infer<typeof CurationChanged>;

export const curationEvents = {
  'curation.changed': CurationChanged,
};
