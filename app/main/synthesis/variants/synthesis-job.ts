import { SynthesizeRequest, type EditSpec, type SourceSelection } from '#api/synthesis.ts';
import type { EventBus } from '../../core/event-bus.ts';
import type { JobContext, JobHandler } from '../../jobs/job-handler.ts';
import type { ProjectSession } from '../../project/project-session.ts';
import { variantKey } from '../../media/media-keys.ts';
import type { FaceSource, IdentityScorer, SourceFace } from '../sources/face-source.ts';
import { IdentityScoring, type IdentityScores } from './identity-scoring.ts';
import type { InferenceRuntime } from '../packs/inference-runtime.ts';
import { runBatch } from '../packs/generator-pack.ts';
import { resolveJobPack } from './pack-resolver.ts';
import { checkEdits, DonorPool, planRecipe, swapKindOf, usesGenerator } from '../edits/recipe-planner.ts';
import type { Recipe } from '../edits/edit-recipe.ts';
import { VariantRenderer, type RenderedVariant } from './variant-renderer.ts';
import type { Skip } from '../edits/edit-gate.ts';
import { POSE_PRESETS, scaledTurn } from '../geometry/head-rotation.ts';
import { yieldToEventLoop } from '../../core/event-loop.ts';
import { GridSampler } from '../geometry/grid-sampler.ts';
import { committedOrdinals, insertVariants, skipCounts, type SkipRow, type VariantRow } from './variant-store.ts';

export interface SynthesisJobDeps {
  readonly session: ProjectSession;
  readonly events: EventBus;
  readonly runtime: InferenceRuntime;
  readonly faces: FaceSource;
  /** Null where no identity model is available: variants are still made, their scores left empty. */
  readonly scorer: IdentityScorer | null;
}

/** A variant the job means to make: its source, its ordinal there, and its recipe. */
interface Planned {
  readonly source: SourceFace;
  readonly ordinal: number;
  readonly recipe: Recipe;
}

/** Variants rendered, scored and committed together (one transaction); at least one inference run of the pack. */
const BATCH = 32;

export function synthesizeJobHandler(deps: SynthesisJobDeps): JobHandler<SynthesizeRequest> {
  return { kind: 'synthesize', params: SynthesizeRequest, run: (context) => runSynthesis(deps, context) };
}

/**
 * Resumable by construction: a variant is identified by (job, source image, ordinal) and its
 * recipe follows from the job's params alone, so a rerun plans the same recipes and renders only
 * the ordinals not yet committed.
 */
