/**
 * How a donor's mouth (the same person's open-mouth photo, see `pickMouthDonor`) sits in the
 * opened mouth's light (`npx tsx bench/mouth-donor-colour.ts`): for the johns (colour) and a fixed
 * spread of LFW people (grey) with a donor, the source and donor chosen as the expression sheets
 * choose them (bench/pose-sheets.ts). Prints one line per person and the medians; writes nothing.
 *
 * - teeth: where the source shows its own teeth, the opened mouth's teeth against them (Oklab):
 *   lightness ratio and colour difference ΔE (×100). A donor's teeth were once scaled by the lips'
 *   ratio and came out dull yellow under bright white ones (John Salley).
 * - rim: the band along the lower lip inside the opening (the lowest quarter of its height, the
 *   middle half of its width) against the opened face's own lips: ΔE and hue angle apart (colour
 *   photos). It showed an orange band (John Shimkus): the donor's lower teeth and inner lip
 *   pushed red by the lips' per-channel ratio.
 * - ringOnly: the teeth measure again with the source's lips closed, so no teeth of its own guide
 *   the donor's: how far the ring of lips and skin alone brings them.
 * - identity gain: the opened mouth's mean cosine (ArcFace, each crop analysed as a photo) to the
 *   person's other photos, the donor left out, minus the unedited crop's. The wild eval
 *   (eval:augment) never lends a mouth: its gallery holds one photo per person.
 * - found gap: the lip gap (eye distances) FaceMesh finds on the opened mouth, analysed as a photo,
 *   against the donor's own: a bright inside read as lip shows as a smaller gap.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sharedFacesDir } from '../test/fixtures/shared-faces.ts';
import { expressionMesh } from '../app/main/synthesis/geometry/expression.ts';
import { GridSampler } from '../app/main/synthesis/geometry/grid-sampler.ts';
import { meshPose } from '../app/main/synthesis/geometry/head-rotation.ts';
import { POSE_CROP_SIZE, renderMeshWarp, type MeshFace } from '../app/main/synthesis/geometry/mesh-render.ts';
import { INNER_MOUTH, lipGap, paintMouthCavity, pickMouthDonor, type MouthDonor } from '../app/main/synthesis/geometry/mouth-cavity.ts';
import { AnalysedPhotoSource } from '../app/main/synthesis/testing/analysed-photo-source.ts';
import { median } from '../app/main/core/median.ts';
import { runAsScript, withVision } from './bench-main.ts';
import { cosineSimilarity } from '../app/main/vision/identity-embedder.ts';
import { lfwDevRoot, lfwSpread, photosIn } from './lfw-faces.ts';
import { deltaE, hue, lipsOf, rimOf, teethOf, type Photo } from './mouth-colour-measures.ts';
import { analyseAsPhoto } from './yale-faces.ts';

function measure(source: Photo, opened: Photo, colour: boolean) {
  const own = teethOf(source);
  const shown = teethOf(opened);
  const lips = lipsOf(opened);
  const rim = rimOf(opened);
  return {
    teethLightness: own && shown ? shown[0] / own[0] : null,
    teethDeltaE: own && shown ? deltaE(shown, own) : null,
    rimDeltaE: deltaE(rim, lips),
    rimHue: colour ? Math.abs(((hue(rim) - hue(lips) + 540) % 360) - 180) : null,
  };
}

/** The source with its inner lips closed on the upper ones: no teeth of its own to go by. */
function closedLips(source: MeshFace): MeshFace {
  const mesh = Float32Array.from(source.mesh);
  const upper = INNER_MOUTH.slice(0, 11);
  const lower = [...INNER_MOUTH.slice(10), INNER_MOUTH[0]].reverse();
  // Lower inner-lip points run back from 308 to 78; the upper ones' mirror order pairs them across the opening.
  lower.forEach((p, i) => mesh.set(mesh.subarray(upper[i] * 3, upper[i] * 3 + 3), p * 3));
  return { ...source, mesh };
}

