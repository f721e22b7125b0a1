import { describe, expect, it } from 'vitest';
import { allPresets, edits } from './synthesize-command.ts';

describe('likeness synthesize --edits', () => {
  it('expands presets and parses direction and mix edits', () => {
    expect(edits('hair,direction:smile:-3:3,mix:eyes+mouth:same-identity:0.5:1')).toEqual([
      { type: 'mix', parts: ['hair'], donors: 'other-identities', strength: [0.7, 1] },
      { type: 'direction', name: 'smile', strength: [-3, 3] },
      { type: 'mix', parts: ['eyes', 'mouth'], donors: 'same-identity', strength: [0.5, 1] },
    ]);
    expect(edits('relight')).toEqual([{ type: 'relight', strength: [1, 1] }]);
    expect(edits('relight-linear')).toHaveLength(3);
    expect(edits('pose,mesh-expression').map((e) => e.type)).toEqual(['pose', 'expression']);
  });

  it('runs the physical relight and background swaps when no edits are named; hair only when asked for', () => {
    expect(edits(allPresets).map((e) => (e.type === 'mix' ? e.parts.join('+') : e.type))).toEqual(['relight', 'background']);
    expect(edits(`${allPresets},hair`).at(-1)).toEqual({ type: 'mix', parts: ['hair'], donors: 'other-identities', strength: [0.7, 1] });
  });

  it('names what it does not understand', () => {
    expect(() => edits('tan')).toThrow(/unknown edit "tan": use relight, pose, mesh-expression, hair, background, expression/);
    expect(() => edits('mix:hair:strangers:0:1')).toThrow(/donor policy must be one of same-identity, other-identities, random/);
    expect(() => edits('direction:smile:a:1')).toThrow(/not a number: "a"/);
  });
});
