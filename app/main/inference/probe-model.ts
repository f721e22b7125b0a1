/**
 * A one-node ONNX model (Y = Identity(X), float[1]) encoded by hand, so the runtime can check
 * that an execution provider really starts on this machine before any real model file exists.
 * Only the handful of protobuf fields ONNX needs are written; every one is a varint or a
 * length-delimited field.
 */
export function probeModelBytes(): Uint8Array {
  const tensorType = (name: string) =>
    message([
      field(1, bytes(name)),
      field(2, message([field(1, message([varintField(1, 1), field(2, message([field(1, message([varintField(1, 1)]))]))]))])),
    ]);
  const node = message([field(1, bytes('X')), field(2, bytes('Y')), field(3, bytes('probe')), field(4, bytes('Identity'))]);
  const graph = message([field(1, node), field(2, bytes('probe')), field(11, tensorType('X')), field(12, tensorType('Y'))]);
  const opset = message([field(1, bytes('')), varintField(2, 13)]);
  return message([varintField(1, 8), field(2, bytes('likeness-probe')), field(7, graph), field(8, opset)]);
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function field(number: number, payload: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint((number << 3) | 2), ...varint(payload.length), ...payload]);
}

function varintField(number: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(number << 3), ...varint(value)]);
}

function message(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