runAsScript(import.meta.url, async () => {
  const johns = join(sharedFacesDir, 'johns');
  const lfw = lfwDevRoot();
  const folders = [
    ...readdirSync(johns)
      .sort()
      .map((p) => ({ set: 'johns', dir: join(johns, p) })),
    // The expression sheet's spread of LFW people and a second one beside it.
    ...[5, 11].flatMap((k) => lfwSpread(k, 12).map((p) => ({ set: 'lfw', dir: join(lfw, p.name) }))),
  ];
  const rows: {
    set: string;
    person: string;
    measured: ReturnType<typeof measure>;
    ringOnly: ReturnType<typeof measure>;
    identityGain: number | null;
    foundGap: number | null;
    donorGap: number;
  }[] = [];
  await withVision(async (vision, client) => {
    const sampler = new GridSampler(client);
    for (const { set, dir } of folders) {
      const faces = await AnalysedPhotoSource.analyse(
        photosIn(dir)
          .slice(0, set === 'johns' ? 11 : 8)
          .map((path) => ({ path, identityId: 1 })),
        vision,
      );
      const all = [];
      for (const f of faces.faces()) {
        const mesh = (await faces.templateMesh(f.faceId, POSE_CROP_SIZE))!;
        const embedding = (await analyseAsPhoto(await faces.alignedCrop(f.faceId, POSE_CROP_SIZE), vision))?.embedding ?? null;
        all.push({ faceId: f.faceId, mesh, yaw: Math.abs(meshPose(mesh).yaw), embedding });
      }
      // Every photo facing the camera opens its mouth in turn, as a project's sources would.
      for (const source of all.filter((f) => f.yaw <= 25)) {
        const others = all.filter((f) => f !== source);
        const pick = pickMouthDonor(others.map((f) => f.mesh));
        if (pick === null) continue;
        const face: MeshFace = {
          image: await faces.alignedCrop(source.faceId, POSE_CROP_SIZE),
          mesh: source.mesh,
          validity: await faces.validityMask(source.faceId, POSE_CROP_SIZE),
        };
        const donor: MouthDonor = { image: await faces.alignedCrop(others[pick].faceId, POSE_CROP_SIZE), mesh: others[pick].mesh };
        // As renderExpression opens a mouth with a donor, keeping the warp to paint it twice.
        const target = expressionMesh(face.mesh, 'open-mouth', 1, lipGap(donor.mesh));
        const warped = (await renderMeshWarp(face, target, sampler)).image;
        const colour = set === 'johns';
        const opened = { image: paintMouthCavity(warped, target, face, donor), mesh: target };
        const ringOnly = { image: paintMouthCavity(warped, target, closedLips(face), donor), mesh: target };
        const person = `${dir.split('/').pop()!} ${faces.faces().findIndex((f) => f.faceId === source.faceId) + 1}`;
        const references = others.filter((o, i) => i !== pick && o.embedding).map((o) => o.embedding!);
        const found = await analyseAsPhoto(opened.image, vision);
        const openedEmbedding = found?.embedding;
        const meanTo = (e: Float32Array) => references.reduce((sum, r) => sum + cosineSimilarity(e, r), 0) / references.length;
        const identityGain =
          openedEmbedding && source.embedding && references.length ? meanTo(openedEmbedding) - meanTo(source.embedding) : null;
        rows.push({
          set,
          person,
          measured: measure(face, opened, colour),
          ringOnly: measure(face, ringOnly, colour),
          identityGain,
          foundGap: found ? lipGap(found.mesh) : null,
          donorGap: lipGap(donor.mesh),
        });
      }
    }
  });
  const f = (v: number | null, digits = 2) => (v === null ? '–' : v.toFixed(digits));
  for (const r of rows) {
    const m = r.measured;
    console.log(
      `${r.person.padEnd(24)} teeth L ${f(m.teethLightness)} ΔE ${f(m.teethDeltaE, 1)} (ring only: L ${f(r.ringOnly.teethLightness)} ΔE ${f(r.ringOnly.teethDeltaE, 1)}) | rim ΔE ${f(m.rimDeltaE, 1)} hue ${f(m.rimHue, 0)}° | identity gain ${f(r.identityGain, 4)} | found gap ${f(r.foundGap, 3)} of ${f(r.donorGap, 3)}`,
    );
  }
  const med = (values: (number | null)[]) => {
    const kept = values.filter((v): v is number => v !== null);
    return kept.length ? `${median(kept).toFixed(3)} (${kept.length})` : '–';
  };
  const meanGain = (of: typeof rows) => {
    const gains = of.flatMap((r) => (r.identityGain === null ? [] : [r.identityGain]));
    const positive = gains.filter((g) => g > 0).length;
    return `${(gains.reduce((s, g) => s + g, 0) / Math.max(1, gains.length)).toFixed(4)} (${positive} of ${gains.length} positive)`;
  };
  for (const set of ['johns', 'lfw']) {
    const of = rows.filter((r) => r.set === set);
    console.log(
      `${set}: ${of.length} with a donor; medians: teeth lightness ratio ${med(of.map((r) => r.measured.teethLightness))}, |1 − ratio| ${med(
        of.map((r) => (r.measured.teethLightness === null ? null : Math.abs(1 - r.measured.teethLightness))),
      )}, teeth ΔE ${med(of.map((r) => r.measured.teethDeltaE))}; ring only: ratio ${med(of.map((r) => r.ringOnly.teethLightness))}, |1 − ratio| ${med(
        of.map((r) => (r.ringOnly.teethLightness === null ? null : Math.abs(1 - r.ringOnly.teethLightness))),
      )}, ΔE ${med(of.map((r) => r.ringOnly.teethDeltaE))}; rim ΔE ${med(of.map((r) => r.measured.rimDeltaE))}, rim hue ${med(
        of.map((r) => r.measured.rimHue),
      )}; identity gain mean ${meanGain(of)}; found gap ${med(of.map((r) => r.foundGap))} of ${med(of.map((r) => r.donorGap))}`,
    );
  }
});