export async function runSynthesis(deps: SynthesisJobDeps, context: JobContext<SynthesizeRequest>): Promise<void> {
  const { session, events } = deps;
  const request = context.params;
  const batchSize = Math.max(BATCH, runBatch());
  const allFaces = deps.faces.faces();
  const sources = selectSources(allFaces, request.sources);
  const total = sources.length * request.variantsPerSource;
  const committed = committedOrdinals(session.db, context.jobId);
  let done = [...committed.values()].reduce((n, set) => n + set.size, 0);
  if (sources.length === 0) throw new Error('no analysed faces match the chosen sources; run face analysis first');
  // Relighting, pose, mesh expressions and occlusion render from the photo and its mesh: a job of
  // those alone loads no generator and never fits the default one.
  const needsGenerator = request.edits.some(usesGenerator);
  if (needsGenerator) context.progress(done, total, 'loading the generator');
  const { pack, packId } = needsGenerator
    ? await resolveJobPack(request.pack, {
        db: session.db,
        projectPath: session.path,
        runtime: deps.runtime,
        faces: deps.faces,
        jobId: context.jobId,
        signal: context.signal,
        progress: (_, message) => context.progress(done, total, message),
      })
    : { pack: null, packId: null };
  const madeWith = pack ? pack.manifest.name : 'the face mesh (no generator)';
  try {
    const problems = pack ? checkEdits(pack, request.edits) : [];
    if (problems.length > 0) throw new Error(problems.join('; '));
    const donors = new DonorPool(allFaces);
    const renderer = new VariantRenderer(pack, deps.faces, deps.scorer, {
      sampler: new GridSampler(deps.runtime),
      onRefine: (faceId, iteration, iterations) =>
        context.progress(done, total, `refining face ${faceId}: step ${iteration} of ${iterations}`),
    });
    const scoring = new IdentityScoring(deps.scorer);
    const pending: Planned[] = [];
    // Batches are pipelined over the two threads: while the inference worker scores one batch (and
    // it is written and committed), the main thread renders the next. Commits stay in batch order.
    let committing: Promise<void> = Promise.resolve();
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const planned = pending.splice(0, pending.length);
      const skips: SkipRow[] = [];
      const skip = (p: Planned, reason: SkipRow['reason'], detail: string) =>
        skips.push({
          jobId: context.jobId,
          sourceImageId: p.source.imageId,
          ordinal: p.ordinal,
          editKind: p.recipe.editKind,
          reason,
          detail,
        });
      const batch: Planned[] = [];
      for (const p of planned) {
        const refused = await renderer.gate.check(p.recipe);
        if (refused) skip(p, refused.reason, refused.detail);
        else batch.push(p);
      }
      const drafts =
        batch.length > 0
          ? await renderer.render(
              batch.map((p) => p.recipe),
              context.signal,
            )
          : [];
      // A couple of ms each, dozens per batch: the event loop gets a turn between them.
      const realistic: (Skip | null)[] = [];
      for (const variant of drafts) {
        realistic.push(
          renderer.gate.realism(variant.source, variant.image, variant.frame.valid) ??
            (await renderer.gate.visibleChange(variant.recipe, variant.source, variant.image, variant.frame.valid)),
        );
        await yieldToEventLoop();
      }
      realistic.forEach((refused, i) => refused && skip(batch[i], refused.reason, refused.detail));
      const kept = batch.filter((_, i) => !realistic[i]);
      const rendered = drafts.filter((_, i) => !realistic[i]);
      const scored = scoring.score(
        rendered,
        kept.map((p) => p.source.identityId),
      );
      await committing;
      committing = commit(planned, kept, rendered, skips, scored);
      // Awaited by the next flush or at the end; marked handled so it never counts as unhandled meanwhile.
      committing.catch(() => undefined);
    };
    const commit = async (
      planned: readonly Planned[],
      kept: readonly Planned[],
      rendered: readonly RenderedVariant[],
      skips: SkipRow[],
      scored: Promise<IdentityScores[]>,
    ): Promise<void> => {
      const scores = await scored;
      const rows: VariantRow[] = [];
      for (const [i, variant] of rendered.entries()) {
        const { source, ordinal, recipe } = kept[i];
        const fileKey = variantKey(context.jobId, source.imageId, ordinal);
        await session.media.write(fileKey, variant.png);
        rows.push({
          jobId: context.jobId,
          sourceImageId: source.imageId,
          sourceFaceId: source.faceId,
          identityId: source.identityId,
          packId: recipe.pack ? packId : null,
          ordinal,
          editKind: recipe.editKind,
          strength: recipe.ops[0].strength,
          seed: recipe.seed,
          recipe: JSON.stringify(recipe),
          fileKey,
          width: variant.image.size,
          height: variant.image.size,
          latentDeltaNorm: variant.latentDeltaNorm,
          idToSource: scores[i].toSource,
          idToCentroid: scores[i].toCentroid,
          nearestOtherIdentityId: scores[i].nearestOtherId,
          idToNearestOther: scores[i].toNearestOther,
          diversity: variant.diversity,
          landmarks: variant.landmarks ?? null,
        });
      }
      // In planned order, not gate refusals before realism ones: the rows then come out the same
      // however the work was batched, so a sharded run merges to the very rows of a single one.
      const plannedAt = new Map(planned.map((p, at) => [`${p.source.imageId}/${p.ordinal}`, at]));
      const at = (row: SkipRow) => plannedAt.get(`${row.sourceImageId}/${row.ordinal}`) ?? 0;
      skips.sort((a, b) => at(a) - at(b));
      insertVariants(session.db, rows, skips);
      done += rows.length + skips.length;
      events.emit('synthesis.variantsAdded', { jobId: context.jobId, added: rows.length, total: done });
      context.progress(done, total, scoring.note ?? skipNote(session, context.jobId) ?? `synthesizing with ${madeWith}`);
    };

    // A swap the source itself can never take (no matte, or its region mostly padding, as on a tight
    // chip) is left out of that source's plan, its variants dealt among the other edits, and said
    // once per source in the summary, instead of being planned and refused variant after variant.
    // Likewise a pose edit's turns onto the side the source hides: its pose variants are dealt among
    // the turns it can take, so it still gets that many distinct turns. The check is the gate's own
    // at the edit's full strength, which the default [1, 1] always draws.
    const leftOut = new Map<string, number>();
    const editsOf = async (source: SourceFace): Promise<readonly EditSpec[]> => {
      const refusals = await Promise.all(
        request.edits.map(async (edit) => {
          const kind = swapKindOf(pack, edit);
          const refused = kind ? await renderer.gate.swapRefusal(source.faceId, kind) : null;
          return refused ? `${kind} swaps (${refused.reason})` : null;
        }),
      );
      const kept = request.edits.filter((_, i) => !refusals[i]);
      // With nothing left, the plan stays whole and each variant is skipped with its reason.
      if (kept.length === 0) return request.edits;
      // Counted only where the whole plan would have dealt the edit to this source at all.
      const count = (what: string, i: number) => i < request.variantsPerSource && leftOut.set(what, (leftOut.get(what) ?? 0) + 1);
      refusals.forEach((what, i) => what && count(what, i));
      return Promise.all(
        kept.map(async (edit, i) => {
          if (edit.type !== 'pose') return edit;
          const poses = edit.poses ?? POSE_PRESETS;
          const turns = poses.map((pose) => [scaledTurn(pose, edit.strength[1])]);
          const refused = await renderer.gate.turnRefusals(source.faceId, turns);
          const takes = poses.filter((_, p) => !refused[p]);
          // All kept: the very plan of before. None (a profile source, a single turn it cannot take):
          // the plan stays whole and each of its pose variants is skipped with its reason.
          if (takes.length === poses.length || takes.length === 0) return edit;
          count('pose turns onto the hidden side (hidden-side)', i);
          return { ...edit, poses: takes };
        }),
      );
    };
    const leftOutNote = () =>
      leftOut.size === 0 ? null : `left out: ${[...leftOut].map(([what, faces]) => `${what} for ${faces} faces`).join(', ')}`;

    try {
      plan: for (const source of sources) {
        const have = committed.get(source.imageId);
        if (have?.size === request.variantsPerSource) continue;
        const edits = await editsOf(source);
        for (let ordinal = 0; ordinal < request.variantsPerSource; ordinal += 1) {
          if (have?.has(ordinal)) continue;
          pending.push({ source, ordinal, recipe: planRecipe(pack, request, donors, source, ordinal, edits) });
          if (pending.length >= batchSize) {
            if (context.signal.aborted) break plan;
            await flush();
          }
        }
      }
      if (!context.signal.aborted) await flush();
    } finally {
      // Whatever ends the loop, the batch already rendered is committed (or its failure reported) before the job returns.
      await committing;
    }
    if (!context.signal.aborted)
      context.progress(
        done,
        total,
        [scoring.note, skipNote(session, context.jobId), leftOutNote()].filter(Boolean).join('; ') || `done with ${madeWith}`,
      );
  } finally {
    await pack?.close();
  }
}

/** "3 skipped: 2 no-visible-change (hair), 1 realism-clipped (relight)" — what the job's status line says about variants it did not make. */
function skipNote(session: ProjectSession, jobId: number): string | null {
  const counts = skipCounts(session.db, jobId);
  if (counts.length === 0) return null;
  const total = counts.reduce((n, c) => n + c.count, 0);
  return `${total} skipped: ${counts.map((c) => `${c.count} ${c.reason} (${c.editKinds.join(', ')})`).join(', ')}`;
}

export function selectSources(faces: readonly SourceFace[], selection: SourceSelection): SourceFace[] {
  if (selection.kind === 'all') return [...faces];
  if (selection.kind === 'identities') {
    const wanted = new Set(selection.identityIds);
    return faces.filter((f) => f.identityId !== null && wanted.has(f.identityId));
  }
  const wanted = new Set(selection.imageIds);
  return faces.filter((f) => wanted.has(f.imageId));
}
