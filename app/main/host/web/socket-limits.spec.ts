import { describe, expect, it } from 'vitest';
import { commands, type CommandName } from '#api/contract.ts';
import { socketLimits } from './socket-limits.ts';

/** The longest JSON a safe integer can take, and the longest a string character can (a \u escape). */
const LONGEST_INT = -Number.MAX_SAFE_INTEGER;
const longestString = (length: number) => '\u0001'.repeat(length);
const ids = (n: number) => Array.from({ length: n }, () => LONGEST_INT);
const positiveIds = (n: number) => Array.from({ length: n }, () => Number.MAX_SAFE_INTEGER);

/** The largest input each list-taking command accepts: every list at its maximum, every number and string at its longest. */
const largestInputs: [CommandName, unknown][] = [
  [
    'synthesis.start',
    {
      sources: { kind: 'images', imageIds: ids(100_000) },
      edits: Array.from({ length: 32 }, () => ({
        type: 'mix',
        parts: Array.from({ length: 8 }, () => longestString(128)),
        donors: 'random',
        strength: [-10, 10],
      })),
    },
  ],
  [
    'synthesis.start',
    {
      sources: { kind: 'identities', identityIds: ids(100_000) },
      edits: [{ type: 'direction', name: longestString(128), strength: [-10, 10] }],
    },
  ],
  ['vision.analyze', { imageIds: ids(100_000) }],
  ['curation.decide', { variantIds: positiveIds(10_000), status: 'accepted' }],
  [
    'curation.page',
    {
      view: { filter: { keepIds: positiveIds(50_000), editKinds: Array.from({ length: 64 }, () => longestString(64)) } },
      segments: Array.from({ length: 500 }, () => ({ groupKey: longestString(128), offset: Number.MAX_SAFE_INTEGER, limit: 2 })),
    },
  ],
];

describe('the web host message limit', () => {
  it.each(largestInputs.map(([command, input], i) => [`${command} #${i}`, command, input] as const))(
    'holds the largest %s the schema accepts',
    (_, command, input) => {
      expect(commands[command].input.safeParse(input).success).toBe(true);
      const frame = JSON.stringify({ type: 'call', id: Number.MAX_SAFE_INTEGER, command, input });
      expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(socketLimits.maxMessageBytes);
    },
  );

  it('keeps the limits in the order the host relies on', () => {
    expect(socketLimits.maxMessageBytes).toBeLessThan(socketLimits.maxFrameBytes);
    expect(socketLimits.maxReplyBytes).toBeLessThan(socketLimits.sendHighWater);
    expect(socketLimits.sendHighWater).toBeLessThan(socketLimits.totalSendBudget);
  });
});
