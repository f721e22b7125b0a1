import Delaunator from 'delaunator';
import { invertSpd, symmetricEigen } from '../math/dense-linear-algebra.ts';
import { mirrorPoints, reflectMesh } from './face-symmetry.ts';
import { meshPose, rotateMesh } from './head-rotation.ts';

const MESH_POINTS = 468;

/**
 * Where every pixel of a re-rendered crop samples the source crop, for a face whose mesh moves
 * from `source` to `target` (468 × x, y, z in crop pixels, smaller z nearer). Coordinates are
 * continuous crop pixels (pixel centres at +0.5).
 */
export interface MeshWarp {
  readonly size: number;
  /** 2 × size² (x plane, y plane): the source position each output pixel shows. */
  readonly direct: Float32Array;
  /** 2 × size²: the same surface point on the face's other half, for what the source does not show; set only where `mirrorWeight` > 0. */
  readonly mirror: Float32Array;
  /** Per pixel, how much of the mirrored half is blended in (0‥1). */
  readonly mirrorWeight: Float32Array;
  /** Per pixel, 1 where neither half of the source shows the surface: not photo, marked invalid. */
  readonly hole: Float32Array;
  /** Per pixel, 0 where no face triangle landed and the smooth outside warp holds, 1 facing the camera, 2 turned away. */
  readonly covered: Uint8Array;
  /** Per mesh point: 1 where the re-projected point is inside the crop and seen (front-facing, not hidden, not a hole). */
  readonly landmarkValid: Uint8Array;
  /** Per pixel, the share of its area the surface at its centre covers: 1 but along occlusion edges (see `occlusionEdges`). */
  readonly edgeCoverage: Float32Array;
  /** Per pixel, bit k set where neighbour k (`NEIGHBOURS`) shows another surface across an occlusion edge. */
  readonly edgeOther: Uint8Array;
}

export interface MeshWarpOptions {
  /**
   * The same two meshes at FaceMesh's own depth when `source` and `target` have theirs stretched:
   * the surface, its symmetry and how squarely it faces the camera are judged on these, positions
   * and occlusion on the stretched ones.
   */
  readonly surface?: { readonly source: Float32Array; readonly target: Float32Array };
  /** Gaussian radius of the smooth warp outside the face, as a share of the crop side. */
  readonly outsideRadius?: number;
  /**
   * The target is the source's head turned (a pose): the skull toward the crown keeps its outline
   * (see `skullAnchors`). Otherwise (an expression) the skull moves as the face's shell does.
   */
  readonly headTurn?: boolean;
}

/**
 * Triangles of the mesh as a surface, whichever way the head is turned: a Delaunay triangulation of
 * the mesh turned to face the camera and seen from a point behind the head (see `triangulate`), so
 * a source in three-quarter view keeps its far cheek as a surface instead of folding it into the
 * near one.
 */
export function surfaceTriangles(mesh: Float32Array): Uint32Array {
  return triangulate(frontalMesh(mesh));
}

/** The mesh turned to face the camera, about its own centroid. */
function frontalMesh(mesh: Float32Array): Float32Array {
  const { yaw, pitch } = meshPose(mesh);
  return rotateMesh(mesh, { yaw: -yaw, pitch: -pitch, roll: 0 });
}

/**
 * Delaunay triangles of the frontal mesh as seen from a point on its axis behind the head: each
 * point is placed at its offset from the axis divided by its distance to that point. Seen from the
 * camera instead, the cheeks' front (FaceMesh 137, 177, 227…) lies on the outline beside the face
 * oval, which sits 20 px further back; the triangulation then zigzagged between the two, and a turn
 * toward that side opened the zigzag into a sawtooth of gaps along the cheek. From behind, every
 * point of the face's shell keeps its place in the order, and the oval is the outline.
 */
function triangulate(frontal: Float32Array): Uint32Array {
  let [minX, maxX, centreX, centreY, maxZ] = [Infinity, -Infinity, 0, 0, -Infinity];
  for (let p = 0; p < MESH_POINTS; p += 1) {
    minX = Math.min(minX, frontal[p * 3]);
    maxX = Math.max(maxX, frontal[p * 3]);
    centreX += frontal[p * 3] / MESH_POINTS;
    centreY += frontal[p * 3 + 1] / MESH_POINTS;
    maxZ = Math.max(maxZ, frontal[p * 3 + 2]);
  }
  const eye = maxZ + UNWRAP_DEPTH * (maxX - minX);
  const xy = new Float64Array(MESH_POINTS * 2);
  for (let p = 0; p < MESH_POINTS; p += 1) {
    const distance = eye - frontal[p * 3 + 2];
    xy[p * 2] = (frontal[p * 3] - centreX) / distance;
    xy[p * 2 + 1] = (frontal[p * 3 + 1] - centreY) / distance;
  }
  const triangles = new Delaunator(xy).triangles;
  // Delaunator winds every triangle the same way in its plane; make it the camera-facing winding,
  // as most of the face's area faces the camera.
  let facing = 0;
  for (let t = 0; t < triangles.length; t += 3) facing += cross2(frontal, triangles[t], triangles[t + 1], triangles[t + 2]);
  if (facing < 0) {
    for (let t = 0; t < triangles.length; t += 3) [triangles[t + 1], triangles[t + 2]] = [triangles[t + 2], triangles[t + 1]];
  }
  return triangles;
}

/** How far behind the mesh's deepest point the triangulation's viewpoint sits, in face widths. */
const UNWRAP_DEPTH = 1;

function cross2(mesh: Float32Array, a: number, b: number, c: number): number {
  return (
    (mesh[b * 3] - mesh[a * 3]) * (mesh[c * 3 + 1] - mesh[a * 3 + 1]) - (mesh[c * 3] - mesh[a * 3]) * (mesh[b * 3 + 1] - mesh[a * 3 + 1])
  );
}

