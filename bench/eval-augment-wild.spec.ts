import { describe, expect, it } from 'vitest';
import { editCondition, fromCamera, WILD_EDITS } from './eval-augment-wild.ts';

const edit = (label: string) => WILD_EDITS.find((e) => e.label === label)!;
const turnOf = (label: string, sourceYaw: number) => {
  const [request] = fromCamera(edit(label), sourceYaw).request.edits;
  return request.type === 'pose' ? request.poses![0] : null;
};

describe('in-the-wild eval: edit conditions and pose frames', () => {
  it('asks a real photo for the edit’s own condition where the mesh can measure it, and says why not elsewhere', () => {
    expect(editCondition(edit('pose yaw 30 pitch -5'))).toEqual({ kind: 'turn', yaw: 30, pitch: -5 });
    expect(editCondition(edit('open-mouth'))).toEqual({ kind: 'lipGap', atLeast: 0.1 });
    expect(editCondition(edit('smile'))).toEqual({ kind: 'smile', width: 0.97, lift: 0.077 });
    expect(editCondition(edit('closed-eyes'))).toEqual({ kind: 'eyesClosed', atMost: 0.133 });
    expect(editCondition(edit('raised-brows'))).toEqual({ kind: 'browsRaised', aboveOwnMedian: 0.04 });
    expect(editCondition(edit('sunglasses'))).toMatchObject({ kind: 'none', why: expect.stringContaining('not detected') });
  });

  it('turns a source looking aside toward the preset yaw, within the pose limit, and leaves other edits alone', () => {
    // A source at +20°: the −15° preset turns it 35° the other way, the +15° one 5° back.
    expect(turnOf('pose yaw -15 pitch 0', 20)).toEqual({ yaw: -35, pitch: 0, roll: 0 });
    expect(turnOf('pose yaw 15 pitch 0', 20)).toEqual({ yaw: -5, pitch: 0, roll: 0 });
    expect(turnOf('pose yaw -30 pitch 5', 30)).toEqual({ yaw: -45, pitch: 5, roll: -5 });
    expect(fromCamera(edit('smile'), 20)).toEqual(edit('smile'));
  });
});
