/**
 * A 2-D affine map as [a, b, c, d, e, f]: (x, y) → (a·x + b·y + c, d·x + e·y + f).
 * Coordinates are continuous image coordinates: pixel (i, j) covers [i, i+1) × [j, j+1), so its
 * centre is (i + 0.5, j + 0.5) — the convention SVG overlays use, so stored geometry draws exactly.
 */
export type Affine = readonly [number, number, number, number, number, number];

export type Point = readonly [number, number];

export function applyAffine(m: Affine, [x, y]: Point): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** `second ∘ first`: apply `first`, then `second`. */
export function composeAffine(second: Affine, first: Affine): Affine {
  const [a, b, c, d, e, f] = second;
  const [p, q, r, s, t, u] = first;
  return [a * p + b * s, a * q + b * t, a * r + b * u + c, d * p + e * s, d * q + e * t, d * r + e * u + f];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new RangeError('affine map is not invertible');
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det];
}

export function scaleAffine(s: number): Affine {
  return [s, 0, 0, 0, s, 0];
}

/** Rotation by `angle` radians about `centre`, then uniform scale `scale` about it, then move `centre` to `target`. */
export function similarityAbout(centre: Point, angle: number, scale: number, target: Point): Affine {
  const cos = Math.cos(angle) * scale;
  const sin = Math.sin(angle) * scale;
  return [cos, -sin, target[0] - cos * centre[0] + sin * centre[1], sin, cos, target[1] - sin * centre[0] - cos * centre[1]];
}

/** How many source pixels one output pixel spans (geometric mean of the axes). */
export function sourcePixelsPerOutputPixel(toOutput: Affine): number {
  const inverse = invertAffine(toOutput);
  return Math.sqrt(Math.abs(inverse[0] * inverse[4] - inverse[1] * inverse[3]));
}

/** The JSON shape stored in `faces.*_transform`: a 2×3 row-major matrix. */
export function affineToRows(m: Affine): [[number, number, number], [number, number, number]] {
  return [
    [m[0], m[1], m[2]],
    [m[3], m[4], m[5]],
  ];
}

export function affineFromRows(rows: readonly (readonly number[])[]): Affine {
  if (rows.length !== 2 || rows.some((r) => r.length !== 3 || r.some((v) => !Number.isFinite(v)))) {
    throw new RangeError('a stored transform must be a 2×3 matrix of finite numbers');
  }
  return [rows[0][0], rows[0][1], rows[0][2], rows[1][0], rows[1][1], rows[1][2]];
}
