import { flushSync, mount, unmount } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { ExportPreview } from '#api/export.ts';
import { CurationExport } from '../../lib/state/curation-export.svelte.ts';
import { Notices } from '../../lib/state/notices.svelte.ts';
import ExportView from './ExportView.svelte';
import { FakeBackend } from '../../lib/testing/fake-backend.ts';

function previewFor(originals: string): ExportPreview {
  const mixed = originals === 'file';
  return {
    originals: 40,
    variants: 90,
    skippedOriginals: 1,
    skipped: { duplicates: 1, unreadable: 0, noIdentity: 0, noFace: 0 },
    leftOutVariants: { undecided: 70, rejected: 4 },
    splits: {
      train: { identities: 3, originals: 30, variants: 70 },
      val: { identities: 1, originals: 10, variants: 20 },
      test: { identities: 0, originals: 0, variants: 0 },
    },
    identities: [
      { identity: 's1', folder: 's1', split: 'train', originals: 10, variants: 30 },
      { identity: 's2', folder: 's2', split: 'val', originals: 10, variants: 20 },
    ],
    sizes: mixed
      ? [
          { width: 128, height: 128, files: 90 },
          { width: 92, height: 112, files: 40 },
        ]
      : [{ width: 128, height: 128, files: 130 }],
    variantSize: 128,
    warnings: [
      { code: 'EMPTY_SPLIT', message: 'test gets no files although 10% was asked for: too few identities to split this way.' },
      { code: 'UNDECIDED_LEFT_OUT', message: '70 undecided variants are left out: only accepted variants are exported.' },
      ...(mixed ? [{ code: 'MIXED_SIZES' as const, message: 'Class folders would mix image sizes: 128×128 (90), 92×112 (40).' }] : []),
    ],
    destinationExists: false,
  };
}

describe('ExportView preflight', () => {
  it('shows the warnings before anything is written, per identity counts, and switches to aligned crops in one click', async () => {
    const fake = new FakeBackend({ 'export.preview': ({ originals }: { originals: string }) => previewFor(originals) });
    const exporter = new CurationExport(fake.client, new Notices());
    exporter.destination = '/out/faces';
    const target = document.createElement('div');
    document.body.append(target);
    const component = mount(ExportView, { target, props: { exporter } });
    await vi.waitFor(() => {
      flushSync();
      expect(target.querySelectorAll('[data-testid="export-warning"]')).toHaveLength(3);
    });
    const codes = [...target.querySelectorAll<HTMLElement>('[data-testid="export-warning"]')].map((w) => w.dataset.code);
    expect(codes).toEqual(['EMPTY_SPLIT', 'UNDECIDED_LEFT_OUT', 'MIXED_SIZES']);
    expect(target.querySelectorAll('[data-testid="export-identity-row"]')).toHaveLength(2);
    const useAligned = target.querySelector<HTMLButtonElement>('[data-testid="export-use-aligned"]')!;
    expect(useAligned.textContent?.trim()).toBe('Use aligned crops (128×128)');
    useAligned.click();
    flushSync();
    expect(exporter.originals).toBe('aligned');
    await vi.waitFor(() => {
      flushSync();
      expect(target.querySelectorAll('[data-testid="export-warning"]')).toHaveLength(2);
    });
    unmount(component);
    target.remove();
  });
});

describe('ExportView offline', () => {
  it('disables Export while the host is unreachable or the login expired (item 7)', async () => {
    const fake = new FakeBackend({ 'export.preview': () => previewFor('aligned') });
    const exporter = new CurationExport(fake.client, new Notices());
    exporter.destination = '/out/faces';
    const target = document.createElement('div');
    document.body.append(target);
    const component = mount(ExportView, { target, props: { exporter, online: false } });
    flushSync();
    const button = target.querySelector<HTMLButtonElement>('[data-testid="export-start"]')!;
    expect(button.disabled).toBe(true);
    expect(button.title).toBe('Not connected to the Likeness host');
    unmount(component);
    target.remove();
  });
});
