import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sharedFacesDir } from '../../../../test/fixtures/shared-faces.ts';
import type { ChipLayout, FaceChip } from '../sources/face-chip-source.ts';

export type SharedCollection = 'yale' | 'orl' | 'johns';

/**
 * Eye and mouth positions of each collection's chips, read off the collection's mean image
 * (ORL's faces move more, so its values are the typical ones): what lets the chips be aligned
 * to the generator template without the face mesh.
 */
export const chipLayouts: Record<SharedCollection, ChipLayout> = {
  yale: { eyeLeft: [0.23, 0.245], eyeRight: [0.77, 0.245], mouth: [0.5, 0.76] },
  orl: { eyeLeft: [0.34, 0.51], eyeRight: [0.66, 0.51], mouth: [0.5, 0.79] },
  johns: { eyeLeft: [0.33, 0.31], eyeRight: [0.67, 0.31], mouth: [0.5, 0.68] },
};

/**
 * The shared face photos as chips with stable ids: identity ids count up over collections in
 * name order, face ids over files in name order. `perIdentity` keeps the first n of each person.
 */
export function sharedFaceChips(collections: readonly SharedCollection[], perIdentity = Number.POSITIVE_INFINITY): FaceChip[] {
  const chips: FaceChip[] = [];
  let identityId = 0;
  let faceId = 0;
  for (const collection of collections) {
    const root = join(sharedFacesDir, collection);
    const people = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    for (const person of people) {
      identityId += 1;
      const files = readdirSync(join(root, person))
        .filter((f) => /\.(png|jpe?g)$/i.test(f))
        .sort()
        .slice(0, perIdentity);
      for (const file of files) {
        faceId += 1;
        chips.push({ faceId, imageId: faceId, identityId, path: join(root, person, file), layout: chipLayouts[collection] });
      }
    }
  }
  return chips;
}