/**
 * How squarely each mesh point faces the camera (1 head-on, 0 edge-on, < 0 turned away): the
 * z-part of its area-weighted normal, with triangles wound as `surfaceTriangles` winds them.
 */
export function pointFacing(mesh: Float32Array, triangles: Uint32Array): Float32Array {
  const normals = new Float64Array(MESH_POINTS * 3);
  for (let t = 0; t < triangles.length; t += 3) {
    const a = triangles[t] * 3;
    const b = triangles[t + 1] * 3;
    const c = triangles[t + 2] * 3;
    const e1x = mesh[b] - mesh[a];
    const e1y = mesh[b + 1] - mesh[a + 1];
    const e1z = mesh[b + 2] - mesh[a + 2];
    const e2x = mesh[c] - mesh[a];
    const e2y = mesh[c + 1] - mesh[a + 1];
    const e2z = mesh[c + 2] - mesh[a + 2];
    const nx = e1y * e2z - e1z * e2y;
    const ny = e1z * e2x - e1x * e2z;
    const nz = e1x * e2y - e1y * e2x;
    for (const v of [a, b, c]) {
      normals[v] += nx;
      normals[v + 1] += ny;
      normals[v + 2] += nz;
    }
  }
  const facing = new Float32Array(MESH_POINTS);
  for (let p = 0; p < MESH_POINTS; p += 1) {
    const length = Math.hypot(normals[p * 3], normals[p * 3 + 1], normals[p * 3 + 2]);
    facing[p] = length > 0 ? normals[p * 3 + 2] / length : 0;
  }
  return facing;
}

interface SourceSurface {
  readonly triangles: Uint32Array;
  readonly mirrorOf: Uint16Array;
  /**
   * Where each point's mirror image lies on the surface: three mesh points (`mirrorCorners`) and
   * their weights, the triangle of the frontal mesh its reflection falls in. Unlike the nearest
   * point (`mirrorOf`) this moves continuously over the face, so neighbouring triangles mirror to
   * neighbouring places and the fill does not shear into streaks.
   */
  readonly mirrorCorners: Uint16Array;
  readonly mirrorWeights: Float32Array;
  /** 1 for points on the mesh's outline (edges that border one triangle). */
  readonly outline: Uint8Array;
  /** 1 for points on the outline or next to it. */
  readonly rim: Uint8Array;
  /** Each point's neighbours along triangle edges, as offsets (`neighbourStart`, one past the last point) into `neighbours`. */
  readonly neighbourStart: Uint32Array;
  readonly neighbours: Uint16Array;
  readonly seenSource: Float32Array;
}

/** What a source's mesh gives every turn of it alike; kept per mesh array while the caller holds it. */
const sourceSurfaces = new WeakMap<Float32Array, SourceSurface>();

function sourceSurface(mesh: Float32Array): SourceSurface {
  let surface = sourceSurfaces.get(mesh);
  if (!surface) {
    const frontal = frontalMesh(mesh);
    const triangles = triangulate(frontal);
    const mirrorOf = mirrorPoints(mesh);
    surface = {
      triangles,
      mirrorOf,
      ...mirrorLocations(frontal, triangles, mirrorOf),
      ...meshEdges(triangles),
      seenSource: pointFacing(mesh, triangles),
    };
    sourceSurfaces.set(mesh, surface);
  }
  return surface;
}

/** Each point's reflection located in the frontal mesh's triangles (the nearest point where it falls outside them). */
function mirrorLocations(
  frontal: Float32Array,
  triangles: Uint32Array,
  mirrorOf: Uint16Array,
): { mirrorCorners: Uint16Array; mirrorWeights: Float32Array } {
  const reflected = reflectMesh(frontal);
  const mirrorCorners = new Uint16Array(MESH_POINTS * 3);
  const mirrorWeights = new Float32Array(MESH_POINTS * 3);
  for (let p = 0; p < MESH_POINTS; p += 1) {
    const [px, py] = [reflected[p * 3], reflected[p * 3 + 1]];
    mirrorCorners.fill(mirrorOf[p], p * 3, p * 3 + 3);
    mirrorWeights[p * 3] = 1;
    for (let t = 0; t < triangles.length; t += 3) {
      const [a, b, c] = [triangles[t], triangles[t + 1], triangles[t + 2]];
      const area = cross2(frontal, a, b, c);
      if (area <= 1e-9) continue;
      const [ax, ay, bx, by, cx, cy] = [
        frontal[a * 3],
        frontal[a * 3 + 1],
        frontal[b * 3],
        frontal[b * 3 + 1],
        frontal[c * 3],
        frontal[c * 3 + 1],
      ];
      const w0 = ((bx - px) * (cy - py) - (cx - px) * (by - py)) / area;
      const w1 = ((cx - px) * (ay - py) - (ax - px) * (cy - py)) / area;
      const w2 = 1 - w0 - w1;
      if (w0 < -1e-6 || w1 < -1e-6 || w2 < -1e-6) continue;
      mirrorCorners.set([a, b, c], p * 3);
      mirrorWeights.set([w0, w1, w2], p * 3);
      break;
    }
  }
  return { mirrorCorners, mirrorWeights };
}

