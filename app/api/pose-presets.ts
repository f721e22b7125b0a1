import type { HeadPoseSpec } from './synthesis.ts';

/**
 * The turns a pose edit deals when the job names none: both ways in yaw at two depths, the larger
 * with a little pitch and roll, as in-the-wild photos vary (LFW's mesh yaw spans about ±40°). Part of
 * the contract: the planner deals these in turn, and the synthesis panel previews them.
 */
export const POSE_PRESETS: readonly HeadPoseSpec[] = [
  { yaw: -15, pitch: 0, roll: 0 },
  { yaw: 15, pitch: 0, roll: 0 },
  { yaw: -30, pitch: 5, roll: -5 },
  { yaw: 30, pitch: -5, roll: 5 },
  { yaw: 0, pitch: 15, roll: 0 },
  { yaw: 0, pitch: -15, roll: 0 },
];
