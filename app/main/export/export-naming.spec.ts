import { describe, expect, it } from 'vitest';
import { acceptedExtension, classFolders, fileNamesInFolder, HF_SPLIT_KEYWORDS, safeFolderName } from './export-naming.ts';

describe('export naming', () => {
  it('keeps original file names, names variants after their source, and resolves collisions deterministically', () => {
    const names = fileNamesInFolder([
      { kind: 'original', id: 3, relPath: 's1/10.pgm', extension: '.png' },
      { kind: 'original', id: 4, relPath: 'lfw/s1/10.jpg', extension: '.png' },
      { kind: 'original', id: 5, relPath: 'other/IMG_1.JPG', extension: '.jpg' },
      { kind: 'original', id: 6, relPath: 'more/img_1.jpg', extension: '.jpg' },
      { kind: 'variant', id: 12, relPath: 's1/10.pgm', extension: '.png' },
      { kind: 'original', id: 7, relPath: 'x/10-v12.png', extension: '.png' },
      { kind: 'original', id: 8, relPath: 'x/train_01.png', extension: '.png' },
    ]);
    expect(names).toEqual(['10.png', '10-i4.png', 'IMG_1.jpg', 'img_1-i6.jpg', '10-v12.png', '10-v12-i7.png', 'train~_01.png']);
  });

  it('makes identity names safe folder names on every filesystem', () => {
    expect(safeFolderName('a/b\\c:d')).toBe('a_b_c_d');
    expect(safeFolderName('..hidden')).toBe('hidden');
    expect(safeFolderName('__pycache__')).toBe('_pycache__');
    expect(safeFolderName('trailing. ')).toBe('trailing');
    expect(safeFolderName('NUL')).toBe('_NUL');
    expect(safeFolderName('   ')).toBe('_');
    expect(safeFolderName('Ünïcødé')).toBe('Ünïcødé');
    expect([...safeFolderName('x'.repeat(300))]).toHaveLength(80);
  });

  it('breaks split keywords so Hugging Face cannot read a class folder as a split', () => {
    for (const keyword of HF_SPLIT_KEYWORDS) expect(safeFolderName(keyword)).toBe(`${keyword}~`);
    expect(safeFolderName('dev-team 2')).toBe('dev~-team 2');
    expect(safeFolderName('Test_Val')).toBe('Test~_Val~');
    expect(safeFolderName('devon')).toBe('devon');
    expect(safeFolderName('trainer')).toBe('trainer');
  });

  it('keeps folders unique even on case-insensitive filesystems, deterministically', () => {
    const folders = classFolders([
      { id: 7, name: 'anna' },
      { id: 3, name: 'Anna' },
      { id: 5, name: 'a/b' },
      { id: 6, name: 'a_b' },
    ]);
    expect(Object.fromEntries(folders)).toEqual({ 3: 'Anna', 7: 'anna-7', 5: 'a_b', 6: 'a_b-6' });
  });

  it('accepts only the extensions torchvision reads', () => {
    expect(acceptedExtension('s1/photo.JPG')).toBe('.jpg');
    expect(acceptedExtension('variants/x.webp')).toBe('.webp');
    expect(acceptedExtension('a/photo.gif')).toBeNull();
    expect(acceptedExtension('a.dir/photo')).toBeNull();
  });
});