/** The mesh's outline points and every point's neighbours, from its triangles. */
function meshEdges(triangles: Uint32Array): { outline: Uint8Array; rim: Uint8Array; neighbourStart: Uint32Array; neighbours: Uint16Array } {
  const uses = new Map<number, number>();
  const adjacent = Array.from({ length: MESH_POINTS }, () => new Set<number>());
  for (let t = 0; t < triangles.length; t += 3) {
    for (let k = 0; k < 3; k += 1) {
      const [u, v] = [triangles[t + k], triangles[t + ((k + 1) % 3)]];
      const key = Math.min(u, v) * MESH_POINTS + Math.max(u, v);
      uses.set(key, (uses.get(key) ?? 0) + 1);
      adjacent[u].add(v);
      adjacent[v].add(u);
    }
  }
  const outline = new Uint8Array(MESH_POINTS);
  for (const [key, count] of uses) {
    if (count !== 1) continue;
    outline[Math.floor(key / MESH_POINTS)] = 1;
    outline[key % MESH_POINTS] = 1;
  }
  const neighbourStart = new Uint32Array(MESH_POINTS + 1);
  for (let p = 0; p < MESH_POINTS; p += 1) neighbourStart[p + 1] = neighbourStart[p] + adjacent[p].size;
  const neighbours = new Uint16Array(neighbourStart[MESH_POINTS]);
  for (let p = 0; p < MESH_POINTS; p += 1) neighbours.set([...adjacent[p]], neighbourStart[p]);
  const rim = Uint8Array.from(outline, (on, p) => (on || [...adjacent[p]].some((q) => outline[q]) ? 1 : 0));
  return { outline, rim, neighbourStart, neighbours };
}

/**
 * The mirror's share per point, smoothed over the mesh and zero on its outline. Raw, it flips
 * between neighbouring points as their facing wavers, and the fill came out as a sawtooth of
 * mirrored and own triangles; up to the outline, the face's edge showed the other cheek's edge
 * while the hair just outside it follows the smooth warp, and the oval stood out against it.
 */
function mirrorBlend(raw: Float32Array, surface: SourceSurface): Float32Array {
  const { outline, neighbourStart, neighbours } = surface;
  let weight = Float32Array.from(raw, (w, p) => (outline[p] ? 0 : w));
  for (let pass = 0; pass < MIRROR_SMOOTHING; pass += 1) {
    const next = new Float32Array(MESH_POINTS);
    for (let p = 0; p < MESH_POINTS; p += 1) {
      if (outline[p]) continue;
      let sum = weight[p];
      for (let k = neighbourStart[p]; k < neighbourStart[p + 1]; k += 1) sum += weight[neighbours[k]];
      next[p] = sum / (1 + neighbourStart[p + 1] - neighbourStart[p]);
    }
    weight = next;
  }
  return weight;
}

/** Passes of neighbour averaging for the mirror's share (see `mirrorBlend`). */
const MIRROR_SMOOTHING = 2;

/** Below this facing a point is too foreshortened in the source for its own pixels to carry it. */
const SEEN = 0.35;
/**
 * At or below this facing on both halves of the source, a surface the target shows has no photo
 * behind it: turned away from the camera. A surface seen at a grazing angle is still photo, if
 * stretched; at 0.12 the nose's wings (0.05–0.12 in frontal photos) were cut out as holes beside the
 * nostrils whenever the head turned.
 */
const UNSEEN = 0;

/**
 * The backward map of a mesh re-render: every target triangle is z-buffered and maps its pixels
 * piecewise-affinely to where the source shows that triangle (and to its mirror image on the other
 * half); outside the face the map is a smooth displacement that matches the face's outline and is
 * zero on the crop border, so hair, neck and background follow without tearing.
 */
