/** Default generators fitted for a project, and packs imported into it, live beside it like its media folder. */
export function defaultPacksDir(projectPath: string): string {
  return `${projectPath}.packs`;
}
