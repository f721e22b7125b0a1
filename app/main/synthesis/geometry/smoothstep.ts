/** Hermite smoothstep, 0 → 1 with level ends; 1 from 1 on, so a fade past its end stays finished. */
export const smoothstep = (t: number): number => (t >= 1 ? 1 : t * t * (3 - 2 * t));
