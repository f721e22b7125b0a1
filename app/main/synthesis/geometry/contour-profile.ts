/**
 * A contour's `v` at `u`, for a run of (u, v) points ordered by `u` (a lid or lip line in a frame
 * along the feature): piecewise linear, held flat past either end.
 */
export function contourAt(points: readonly (readonly [number, number])[], u: number): number {
  if (u <= points[0][0]) return points[0][1];
  for (let i = 1; i < points.length; i += 1) {
    const [ua, va] = points[i - 1];
    const [ub, vb] = points[i];
    if (u <= ub) return ub - ua < 1e-6 ? vb : va + ((u - ua) / (ub - ua)) * (vb - va);
  }
  return points[points.length - 1][1];
}
