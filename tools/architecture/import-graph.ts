/**
 * The project's import graph, folded to folders: which capability folder imports which. Used by the
 * architecture spec (no folder-level cycles) and runnable on its own to print the graph:
 *   npx tsx tools/architecture/import-graph.ts
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const root = resolve(import.meta.dirname, '../..');

const importPattern = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|svelte)$/.test(name) && !/\.(spec|e2e)\.ts$/.test(name) ? [path] : [];
  });
}

/** The folder a file belongs to for this graph: `app/main/<capability>` or a folder of the renderer. */
export type FolderOf = (file: string) => string | undefined;

export const capabilityOf: FolderOf = (file) => {
  const parts = relative(root, file).split('/');
  if (parts[0] !== 'app') return undefined;
  if (parts[1] === 'main') return parts.length > 3 ? `app/main/${parts[2]}` : undefined;
  if (parts[1] === 'renderer' && parts[2] === 'src') return parts.length > 4 ? `app/renderer/src/${parts[3]}/${parts[4]}` : undefined;
  return parts.length > 2 ? `app/${parts[1]}` : undefined;
};

/** Synthesis's own parts (packs, sources, edits, default generator, variants, …), for the layering check inside it. */
export const synthesisPartOf: FolderOf = (file) => {
  const parts = relative(root, file).split('/');
  if (parts.slice(0, 3).join('/') !== 'app/main/synthesis') return undefined;
  return parts.length > 4 ? parts.slice(0, 4).join('/') : 'app/main/synthesis';
};

/** Folder → folders it imports from (production code only: specs and test fixtures are left out). */
export function folderGraph(folderOf: FolderOf = capabilityOf): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(join(root, 'app'))) {
    if (file.includes('/testing/')) continue;
    const from = folderOf(file);
    if (!from) continue;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
      const spec = match[1] ?? match[2];
      const target = spec.startsWith('#api/')
        ? join(root, 'app/api', spec.slice(5))
        : spec.startsWith('.')
          ? resolve(dirname(file), spec)
          : undefined;
      if (!target) continue;
      const to = folderOf(target);
      if (to && to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every elementary cycle's folders, found by depth-first search from each folder (small graphs only). */
export function folderCycles(graph: Map<string, Set<string>>): string[][] {
  const cycles = new Map<string, string[]>();
  const visit = (start: string, node: string, path: string[]) => {
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const cycle = [...path];
        const key = [...cycle].sort().join(' ');
        if (!cycles.has(key)) cycles.set(key, cycle);
      } else if (!path.includes(next) && next > start) visit(start, next, [...path, next]);
    }
  };
  for (const start of graph.keys()) visit(start, start, [start]);
  return [...cycles.values()];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const graph = folderGraph();
  for (const [from, to] of [...graph].sort()) console.log(`${from} → ${[...to].sort().join(', ') || '(nothing)'}`);
  const cycles = folderCycles(graph);
  console.log(
    cycles.length
      ? `\n${cycles.length} folder-level cycles:\n${cycles.map((c) => `  ${[...c, c[0]].join(' → ')}`).join('\n')}`
      : '\nno folder-level cycles',
  );
}