export function planMeshWarp(source: Float32Array, target: Float32Array, size: number, options: MeshWarpOptions = {}): MeshWarp {
  if (source.length !== MESH_POINTS * 3 || target.length !== MESH_POINTS * 3) throw new Error(`expected ${MESH_POINTS} × 3 mesh values`);
  const flat = options.surface ?? { source, target };
  const surface = sourceSurface(flat.source);
  const { triangles, mirrorOf, seenSource } = surface;
  const seenTarget = pointFacing(flat.target, triangles);
  const raw = new Float32Array(MESH_POINTS);
  const holeAt = new Float32Array(MESH_POINTS);
  for (let p = 0; p < MESH_POINTS; p += 1) {
    const own = seenSource[p];
    const other = seenSource[mirrorOf[p]];
    // Only what the turn brings into view: a point seen as well as before keeps its own pixels.
    const gain = clamp01((seenTarget[p] - own - 0.05) / 0.2);
    raw[p] = gain * clamp01((SEEN - own) / 0.2) * clamp01((other - own) / 0.2);
    // Not on the rim: the band between the cheek's front and the oval behind it is edge-on in both
    // halves of a frontal photo, and marking it cut black crescents and patches along turned cheeks.
    holeAt[p] = !surface.rim[p] && gain > 0.5 && Math.max(own, other) <= UNSEEN ? 1 : 0;
  }
  const weight = mirrorBlend(raw, surface);
  // Each point's mirror image in the source, blended from the triangle its reflection falls in.
  const mirrorX = new Float64Array(MESH_POINTS);
  const mirrorY = new Float64Array(MESH_POINTS);
  for (let p = 0; p < MESH_POINTS; p += 1) {
    for (let k = 0; k < 3; k += 1) {
      const q = surface.mirrorCorners[p * 3 + k] * 3;
      mirrorX[p] += surface.mirrorWeights[p * 3 + k] * source[q];
      mirrorY[p] += surface.mirrorWeights[p * 3 + k] * source[q + 1];
    }
  }

  const plane = size * size;
  const direct = new Float32Array(plane * 2);
  const mirror = new Float32Array(plane * 2);
  const mirrorWeight = new Float32Array(plane);
  const hole = new Float32Array(plane);
  const depth = new Float32Array(plane).fill(Infinity);
  // Front-facing triangles first; then the turned-away ones, only where no front-facing one landed.
  // Skipped, they left gaps along the outline (slivers of the triangulation flip as the head turns)
  // that the smooth outside warp filled with hair and background: a sawtooth edge on the cheek.
  const layer = new Uint8Array(plane);
  for (let k = 0; k < triangles.length * 2; k += 3) {
    const pass = k < triangles.length ? 1 : 2;
    const t = pass === 1 ? k : k - triangles.length;
    const [a, b, c] = [triangles[t], triangles[t + 1], triangles[t + 2]];
    const area = cross2(target, a, b, c);
    if (pass === 1 ? area <= 1e-6 : area >= -1e-6) continue;
    const ax = target[a * 3],
      ay = target[a * 3 + 1],
      bx = target[b * 3],
      by = target[b * 3 + 1],
      cx = target[c * 3],
      cy = target[c * 3 + 1];
    const [az, bz, cz] = [target[a * 3 + 2], target[b * 3 + 2], target[c * 3 + 2]];
    const [sax, say, sbx, sby, scx, scy] = [
      source[a * 3],
      source[a * 3 + 1],
      source[b * 3],
      source[b * 3 + 1],
      source[c * 3],
      source[c * 3 + 1],
    ];
    const [max, may, mbx, mby, mcx, mcy] = [mirrorX[a], mirrorY[a], mirrorX[b], mirrorY[b], mirrorX[c], mirrorY[c]];
    const [wa, wb, wc] = [weight[a], weight[b], weight[c]];
    // Where no corner borrows from the mirror, neither does the triangle: its mirror map is never read.
    const mirrored = wa > 0 || wb > 0 || wc > 0;
    const [ha, hb, hc] = [holeAt[a], holeAt[b], holeAt[c]];
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx)));
    const x1 = Math.min(size - 1, Math.ceil(Math.max(ax, bx, cx)));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy)));
    const y1 = Math.min(size - 1, Math.ceil(Math.max(ay, by, cy)));
    for (let y = y0; y <= y1; y += 1) {
      const py = y + 0.5;
      for (let x = x0; x <= x1; x += 1) {
        const px = x + 0.5;
        const w0 = ((bx - px) * (cy - py) - (cx - px) * (by - py)) / area;
        if (w0 < -1e-6) continue;
        const w1 = ((cx - px) * (ay - py) - (ax - px) * (cy - py)) / area;
        if (w1 < -1e-6) continue;
        const w2 = 1 - w0 - w1;
        if (w2 < -1e-6) continue;
        const j = y * size + x;
        const z = w0 * az + w1 * bz + w2 * cz;
        if (z >= depth[j] || (pass === 2 && layer[j] === 1)) continue;
        depth[j] = z;
        layer[j] = pass;
        direct[j] = w0 * sax + w1 * sbx + w2 * scx;
        direct[plane + j] = w0 * say + w1 * sby + w2 * scy;
        if (mirrored) {
          mirror[j] = w0 * max + w1 * mbx + w2 * mcx;
          mirror[plane + j] = w0 * may + w1 * mby + w2 * mcy;
          mirrorWeight[j] = w0 * wa + w1 * wb + w2 * wc;
        } else mirrorWeight[j] = 0;
        hole[j] = w0 * ha + w1 * hb + w2 * hc >= 0.5 ? 1 : 0;
      }
    }
  }

  fillOutside(direct, depth, source, target, surface.outline, size, options.outsideRadius ?? 0.2, options.headTurn ?? false);

  const landmarkValid = new Uint8Array(MESH_POINTS);
  for (let p = 0; p < MESH_POINTS; p += 1) {
    const x = target[p * 3];
    const y = target[p * 3 + 1];
    if (!(x >= 0 && y >= 0 && x < size && y < size) || seenTarget[p] <= 0 || holeAt[p] > 0) continue;
    const j = Math.floor(y) * size + Math.floor(x);
    // Hidden behind a nearer part of the face (the nose, turned far enough): the z-buffer says so.
    const slack = 0.02 * size;
    landmarkValid[p] = target[p * 3 + 2] <= depth[j] + slack ? 1 : 0;
  }
  return {
    size,
    direct,
    mirror,
    mirrorWeight,
    hole,
    covered: layer,
    landmarkValid,
    ...occlusionEdges(target, triangles, depth, direct, size),
  };
}

/** Subsamples per pixel side with which an occlusion edge's pixels are measured (`occlusionEdges`). */
const EDGE_SUBSAMPLES = 3;
/** Values per triangle in `occlusionEdges`' planes: two barycentric weights and the depth, three each, and whether it faces the camera. */
const PLANE_VALUES = 10;
/** Neighbours whose source places lie at most this far apart (source pixels) show one continuous image. */
const EDGE_JUMP = 1.5;
/** Side in pixels of the cells that triangles are binned in for `occlusionEdges`. */
const EDGE_CELL = 8;
/** Two surfaces whose depths at a pixel differ by more than this (crop pixels) are apart: one hides the other. */
const DEPTH_GAP = 3;

/**
 * The pixels along occlusion edges (the nose's silhouette over the far cheek, the face's outline
 * over what lies outside it) and how much of each the surface at its centre covers: its
 * `EDGE_SUBSAMPLES`² subsamples z-buffered among the triangles near it with the full raster's
 * precedence (facing triangles over turned-away ones, the outside warp behind both). The z-buffer
 * decides each pixel by its centre alone, and these edges came out as staircases of whole pixels:
 * a jagged nose against the far cheek at ±30°.
 */
