// build/icon.png is what build/make-icon.ts draws: 512x512 RGBA, compared pixel by pixel (the
// compressed bytes may differ between zlib versions).
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ICON_PATH, ICON_SIZE, encodePng, renderIcon } from '../../../build/make-icon.js';

interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  rgba: Uint8Array;
}

/** Decodes the PNGs make-icon.ts writes: 8-bit RGBA, every row with filter type 0. */
function decodePng(bytes: Buffer): DecodedPng {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let header: Buffer | undefined;
  const data: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.subarray(offset + 4, offset + 8).toString('latin1');
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  if (header === undefined) throw new Error('no IHDR');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(data));
  const rgba = new Uint8Array(width * height * 4);
  for (let row = 0; row < height; row++) {
    const start = row * (width * 4 + 1);
    expect(raw[start]).toBe(0);
    rgba.set(raw.subarray(start + 1, start + 1 + width * 4), row * width * 4);
  }
  return { width, height, bitDepth: header[8] as number, colourType: header[9] as number, rgba };
}

describe('application icon', () => {
  const committed = decodePng(readFileSync(ICON_PATH));

  it('is a 512x512 8-bit RGBA PNG (electron-builder derives .ico and .icns from it)', () => {
    expect([committed.width, committed.height, committed.bitDepth, committed.colourType]).toEqual([ICON_SIZE, ICON_SIZE, 8, 6]);
  });

  it('has exactly the pixels make-icon.ts draws', () => {
    expect(Buffer.from(committed.rgba).equals(Buffer.from(renderIcon(ICON_SIZE)))).toBe(true);
  });

  it('has a transparent margin and an opaque card in the middle', () => {
    const alphaAt = (x: number, y: number): number => committed.rgba[(y * ICON_SIZE + x) * 4 + 3] as number;
    expect(alphaAt(0, 0)).toBe(0);
    expect(alphaAt(ICON_SIZE - 1, 0)).toBe(0);
    expect(alphaAt(256, 160)).toBe(255);
    const opaque = Array.from({ length: ICON_SIZE * ICON_SIZE }, (_, i) => committed.rgba[i * 4 + 3] === 255).filter(Boolean).length;
    expect(opaque / (ICON_SIZE * ICON_SIZE)).toBeGreaterThan(0.3);
    expect(opaque / (ICON_SIZE * ICON_SIZE)).toBeLessThan(0.8);
  });

  it('round-trips through the encoder', () => {
    const small = renderIcon(32);
    expect(decodePng(encodePng(32, 32, small)).rgba).toEqual(small);
  });
});
