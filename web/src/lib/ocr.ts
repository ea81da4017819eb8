/**
 * Placing the lines of text read in a photo over the photo as the viewer shows it: the image is
 * letterboxed (`object-fit: contain`) in its stage, and each line's box may be turned.
 */
import type { OcrLine } from '../api/types';

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Where an image of `natural` size shows inside a `box` with `object-fit: contain`. */
export function containRect(natural: { width: number; height: number }, box: { width: number; height: number }): Rect {
  if (natural.width <= 0 || natural.height <= 0) return { left: 0, top: 0, width: box.width, height: box.height };
  const scale = Math.min(box.width / natural.width, box.height / natural.height);
  const width = natural.width * scale;
  const height = natural.height * scale;
  return { left: (box.width - width) / 2, top: (box.height - height) / 2, width, height };
}

/** A line as a box in stage pixels: its top-left corner, size, and turn (degrees) about that corner. */
export interface PlacedLine {
  id: string;
  text: string;
  left: number;
  top: number;
  width: number;
  height: number;
  angle: number;
}

export function placeLines(lines: OcrLine[], image: Rect): PlacedLine[] {
  return lines.map((line) => {
    const point = (x: number, y: number) => ({ x: image.left + x * image.width, y: image.top + y * image.height });
    const topLeft = point(line.x1, line.y1);
    const topRight = point(line.x2, line.y2);
    const bottomLeft = point(line.x4, line.y4);
    return {
      id: line.id,
      text: line.text,
      left: topLeft.x,
      top: topLeft.y,
      width: Math.hypot(topRight.x - topLeft.x, topRight.y - topLeft.y),
      height: Math.hypot(bottomLeft.x - topLeft.x, bottomLeft.y - topLeft.y),
      angle: (Math.atan2(topRight.y - topLeft.y, topRight.x - topLeft.x) * 180) / Math.PI,
    };
  });
}
