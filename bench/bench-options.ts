/** `--name value` from a bench's arguments; the last occurrence wins, so a wrapper's default can be overridden after it. */
export function benchOption(argv: readonly string[], name: string, fallback: string): string {
  const at = argv.lastIndexOf(`--${name}`);
  return at >= 0 && argv[at + 1] ? argv[at + 1] : fallback;
}
