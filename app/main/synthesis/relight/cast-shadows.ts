/**
 * Visibility of a directional lamp over a height field (height toward the viewer in pixels, NaN off
 * the face): a pixel is in shadow when the surface rises above the ray from it toward the lamp,
 * as the nose, brows and eye sockets do under side and top light. Marched at half resolution and
 * upsampled, which also gives the shadow edge the softness of a real lamp's penumbra.
 * Returns 0 (shadowed) ‥ 1 (lit) per pixel at full resolution, in `into` when given.
 */
export function castShadows(
  height: Float32Array,
  size: number,
  toLight: readonly [number, number, number],
  into: Float32Array = new Float32Array(size * size),
): Float32Array {
  const visibility = into.fill(1);
  const [lx, ly, lz] = toLight;
  const planar = Math.hypot(lx, ly);
  if (planar < 1e-3) return visibility;
  const half = Math.max(1, Math.floor(size / 2));
  const { low, maxHeight } = halfResolution(height, size);
  // In image coordinates y grows downward; the ray climbs `rise` height pixels per image pixel.
  const dx = lx / planar;
  const dy = -ly / planar;
  const rise = (lz / planar) * 2;
  const bias = 1.5;
  const lowVisibility = new Float32Array(half * half).fill(1);
  for (let y = 0; y < half; y += 1) {
    for (let x = 0; x < half; x += 1) {
      const h0 = low[y * half + x];
      if (Number.isNaN(h0)) continue;
      for (let t = 1; t < half; t += 1) {
        const ray = h0 + t * rise + bias;
        if (ray > maxHeight) break;
        const qx = Math.round(x + 0.5 + t * dx - 0.5);
        const qy = Math.round(y + 0.5 + t * dy - 0.5);
        if (qx < 0 || qy < 0 || qx >= half || qy >= half) break;
        // Off the face the height is NaN, and NaN > ray is false: no occluder there.
        if (low[qy * half + qx] > ray) {
          lowVisibility[y * half + x] = 0;
          break;
        }
      }
    }
  }
  const soft = blur3(lowVisibility, half);
  const { t0, t1, frac } = upsampleTaps(size, half);
  for (let y = 0; y < size; y += 1) {
    const y0 = t0[y] * half;
    const y1 = t1[y] * half;
    const fy = frac[y];
    for (let x = 0; x < size; x += 1) {
      const x0 = t0[x];
      const x1 = t1[x];
      const fx = frac[x];
      const top = soft[y0 + x0] * (1 - fx) + soft[y0 + x1] * fx;
      const bottom = soft[y1 + x0] * (1 - fx) + soft[y1 + x1] * fx;
      visibility[y * size + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return visibility;
}

/** Bilinear taps from full to half resolution, the same for rows and columns and for every light. */
const tapsBySize = new Map<number, { t0: Int32Array; t1: Int32Array; frac: Float64Array }>();

function upsampleTaps(size: number, half: number): { t0: Int32Array; t1: Int32Array; frac: Float64Array } {
  let taps = tapsBySize.get(size);
  if (!taps) {
    taps = { t0: new Int32Array(size), t1: new Int32Array(size), frac: new Float64Array(size) };
    for (let x = 0; x < size; x += 1) {
      const s = Math.min(half - 1, Math.max(0, (x + 0.5) / 2 - 0.5));
      taps.t0[x] = Math.floor(s);
      taps.t1[x] = Math.min(half - 1, taps.t0[x] + 1);
      taps.frac[x] = s - taps.t0[x];
    }
    tapsBySize.set(size, taps);
  }
  return taps;
}

/** Heights per light are many, the face one: its half-resolution height field is kept with it. */
const halfHeights = new WeakMap<Float32Array, { low: Float32Array; maxHeight: number }>();

function halfResolution(height: Float32Array, size: number): { low: Float32Array; maxHeight: number } {
  const cached = halfHeights.get(height);
  if (cached) return cached;
  const half = Math.max(1, Math.floor(size / 2));
  const low = new Float32Array(half * half).fill(Number.NaN);
  let maxHeight = -Infinity;
  for (let y = 0; y < half; y += 1) {
    for (let x = 0; x < half; x += 1) {
      let s = 0;
      let n = 0;
      for (let dy = 0; dy < 2; dy += 1) {
        for (let dx = 0; dx < 2; dx += 1) {
          const v = height[Math.min(size - 1, 2 * y + dy) * size + Math.min(size - 1, 2 * x + dx)];
          if (!Number.isNaN(v)) {
            s += v;
            n += 1;
          }
        }
      }
      if (n > 0) {
        low[y * half + x] = s / n;
        maxHeight = Math.max(maxHeight, s / n);
      }
    }
  }
  const result = { low, maxHeight };
  halfHeights.set(height, result);
  return result;
}

function blur3(values: Float32Array, size: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < size; y += 1) {
    const inner = y > 0 && y < size - 1;
    for (let x = 0; x < size; x += 1) {
      if (inner && x > 0 && x < size - 1) {
        // The same nine terms in the same order as the bounded loop below, without its checks.
        const a = (y - 1) * size + x;
        const b = a + size;
        const c = b + size;
        out[y * size + x] =
          (values[a - 1] +
            values[a] +
            values[a + 1] +
            values[b - 1] +
            values[b] +
            values[b + 1] +
            values[c - 1] +
            values[c] +
            values[c + 1]) /
          9;
        continue;
      }
      let s = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy += 1) {
        for (let dx = -1; dx <= 1; dx += 1) {
          const qx = x + dx;
          const qy = y + dy;
          if (qx < 0 || qy < 0 || qx >= size || qy >= size) continue;
          s += values[qy * size + qx];
          n += 1;
        }
      }
      out[y * size + x] = s / n;
    }
  }
  return out;
}