function occlusionEdges(
  target: Float32Array,
  triangles: Uint32Array,
  depth: Float32Array,
  map: Float32Array,
  size: number,
): Pick<MeshWarp, 'edgeCoverage' | 'edgeOther'> {
  const plane = size * size;
  const edgeCoverage = new Float32Array(plane).fill(1);
  const edgeOther = new Uint8Array(plane);
  const count = triangles.length / 3;
  // Per triangle, its first two barycentric weights and its depth as planes over the image
  // (constant, per x, per y), and 1 facing the camera, 0 turned away, −1 degenerate (never shown).
  const planes = new Float64Array(count * PLANE_VALUES);
  // The triangles whose bounding boxes reach each EDGE_CELL-pixel cell, as offsets into `binned`.
  const cells = Math.ceil(size / EDGE_CELL);
  const binStart = new Uint32Array(cells * cells + 1);
  const boxes = new Int32Array(count * 4);
  const extent = new Float64Array(count * 4);
  for (let n = 0; n < count; n += 1) {
    const a = triangles[n * 3] * 3;
    const b = triangles[n * 3 + 1] * 3;
    const c = triangles[n * 3 + 2] * 3;
    const ax = target[a],
      ay = target[a + 1],
      bx = target[b],
      by = target[b + 1],
      cx = target[c],
      cy = target[c + 1];
    const area = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
    const o = n * PLANE_VALUES;
    boxes[n * 4] = boxes[n * 4 + 1] = 0;
    boxes[n * 4 + 2] = boxes[n * 4 + 3] = -1;
    if (Math.abs(area) <= 1e-6) {
      planes[o + 9] = -1;
      continue;
    }
    // w0 = (bx·cy − cx·by + (by − cy) x + (cx − bx) y) / area, w1 likewise, w2 = 1 − w0 − w1.
    planes[o] = (bx * cy - cx * by) / area;
    planes[o + 1] = (by - cy) / area;
    planes[o + 2] = (cx - bx) / area;
    planes[o + 3] = (cx * ay - ax * cy) / area;
    planes[o + 4] = (cy - ay) / area;
    planes[o + 5] = (ax - cx) / area;
    const za = target[a + 2];
    const zb = target[b + 2];
    const zc = target[c + 2];
    planes[o + 6] = zc + (za - zc) * planes[o] + (zb - zc) * planes[o + 3];
    planes[o + 7] = (za - zc) * planes[o + 1] + (zb - zc) * planes[o + 4];
    planes[o + 8] = (za - zc) * planes[o + 2] + (zb - zc) * planes[o + 5];
    planes[o + 9] = area > 0 ? 1 : 0;
    extent[n * 4] = Math.min(ax, bx, cx);
    extent[n * 4 + 1] = Math.min(ay, by, cy);
    extent[n * 4 + 2] = Math.max(ax, bx, cx);
    extent[n * 4 + 3] = Math.max(ay, by, cy);
    for (let k = 0; k < 4; k += 1) boxes[n * 4 + k] = Math.min(cells - 1, Math.max(0, Math.floor(extent[n * 4 + k] / EDGE_CELL)));
    for (let gy = boxes[n * 4 + 1]; gy <= boxes[n * 4 + 3]; gy += 1)
      for (let gx = boxes[n * 4]; gx <= boxes[n * 4 + 2]; gx += 1) binStart[gy * cells + gx + 1] += 1;
  }
  for (let g = 0; g < cells * cells; g += 1) binStart[g + 1] += binStart[g];
  const binned = new Uint16Array(binStart[cells * cells]);
  const filled = binStart.slice(0, cells * cells);
  for (let n = 0; n < count; n += 1)
    for (let gy = boxes[n * 4 + 1]; gy <= boxes[n * 4 + 3]; gy += 1)
      for (let gx = boxes[n * 4]; gx <= boxes[n * 4 + 2]; gx += 1) binned[filled[gy * cells + gx]++] = n;

  const samples = EDGE_SUBSAMPLES ** 2;
  const [best, bestZ, bestFront] = [new Int32Array(samples), new Float64Array(samples), new Float64Array(samples)];
  const apart = (z0: number, z1: number) => (z0 === Infinity) !== (z1 === Infinity) || Math.abs(z0 - z1) > DEPTH_GAP;
  // Each pair of neighbouring pixels weighed once (from the first of them), both marked. Apart:
  // one in the face and one outside it, or their depths differ by `DEPTH_GAP` more than the
  // smaller of the steps beside them along the same line does (a steep surface, the far cheek
  // seen edge-on, steps far in depth from pixel to pixel, evenly).
  const offsets = Int32Array.from(NEIGHBOURS, ([dx, dy]) => dy * size + dx);
  // Only the face's box (and a pixel around it) holds edges.
  let [left, top, right, bottom] = [size, size, 0, 0];
  for (let p = 0; p < target.length; p += 3) {
    left = Math.min(left, target[p]);
    top = Math.min(top, target[p + 1]);
    right = Math.max(right, target[p]);
    bottom = Math.max(bottom, target[p + 1]);
  }
  const [x0, y0] = [Math.max(2, Math.floor(left) - 2), Math.max(2, Math.floor(top) - 2)];
  const [x1, y1] = [Math.min(size - 2, Math.ceil(right) + 2), Math.min(size - 2, Math.ceil(bottom) + 2)];
  for (let y = y0; y < y1; y += 1)
    for (let x = x0; x < x1; x += 1) {
      const j = y * size + x;
      const own = depth[j];
      const outside = own === Infinity;
      for (let k = 4; k < 8; k += 1) {
        const offset = offsets[k];
        const i = j + offset;
        const there = depth[i];
        const gap = there - own;
        // Nearly level neighbours first: most pairs, on one surface.
        if ((gap <= DEPTH_GAP && gap >= -DEPTH_GAP) || (outside && there === Infinity)) continue;
        if (!outside && there !== Infinity) {
          const before = depth[j - offset];
          const after = depth[i + offset];
          const beside = Math.min(before === Infinity ? 0 : Math.abs(own - before), after === Infinity ? 0 : Math.abs(after - there));
          if (Math.abs(gap) <= DEPTH_GAP + beside) continue;
        }
        // Where the two show neighbouring places of the source (the face's outline where the warp
        // outside carries on from it), the image runs on across the edge and there is nothing to mix.
        if (Math.hypot(map[i] - map[j], map[plane + i] - map[plane + j]) <= EDGE_JUMP) continue;
        edgeOther[j] |= 1 << k;
        edgeOther[i] |= 1 << (7 - k);
      }
    }
  for (let y = y0 - 1; y <= y1; y += 1)
    for (let x = x0 - 1; x <= x1; x += 1) {
      const j = y * size + x;
      if (edgeOther[j] === 0) continue;
      const own = depth[j];
      const g = Math.floor(y / EDGE_CELL) * cells + Math.floor(x / EDGE_CELL);
      // Per subsample, the nearest facing triangle there, else the nearest turned-away one, else the outside.
      bestZ.fill(Infinity);
      bestFront.fill(0);
      best.fill(-1);
      for (let m = binStart[g]; m < binStart[g + 1]; m += 1) {
        const n = binned[m];
        if (extent[n * 4] > x + 1 || extent[n * 4 + 1] > y + 1 || extent[n * 4 + 2] < x || extent[n * 4 + 3] < y) continue;
        const o = n * PLANE_VALUES;
        const front = planes[o + 9];
        for (let s = 0; s < samples; s += 1) {
          if (front < bestFront[s]) continue;
          const px = x + ((s % EDGE_SUBSAMPLES) + 0.5) / EDGE_SUBSAMPLES;
          const py = y + (Math.floor(s / EDGE_SUBSAMPLES) + 0.5) / EDGE_SUBSAMPLES;
          const w0 = planes[o] + planes[o + 1] * px + planes[o + 2] * py;
          const w1 = planes[o + 3] + planes[o + 4] * px + planes[o + 5] * py;
          if (w0 < -1e-6 || w1 < -1e-6 || 1 - w0 - w1 < -1e-6) continue;
          const z = planes[o + 6] + planes[o + 7] * px + planes[o + 8] * py;
          if (front === bestFront[s] && z >= bestZ[s]) continue;
          best[s] = o;
          bestZ[s] = z;
          bestFront[s] = front;
        }
      }
      // Each subsample's surface judged by its depth at the pixel's centre, where `own` was.
      let same = 0;
      for (let s = 0; s < samples; s += 1) {
        const o = best[s];
        if (!apart(own, o < 0 ? Infinity : planes[o + 6] + planes[o + 7] * (x + 0.5) + planes[o + 8] * (y + 0.5))) same += 1;
      }
      edgeCoverage[j] = same / samples;
    }
  return { edgeCoverage, edgeOther };
}

