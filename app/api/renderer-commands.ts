// Kept free of imports: the sandboxed preload bundles this file and may load nothing else.

/**
 * The commands the renderer calls: the only ones the desktop preload passes to the main process.
 * Commands only the CLI uses stay out of reach of a page. renderer-commands.spec.ts keeps this list
 * equal to what the renderer's source calls, and within the contract.
 */
export const RENDERER_COMMANDS: readonly string[] = [
  'project.create',
  'project.open',
  'project.close',
  'project.current',
  'project.recent',
  'dataset.import',
  'dataset.identities',
  'dataset.images',
  'dataset.problems',
  'jobs.list',
  'jobs.cancel',
  'jobs.resume',
  'curation.groups',
  'curation.page',
  'curation.compare',
  'curation.decide',
  'curation.undo',
  'curation.redo',
  'curation.history',
  'curation.rulePreview',
  'curation.ruleApply',
  'curation.ruleDefaults',
  'curation.histogram',
  'curation.progress',
  'curation.facets',
  'curation.keymap',
  'curation.setKeymap',
  'export.preview',
  'export.start',
  'export.list',
  'synthesis.packs',
  'synthesis.addPack',
  'synthesis.start',
  'vision.analyze',
  'vision.summary',
  'vision.imageDetail',
  'vision.imageBadges',
  'vision.identityFaces',
  'vision.setPrimaryFace',
  'system.info',
];
