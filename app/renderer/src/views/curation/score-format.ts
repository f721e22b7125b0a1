/** Scores are cosine similarities; two decimals is what a reviewer compares by eye. */
export function formatScore(value: number | null): string {
  return value === null ? '–' : value.toFixed(2);
}

/** A head turn as a tile shows it: "yaw +15° pitch −5°" (roll only when there is one). */
export function poseLabel(pose: { yaw: number; pitch: number; roll: number }): string {
  const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(Math.round(v))}°`;
  return `yaw ${signed(pose.yaw)} pitch ${signed(pose.pitch)}${Math.round(pose.roll) !== 0 ? ` roll ${signed(pose.roll)}` : ''}`;
}

export function editLabel(editKind: string, strength: number): string {
  return `${editKind.replace(/[_-]+/g, ' ')} ${strength.toFixed(2)}`;
}