/** A pixel's eight neighbours as (dx, dy), in the bit order of `MeshWarp.edgeOther`. */
export const NEIGHBOURS = [
  [-1, -1],
  [0, -1],
  [1, -1],
  [-1, 0],
  [1, 0],
  [-1, 1],
  [0, 1],
  [1, 1],
] as const;

/**
 * Fills the map where no face triangle landed (`depth` still infinite) with the displacement
 * (source − target position) interpolated by Gaussian radial basis functions between the mesh
 * outline's points, the skull above it (`skullAnchors`) and fixed points on the crop border, on a
 * coarse grid and bilinearly upsampled: smooth by construction, so it needs no finer sampling.
 * The outline is the source's (the face oval), wherever it lands: anchored on the turned mesh's own
 * hull instead, whose far side runs down the nose and the mouth's corner, the background the far
 * cheek uncovered sampled that cheek again, as a ghost of the face beside it. For a turn, an anchor
 * the face now hides is moved out to where it emerges (`emerged`).
 */
function fillOutside(
  map: Float32Array,
  depth: Float32Array,
  source: Float32Array,
  target: Float32Array,
  outline: Uint8Array,
  size: number,
  radiusShare: number,
  headTurn: boolean,
): void {
  const anchors: OutsideAnchor[] = [];
  for (let p = 0; p < MESH_POINTS; p += 1) {
    if (!outline[p]) continue;
    const [x, y, sx, sy] = [target[p * 3], target[p * 3 + 1], source[p * 3], source[p * 3 + 1]];
    anchors.push(headTurn ? emerged(depth, size, x, y, sx, sy) : { x, y, dx: sx - x, dy: sy - y });
  }
  for (const anchor of skullAnchors(source, target, outline, size, headTurn))
    anchors.push(headTurn ? emerged(depth, size, anchor.x, anchor.y, anchor.x + anchor.dx, anchor.y + anchor.dy) : anchor);
  const steps = 8;
  for (let k = 0; k < steps; k += 1) {
    const s = (k / steps) * size;
    for (const [x, y] of [
      [s, 0],
      [size, s],
      [size - s, size],
      [0, size - s],
    ])
      anchors.push({ x, y, dx: 0, dy: 0 });
  }
  const n = anchors.length;
  const sigma2 = 2 * (radiusShare * size) ** 2;
  const kernel = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1)
    for (let j = 0; j < n; j += 1)
      kernel[i * n + j] =
        Math.exp(-((anchors[i].x - anchors[j].x) ** 2 + (anchors[i].y - anchors[j].y) ** 2) / sigma2) + (i === j ? 1e-3 : 0);
  const inverse = invertSpd(kernel, n);
  const alphaX = new Float64Array(n);
  const alphaY = new Float64Array(n);
  for (let i = 0; i < n; i += 1)
    for (let j = 0; j < n; j += 1) {
      alphaX[i] += inverse[i * n + j] * anchors[j].dx;
      alphaY[i] += inverse[i * n + j] * anchors[j].dy;
    }
  const cell = 8;
  const coarse = Math.ceil(size / cell) + 1;
  const gridX = new Float64Array(coarse * coarse);
  const gridY = new Float64Array(coarse * coarse);
  for (let gy = 0; gy < coarse; gy += 1)
    for (let gx = 0; gx < coarse; gx += 1) {
      const px = gx * cell;
      const py = gy * cell;
      let dx = 0;
      let dy = 0;
      for (let i = 0; i < n; i += 1) {
        const k = Math.exp(-((px - anchors[i].x) ** 2 + (py - anchors[i].y) ** 2) / sigma2);
        dx += alphaX[i] * k;
        dy += alphaY[i] * k;
      }
      // Never past the crop: a large move beside the border (the far cheek's, anchored on its oval)
      // sampled outside the source and left blots of padding in the background.
      const roomX = dx < 0 ? px : size - px;
      const roomY = dy < 0 ? py : size - py;
      const scale = Math.min(1, (OUTSIDE_REACH * roomX) / Math.abs(dx || 1e-9), (OUTSIDE_REACH * roomY) / Math.abs(dy || 1e-9));
      gridX[gy * coarse + gx] = dx * scale;
      gridY[gy * coarse + gx] = dy * scale;
    }
  const plane = size * size;
  for (let y = 0; y < size; y += 1) {
    const fy = (y + 0.5) / cell;
    const y0 = Math.min(coarse - 2, Math.floor(fy));
    const ty = fy - y0;
    for (let x = 0; x < size; x += 1) {
      const j = y * size + x;
      if (depth[j] !== Infinity) continue;
      const fx = (x + 0.5) / cell;
      const x0 = Math.min(coarse - 2, Math.floor(fx));
      const tx = fx - x0;
      const i00 = y0 * coarse + x0;
      const w00 = (1 - tx) * (1 - ty);
      const w01 = tx * (1 - ty);
      const w10 = (1 - tx) * ty;
      const w11 = tx * ty;
      map[j] = x + 0.5 + gridX[i00] * w00 + gridX[i00 + 1] * w01 + gridX[i00 + coarse] * w10 + gridX[i00 + coarse + 1] * w11;
      map[plane + j] = y + 0.5 + gridY[i00] * w00 + gridY[i00 + 1] * w01 + gridY[i00 + coarse] * w10 + gridY[i00 + coarse + 1] * w11;
    }
  }
}

