// Draws Kortkoll's application icon (a blue smart card with a gold chip and a green check badge)
// and writes it as build/icon.png, 512x512 RGBA. electron-builder derives the Windows .ico and the
// macOS .icns from this PNG on the CI runners. Run: `npx tsx build/make-icon.ts`.
//
// Shapes are signed distance functions sampled once per pixel, with a one-pixel ramp at the edge
// for anti-aliasing. Only +, *, sqrt, min and max are used, so the pixels are the same on every
// machine (the compressed bytes may differ between zlib versions; the test compares pixels).
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';

export const ICON_SIZE = 512;

type Rgba = readonly [number, number, number, number];

/** Distance from (x, y) to a rounded rectangle centred on (cx, cy); negative inside. */
function roundedRectDistance(x: number, y: number, cx: number, cy: number, halfWidth: number, halfHeight: number, radius: number): number {
  const qx = Math.abs(x - cx) - (halfWidth - radius);
  const qy = Math.abs(y - cy) - (halfHeight - radius);
  const outside = Math.sqrt(Math.max(qx, 0) ** 2 + Math.max(qy, 0) ** 2);
  return outside + Math.min(Math.max(qx, qy), 0) - radius;
}

function circleDistance(x: number, y: number, cx: number, cy: number, radius: number): number {
  return Math.sqrt((x - cx) ** 2 + (y - cy) ** 2) - radius;
}

/** Distance from (x, y) to the segment a-b, minus half the stroke width (round caps). */
function strokeDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number, halfWidth: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.min(Math.max(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0), 1);
  return Math.sqrt((x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2) - halfWidth;
}

/** Coverage of a pixel by a shape, from its distance in pixels (one-pixel anti-aliasing ramp). */
function coverage(distance: number): number {
  return Math.min(Math.max(0.5 - distance, 0), 1);
}

function mix(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Renders the icon as straight (non-premultiplied) RGBA, row by row. */
export function renderIcon(size: number = ICON_SIZE): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const scale = size / 512; // the drawing is laid out on a 512 grid
  const cardTop: Rgba = [52, 118, 196, 255];
  const cardBottom: Rgba = [24, 70, 132, 255];
  const chip: Rgba = [233, 194, 92, 255];
  const chipLine: Rgba = [176, 136, 42, 255];
  const textLine: Rgba = [255, 255, 255, 190];
  const badge: Rgba = [40, 158, 84, 255];
  const white: Rgba = [255, 255, 255, 255];

  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      // Pixel centre on the 512 grid; distances are converted back to output pixels for coverage.
      const x = (column + 0.5) / scale;
      const y = (row + 0.5) / scale;
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      const paint = (color: Rgba, cover: number): void => {
        const alpha = (color[3] / 255) * cover;
        if (alpha <= 0) return;
        const outAlpha = alpha + a * (1 - alpha);
        r = (color[0] * alpha + r * a * (1 - alpha)) / outAlpha;
        g = (color[1] * alpha + g * a * (1 - alpha)) / outAlpha;
        b = (color[2] * alpha + b * a * (1 - alpha)) / outAlpha;
        a = outAlpha;
      };

      // Soft shadow under the card.
      const shadow = roundedRectDistance(x, y, 256, 262, 212, 134, 30);
      paint([0, 20, 50, 255], 0.28 * Math.max(1 - Math.max(shadow, 0) / 18, 0));

      // The card, ID-1 proportions, with a vertical gradient.
      const card = roundedRectDistance(x, y, 256, 250, 210, 132, 28);
      const t = Math.min(Math.max((y - 118) / 264, 0), 1);
      paint([mix(cardTop[0], cardBottom[0], t), mix(cardTop[1], cardBottom[1], t), mix(cardTop[2], cardBottom[2], t), 255], coverage(card * scale));

      // Contact chip with its six pads.
      paint(chip, coverage(roundedRectDistance(x, y, 148, 226, 46, 36, 9) * scale));
      const pads = Math.min(
        roundedRectDistance(x, y, 148, 226, 46, 2.5, 0),
        roundedRectDistance(x, y, 132, 226, 2.5, 36, 0),
        roundedRectDistance(x, y, 164, 226, 2.5, 36, 0),
      );
      const insideChip = roundedRectDistance(x, y, 148, 226, 44, 34, 8);
      paint(chipLine, Math.min(coverage(pads * scale), coverage(insideChip * scale)));

      // Two lines of "printed" text on the right of the chip.
      paint(textLine, coverage(roundedRectDistance(x, y, 312, 206, 72, 9, 9) * scale));
      paint(textLine, coverage(roundedRectDistance(x, y, 292, 238, 52, 9, 9) * scale));

      // Green badge with a white ring and a check mark, over the card's lower right corner.
      paint(white, coverage(circleDistance(x, y, 372, 358, 92) * scale));
      paint(badge, coverage(circleDistance(x, y, 372, 358, 80) * scale));
      const check = Math.min(strokeDistance(x, y, 330, 360, 360, 390, 13), strokeDistance(x, y, 360, 390, 416, 328, 13));
      paint(white, coverage(check * scale));

      const offset = (row * size + column) * 4;
      pixels[offset] = Math.round(r);
      pixels[offset + 1] = Math.round(g);
      pixels[offset + 2] = Math.round(b);
      pixels[offset + 3] = Math.round(a * 255);
    }
  }
  return pixels;
}

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** Encodes straight RGBA as a PNG (colour type 6, 8 bits, every row with filter type 0). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(height * (width * 4 + 1));
  for (let row = 0; row < height; row++) {
    rows[row * (width * 4 + 1)] = 0;
    rows.set(rgba.subarray(row * width * 4, (row + 1) * width * 4), row * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

export const ICON_PATH = fileURLToPath(new URL('./icon.png', import.meta.url));

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(ICON_PATH, encodePng(ICON_SIZE, ICON_SIZE, renderIcon(ICON_SIZE)));
  console.log(`wrote ${ICON_PATH}`);
}
