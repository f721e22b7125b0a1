/** Scores are cosine similarities; two decimals is what a reviewer compares by eye. */
export function formatScore(value: number | null): string {
  return value === null ? '–' : value.toFixed(2);
}

export function editLabel(editKind: string, strength: number): string {
  return `${editKind.replace(/[_-]+/g, ' ')} ${strength.toFixed(2)}`;
}
