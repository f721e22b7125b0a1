import type { ImportProblem } from './import-item.ts';

/** Names why sharp refused a file, in words a user can act on, keeping libvips' first line as the detail. */
export function decodeProblem(label: string, bytes: Uint8Array, error: unknown): ImportProblem {
  const message = error instanceof Error ? error.message : String(error);
  const detail = message.split('\n', 1)[0]!.trim();
  if (/unsupported image format/i.test(message)) {
    return { code: 'NOT_AN_IMAGE', message: `${label} is not an image (its content is not JPEG, PNG or WebP)` };
  }
  if (/pixel limit/i.test(message)) return { code: 'TOO_LARGE', message: `${label} has too many pixels to decode safely (${detail})` };
  if (/premature end|truncated|unexpected end/i.test(message) || endsEarly(bytes)) {
    return { code: 'TRUNCATED', message: `${label} is cut short, the file ends before the image does (${detail})` };
  }
  return { code: 'DECODE_FAILED', message: `${label} could not be decoded (${detail})` };
}

/**
 * libpng and libwebp report a short file only as a generic read error, so their container framing
 * is checked: a PNG ends with an IEND chunk, a WebP's RIFF header states its full length.
 */
function endsEarly(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.subarray(0, 8).equals(PNG_SIGNATURE)) return buffer.lastIndexOf('IEND') === -1;
  if (buffer.length >= 12 && buffer.toString('latin1', 0, 4) === 'RIFF' && buffer.toString('latin1', 8, 12) === 'WEBP') {
    return buffer.readUInt32LE(4) + 8 > buffer.length;
  }
  return false;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
