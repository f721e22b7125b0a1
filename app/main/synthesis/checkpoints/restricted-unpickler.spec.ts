import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointTensor } from './checkpoint-tensor.ts';
import { PickleRefused } from './restricted-unpickler.ts';
import { readTorchCheckpoint } from './torch-checkpoint.ts';

const dir = mkdtempSync(join(tmpdir(), 'likeness-pickle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const latin1 = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

function pickleFile(name: string, bytes: number[]): string {
  const path = join(dir, name);
  writeFileSync(path, Uint8Array.from(bytes));
  return path;
}

describe('restricted unpickler', () => {
  it('reads plain containers: dict, list, tuple, numbers, strings, bytes', async () => {
    // {'a': [1, -2, 3.5], 'b': ('x', b'yz'), 'c': None, 'd': True}, protocol 2.
    const bytes = [
      0x80,
      0x02,
      0x7d,
      0x28,
      0x58,
      1,
      0,
      0,
      0,
      ...latin1('a'),
      0x5d,
      0x28,
      0x4b,
      1,
      0x4a,
      ...[0xfe, 0xff, 0xff, 0xff],
      0x47,
      0x40,
      0x0c,
      0,
      0,
      0,
      0,
      0,
      0,
      0x65,
      0x58,
      1,
      0,
      0,
      0,
      ...latin1('b'),
      0x8c,
      1,
      ...latin1('x'),
      0x43,
      2,
      ...latin1('yz'),
      0x86,
      0x58,
      1,
      0,
      0,
      0,
      ...latin1('c'),
      0x4e,
      0x58,
      1,
      0,
      0,
      0,
      ...latin1('d'),
      0x88,
      0x75,
      0x2e,
    ];
    const value = (await readTorchCheckpoint(pickleFile('plain.pkl', bytes))) as Map<string, unknown>;
    expect(value.get('a')).toEqual([1, -2, 3.5]);
    const [text, raw] = value.get('b') as [string, Uint8Array];
    expect([text, Array.from(raw)]).toEqual(['x', latin1('yz')]);
    expect(value.get('c')).toBeNull();
    expect(value.get('d')).toBe(true);
  });

  it.each([
    [
      'GLOBAL posix.system + REDUCE',
      [0x80, 0x02, 0x63, ...latin1('posix\nsystem\n'), 0x8c, 4, ...latin1('true'), 0x85, 0x52, 0x2e],
      'posix.system',
    ],
    [
      'STACK_GLOBAL builtins.eval',
      [0x80, 0x04, 0x8c, 8, ...latin1('builtins'), 0x8c, 4, ...latin1('eval'), 0x93, 0x8c, 1, ...latin1('1'), 0x85, 0x52, 0x2e],
      'builtins.eval',
    ],
    [
      'INST subprocess.Popen',
      [0x28, 0x8c, 4, ...latin1('true'), 0x69, ...latin1('subprocess\nPopen\n'), 0x2e].map((b, i) => (i === 0 ? 0x28 : b)),
      'subprocess.Popen',
    ],
  ])('refuses %s, naming the global and the file', async (_, bytes, global) => {
    const path = pickleFile(`hostile-${global}.pkl`, [0x80, 0x02, ...(bytes as number[]).slice((bytes as number[])[0] === 0x80 ? 2 : 0)]);
    const error = await readTorchCheckpoint(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PickleRefused);
    expect((error as PickleRefused).global).toBe(global);
    expect((error as Error).message).toContain(path);
  });

  it('refuses truncated files and unknown opcodes with the byte offset', async () => {
    await expect(readTorchCheckpoint(pickleFile('truncated.pkl', [0x80, 0x02, 0x58, 9, 0, 0, 0, 0x61]))).rejects.toThrow(
      /truncated pickle/,
    );
    await expect(readTorchCheckpoint(pickleFile('unknown.pkl', [0x80, 0x02, 0xff]))).rejects.toThrow(
      /unknown pickle opcode 0xff \(at byte 3\)/,
    );
    await expect(readTorchCheckpoint(pickleFile('not-a-checkpoint.bin', latin1('hello')))).rejects.toThrow(/not a PyTorch checkpoint/);
  });
});

describe('checkpoint tensors', () => {
  it('applies strides and offset, and converts float16 and bfloat16 exactly', () => {
    const f32 = new Float32Array([0, 1, 2, 3, 4, 5, 6]);
    const storage = { kind: 'storage' as const, dtype: 'float32' as const, bytes: new Uint8Array(f32.buffer) };
    // A [2, 3] transposed view of a [3, 2] block that starts at element 1.
    expect(Array.from(new CheckpointTensor(storage, 1, [2, 3], [1, 2]).toFloat32())).toEqual([1, 3, 5, 2, 4, 6]);
    const half = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00]);
    const halfTensor = new CheckpointTensor({ kind: 'storage', dtype: 'float16', bytes: new Uint8Array(half.buffer) }, 0, [5], [1]);
    expect(Array.from(halfTensor.toFloat32())).toEqual([1, -2, Math.fround(0.333251953125), Math.fround(2 ** -24), Infinity]);
    const bf16 = new Uint16Array([0x3f80, 0xc040, 0x3eaa]);
    const bfTensor = new CheckpointTensor({ kind: 'storage', dtype: 'bfloat16', bytes: new Uint8Array(bf16.buffer) }, 0, [3], [1]);
    expect(Array.from(bfTensor.toFloat32())).toEqual([1, -3, Math.fround(0.33203125)]);
  });

  it('refuses a view that reaches outside its storage', () => {
    const storage = { kind: 'storage' as const, dtype: 'float32' as const, bytes: new Uint8Array(16) };
    expect(() => new CheckpointTensor(storage, 2, [2, 2], [2, 1]).toFloat32()).toThrow(/outside its storage of 4 elements/);
  });
});
