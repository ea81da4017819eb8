import { describe, expect, it } from 'vitest';
import type { OcrLine } from '../api/types';
import { containRect, placeLines } from './ocr';

const line = (corners: number[], text = 'Hello'): OcrLine => {
  const [x1, y1, x2, y2, x3, y3, x4, y4] = corners;
  return { id: text, assetId: 'a', x1, y1, x2, y2, x3, y3, x4, y4, boxScore: 0.9, textScore: 0.9, text };
};

describe('containRect', () => {
  it('letterboxes a wide image in a tall stage', () => {
    expect(containRect({ width: 200, height: 100 }, { width: 100, height: 300 })).toEqual({
      left: 0,
      top: 125,
      width: 100,
      height: 50,
    });
  });

  it('pillarboxes a tall image in a wide stage', () => {
    expect(containRect({ width: 100, height: 200 }, { width: 400, height: 100 })).toEqual({
      left: 175,
      top: 0,
      width: 50,
      height: 100,
    });
  });
});

describe('placeLines', () => {
  it('maps a level box to stage pixels', () => {
    const [placed] = placeLines([line([0.1, 0.2, 0.5, 0.2, 0.5, 0.3, 0.1, 0.3])], { left: 10, top: 20, width: 200, height: 100 });
    expect(placed.left).toBeCloseTo(30);
    expect(placed.top).toBeCloseTo(40);
    expect(placed.width).toBeCloseTo(80);
    expect(placed.height).toBeCloseTo(10);
    expect(placed.angle).toBeCloseTo(0);
  });

  it('keeps the turn of a tilted line', () => {
    const [placed] = placeLines([line([0, 0, 0.5, 0.5, 0.4, 0.6, -0.1, 0.1])], { left: 0, top: 0, width: 100, height: 100 });
    expect(placed.angle).toBeCloseTo(45);
    expect(placed.width).toBeCloseTo(Math.hypot(50, 50));
  });
});