/**
 * An anchor of the outside warp for a point that moves from (sx, sy) in the source to (x, y): where
 * the face covers (x, y), it is moved back along the way the point came to where that way leaves
 * the face, and samples beyond the point's source place by half the way it hid. The far side's oval
 * turns behind the cheek and lands by the nose-to-mouth line (60 px from its source place on a
 * 256 px crop): anchored there, nearly all of that move reached the face's visible edge, and the
 * background between the edge and the crop border, which stays put, was stretched three- to
 * fivefold across into streaks. Anchored on the edge with the oval's own move, the ring just outside
 * the oval (the ear, the hair at the side, the cheek's shaded edge) came back beside the face as a
 * second outline; it belongs to the side of the head that turned away, hence the half.
 */
function emerged(depth: Float32Array, size: number, x: number, y: number, sx: number, sy: number): OutsideAnchor {
  const covered = (px: number, py: number) => {
    const [ix, iy] = [Math.floor(px), Math.floor(py)];
    return ix >= 0 && iy >= 0 && ix < size && iy < size && depth[iy * size + ix] !== Infinity;
  };
  const length = Math.hypot(sx - x, sy - y);
  if (covered(x, y))
    for (let step = 1; step < length; step += 1) {
      const [px, py] = [x + ((sx - x) * step) / length, y + ((sy - y) * step) / length];
      if (!covered(px, py)) return { x: px, y: py, dx: sx - px + HIDDEN_REACH * (px - x), dy: sy - py + HIDDEN_REACH * (py - y) };
    }
  return { x, y, dx: sx - x, dy: sy - y };
}

/** How far past a hidden point's source place its emerged anchor samples, as a share of the way it hid (see `emerged`). */
const HIDDEN_REACH = 0.5;

interface OutsideAnchor {
  readonly x: number;
  readonly y: number;
  readonly dx: number;
  readonly dy: number;
}

/** The share of its distance to the crop border along its move that the outside warp may move a pixel. */
const OUTSIDE_REACH = 0.8;

/** FaceMesh's outer eye corners: the outline above their height is the forehead and temples. */
const EYE_CORNERS = [33, 263];
/** How far past the outline, as multiples of its distance from the mesh's centre, the skull's anchors lie. */
const SKULL_SHELLS = [1.2, 1.4];
/** Skull anchors closer than this (plus twice their move) to the crop border are left to the border's own (still) anchors. */
const SKULL_MARGIN = 8;
const SKULL_ROOM = 1;
/** The share of the outline's height above the eyes over which the skull's anchors go from the surface's motion to the outline's. */
const CROWN_SHARE = 0.75;

/**
 * Anchors for the head above and beside the forehead, which the mesh does not reach: the upper
 * outline pushed outward from the mesh's centre (in 3-D, so it curves back like a skull) and moved
 * as the upper face moves (`upperFaceMotion`: the turn itself, for a pose). Anchored on the outline
 * alone, the skull above it stayed where it was while the forehead turned, and its outline bent
 * where the two met. Down by the eyes each anchor moves as a point of that surface; for a turn of
 * the head (`headTurn`), toward the crown (`CROWN_SHARE`) as a point of the head's outline, which
 * a round head keeps as it turns: its offset across the image turned by the roll alone, and moved
 * as the skull's centre moves, which lies as deep as the upper outline does on average. Moved as
 * surface points all the way up, the sides of the skull, which lie far behind the face, were
 * foreshortened like the face: the far side swung in, the near side lagged the forehead, and a bald
 * head turned 30° lost a quarter of its crown and came out as a wedge. Moved by each point's own
 * depth, the far temple (three times as deep as the top of the forehead) still went 20–30 px
 * further in than the crown, and the head swept back from the brow as a cone.
 */
