import { describe, expect, it } from 'vitest';
import { ExportSettings } from '#api/export.ts';
import { preflightWarnings } from './export-preflight.ts';

const settings = ExportSettings.parse({ destination: '/out', originals: 'file' });
const none = { skipped: { duplicates: 0, unreadable: 0, noIdentity: 0, noFace: 0 }, leftOutVariants: { undecided: 0, rejected: 0 } };
const splits = (test: number) => ({
  train: { identities: 3, originals: 30, variants: 60 },
  val: { identities: 1, originals: 10, variants: 20 },
  test: { identities: test > 0 ? 1 : 0, originals: test, variants: 0 },
});

describe('export preflight warnings', () => {
  it('says nothing when there is nothing to say', () => {
    expect(preflightWarnings(settings, splits(5), [{ width: 128, height: 128, files: 125 }], none, 128)).toEqual([]);
  });

  it('warns of an empty split, undecided variants left out, mixed sizes and skipped originals, in words', () => {
    const warnings = preflightWarnings(
      settings,
      splits(0),
      [
        { width: 128, height: 128, files: 90 },
        { width: 92, height: 112, files: 40 },
        { width: 150, height: 150, files: 3 },
      ],
      { skipped: { duplicates: 1, unreadable: 2, noIdentity: 0, noFace: 0 }, leftOutVariants: { undecided: 70, rejected: 5 } },
      128,
    );
    expect(warnings.map((w) => w.code)).toEqual(['EMPTY_SPLIT', 'UNDECIDED_LEFT_OUT', 'MIXED_SIZES', 'ORIGINALS_SKIPPED']);
    expect(warnings[0].message).toBe('test gets no files although 10% was asked for: too few identities to split this way.');
    expect(warnings[1].message).toBe('70 undecided variants are left out: only accepted variants are exported.');
    expect(warnings[2].message).toBe(
      'Class folders would mix image sizes: 128×128 (90), 92×112 (40), 150×150 (3). Export originals as aligned crops to get 128×128 throughout.',
    );
    expect(warnings[3].message).toBe('Originals not exported: 1 duplicate, 2 unreadable.');
  });

  it('does not call a split empty when no share was asked for it', () => {
    const noTest = ExportSettings.parse({ destination: '/out', split: { train: 0.9, val: 0.1, test: 0 } });
    expect(preflightWarnings(noTest, splits(0), [], none, null)).toEqual([]);
  });
});
