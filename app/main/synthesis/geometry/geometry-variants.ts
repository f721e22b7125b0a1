import type { MeshExpression } from '#api/synthesis.ts';
import { EXPRESSIONS, renderExpression } from './expression.ts';
import type { GridSampler } from './grid-sampler.ts';
import { POSE_PRESETS, type HeadRotation } from './head-rotation.ts';
import { renderPose, type MeshFace, type MeshRendered } from './mesh-render.ts';

/** The edit kinds made from a face's own mesh, as an evaluation names them. */
export type GeometryEditKind = 'pose' | 'expression';

export interface GeometryVariant extends MeshRendered {
  readonly kind: GeometryEditKind;
  /** "yaw +15° pitch 0° roll 0°", "smile": what the variant is, for reports and sheets. */
  readonly label: string;
  readonly pose: HeadRotation | null;
  readonly expression: MeshExpression | null;
}

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(Math.round(v))}°`;

/**
 * The variants a job with the default pose and expression edits makes of one face: every pose
 * preset, then every mesh expression, in a fixed order, so an evaluation (eval:augment's gallery)
 * gets exactly what users get. A face too turned for a pose edit (`poseRefusal`) should be left out
 * by the caller, as the job skips it.
 */
export async function geometryVariants(
  face: MeshFace,
  sampler: GridSampler,
  kinds: readonly GeometryEditKind[] = ['pose', 'expression'],
): Promise<GeometryVariant[]> {
  const variants: GeometryVariant[] = [];
  if (kinds.includes('pose')) {
    for (const pose of POSE_PRESETS) {
      const rendered = await renderPose(face, pose, sampler);
      const label = `yaw ${signed(pose.yaw)} pitch ${signed(pose.pitch)} roll ${signed(pose.roll)}`;
      variants.push({ ...rendered, kind: 'pose', label, pose, expression: null });
    }
  }
  if (kinds.includes('expression')) {
    for (const expression of EXPRESSIONS) {
      const rendered = await renderExpression(face, expression, sampler);
      variants.push({ ...rendered, kind: 'expression', label: expression, pose: null, expression });
    }
  }
  return variants;
}