function skullAnchors(source: Float32Array, target: Float32Array, outline: Uint8Array, size: number, headTurn: boolean): OutsideAnchor[] {
  const centre = [0, 0, 0];
  for (let p = 0; p < MESH_POINTS; p += 1) for (let k = 0; k < 3; k += 1) centre[k] += source[p * 3 + k] / MESH_POINTS;
  const eyeLevel = (source[EYE_CORNERS[0] * 3 + 1] + source[EYE_CORNERS[1] * 3 + 1]) / 2;
  const map = upperFaceMotion(source, target, eyeLevel);
  if (!map) return [];
  const moved = [0, 4].map((row) => map[row] * centre[0] + map[row + 1] * centre[1] + map[row + 2] * centre[2] + map[row + 3]);
  // The turn's roll: the rotation in the image plane nearest the motion's.
  const roll = Math.atan2(map[4] - map[1], map[0] + map[5]);
  const [cr, sr] = [Math.cos(roll), Math.sin(roll)];
  let top = eyeLevel;
  for (let p = 0; p < MESH_POINTS; p += 1) if (outline[p]) top = Math.min(top, source[p * 3 + 1]);
  let [skullDepth, sides] = [0, 0];
  for (let p = 0; p < MESH_POINTS; p += 1)
    if (outline[p] && source[p * 3 + 1] < eyeLevel) {
      skullDepth += source[p * 3 + 2] - centre[2];
      sides += 1;
    }
  skullDepth /= Math.max(1, sides);
  const anchors: OutsideAnchor[] = [];
  const inside = (x: number, y: number, room: number) => x >= room && y >= room && x <= size - room && y <= size - room;
  for (let p = 0; p < MESH_POINTS; p += 1) {
    if (!outline[p] || source[p * 3 + 1] >= eyeLevel) continue;
    for (const shell of SKULL_SHELLS) {
      const v = [0, 1, 2].map((k) => centre[k] + (source[p * 3 + k] - centre[k]) * shell);
      // As a point of the surface (the whole offset turned) down by the eyes, as a point of the
      // outline (the offset across the image turned by the roll alone, the skull's centre by the
      // whole turn) over the crown, and between the two in between.
      const [du, dv] = [v[0] - centre[0], v[1] - centre[1]];
      const crown = headTurn ? clamp01((eyeLevel - source[p * 3 + 1]) / (CROWN_SHARE * (eyeLevel - top))) : 0;
      let x = map[0] * v[0] + map[1] * v[1] + map[2] * v[2] + map[3];
      let y = map[4] * v[0] + map[5] * v[1] + map[6] * v[2] + map[7];
      const ox = moved[0] + cr * du - sr * dv + map[2] * shell * skullDepth;
      const oy = moved[1] + sr * du + cr * dv + map[6] * shell * skullDepth;
      [x, y] = [x + crown * (ox - x), y + crown * (oy - y)];
      // Room to come to rest before the border (`SKULL_ROOM` times the move), so the background
      // between is not smeared into streaks.
      const room = SKULL_MARGIN + SKULL_ROOM * Math.hypot(v[0] - x, v[1] - y);
      if (inside(x, y, room) && inside(v[0], v[1], room)) anchors.push({ x, y, dx: v[0] - x, dy: v[1] - y });
    }
  }
  return anchors;
}

/**
 * The rigid motion (x and y rows of [R | t]) that best carries the source mesh's upper face (above
 * the outer eye corners: forehead, temples, brows) onto the target's, by Horn's quaternion method;
 * null where there is too little of it. The upper face alone, so an opened mouth or a dropped jaw
 * does not move the skull.
 */
function upperFaceMotion(source: Float32Array, target: Float32Array, eyeLevel: number): Float64Array | null {
  const points: number[] = [];
  for (let p = 0; p < MESH_POINTS; p += 1) if (source[p * 3 + 1] < eyeLevel) points.push(p);
  if (points.length < 4) return null;
  const [sc, tc] = [
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (const p of points)
    for (let k = 0; k < 3; k += 1) {
      sc[k] += source[p * 3 + k] / points.length;
      tc[k] += target[p * 3 + k] / points.length;
    }
  // Cross-covariance S[a][b] = Σ (source − centre)_a (target − centre)_b.
  const S = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (const p of points)
    for (let a = 0; a < 3; a += 1) for (let b = 0; b < 3; b += 1) S[a * 3 + b] += (source[p * 3 + a] - sc[a]) * (target[p * 3 + b] - tc[b]);
  const [xx, xy, xz, yx, yy, yz, zx, zy, zz] = S;
  const n = Float64Array.from([
    xx + yy + zz,
    yz - zy,
    zx - xz,
    xy - yx,
    yz - zy,
    xx - yy - zz,
    xy + yx,
    zx + xz,
    zx - xz,
    xy + yx,
    -xx + yy - zz,
    yz + zy,
    xy - yx,
    zx + xz,
    yz + zy,
    -xx - yy + zz,
  ]);
  const [w, x, y, z] = symmetricEigen(n, 4).vectors[0];
  const r = [
    [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
    [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
  ];
  const motion = new Float64Array(8);
  for (let row = 0; row < 2; row += 1) {
    for (let k = 0; k < 3; k += 1) motion[row * 4 + k] = r[row][k];
    motion[row * 4 + 3] = tc[row] - (r[row][0] * sc[0] + r[row][1] * sc[1] + r[row][2] * sc[2]);
  }
  return motion;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
