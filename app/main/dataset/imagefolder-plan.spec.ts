import { describe, expect, it } from 'vitest';
import { identityDepth, planImageFolder } from './imagefolder-plan.ts';

describe('identityDepth', () => {
  it('takes first-level folders as identities when any of them holds an image directly', () => {
    expect(identityDepth(['alice/1.jpg', 'bob/2019/2.jpg'])).toBe(1);
    expect(identityDepth(['stray.jpg', 'alice/1.jpg'])).toBe(1);
  });

  it('takes second-level folders as identities when first-level folders hold only folders', () => {
    expect(identityDepth(['orl/s3/1.png', 'yale/yaleB01/a.png', 'README.jpg'])).toBe(2);
  });
});

describe('planImageFolder', () => {
  it('names identities by their folder, keeps deeper files in them, and refuses files above them', () => {
    const items = planImageFolder({
      files: ['orl/s3/1.png', 'orl/s3/old/2.png', 'x.jpg', 'top.jpg'],
      problems: [{ relPath: 'orl/s4/loop', code: 'SYMLINK_LOOP', message: 'orl/s4/loop loops' }],
    });
    expect(items.map((i) => [i.relPath, i.identity, i.problem?.code ?? null])).toEqual([
      ['orl/s3/1.png', 's3', null],
      ['orl/s3/old/2.png', 's3', null],
      ['orl/s4/loop', 's4', 'SYMLINK_LOOP'],
      ['top.jpg', null, 'NOT_IN_IDENTITY_FOLDER'],
      ['x.jpg', null, 'NOT_IN_IDENTITY_FOLDER'],
    ]);
    expect(items[3]!.problem!.message).toBe('top.jpg is not inside an identity folder (expected <dataset>/<identity>/<image>)');
  });

  it('orders by code point, not by UTF-16 unit or locale, whatever order the disk listed them in', () => {
    const names = ['b/1.jpg', 'a/\u{1F600}.jpg', 'a/\uFF21.jpg', 'A/z.jpg', 'a b/1.jpg', 'a/Z.jpg'];
    const planned = planImageFolder({ files: names, problems: [] }).map((i) => i.relPath);
    // U+1F600 sorts after U+FF21 by code point, although its UTF-16 surrogates sort before it.
    expect(planned).toEqual(['A/z.jpg', 'a b/1.jpg', 'a/Z.jpg', 'a/\uFF21.jpg', 'a/\u{1F600}.jpg', 'b/1.jpg']);
    expect(planImageFolder({ files: [...names].reverse(), problems: [] }).map((i) => i.relPath)).toEqual(planned);
  });
});
