import { describe, expect, it } from 'vitest';
import { clampRatio, estimateHeight, justify } from './justified';

const options = { width: 1000, rowHeight: 200, spacing: 4 };

describe('justify', () => {
  it('fills full rows to the exact width and keeps aspect ratios', () => {
    const { boxes } = justify([1.5, 1.5, 1.5, 1.5, 1.5], options);
    const firstRow = boxes.filter((b) => b.top === 0);
    const last = firstRow[firstRow.length - 1];
    expect(last.left + last.width).toBeCloseTo(1000, 6);
    for (const box of firstRow) expect(box.width / box.height).toBeCloseTo(1.5, 6);
  });

  it('leaves the last incomplete row at the target height', () => {
    const { boxes, height } = justify([1, 1, 1, 1, 1, 1], { ...options, width: 850 });
    const lastRow = boxes.filter((b) => b.top > 0);
    expect(lastRow.length).toBeGreaterThan(0);
    for (const box of lastRow) expect(box.height).toBe(200);
    expect(height).toBeCloseTo(lastRow[0].top + 200, 6);
  });

  it('never overlaps tiles on a row and stacks rows with spacing', () => {
    const ratios = Array.from({ length: 200 }, (_, i) => [0.66, 1, 1.33, 1.5, 1.78, 3][i % 6]);
    const { boxes, height } = justify(ratios, options);
    expect(boxes).toHaveLength(200);
    for (let i = 1; i < boxes.length; i++) {
      const [a, b] = [boxes[i - 1], boxes[i]];
      if (a.top === b.top) expect(b.left).toBeCloseTo(a.left + a.width + 4, 6);
      else expect(b.top).toBeCloseTo(a.top + a.height + 4, 6);
      expect(b.left + b.width).toBeLessThanOrEqual(1000 + 1e-6);
    }
    const last = boxes[boxes.length - 1];
    expect(height).toBeCloseTo(last.top + last.height, 6);
  });

  it('caps the height of a row holding one very wide panorama', () => {
    const { boxes } = justify([4, 1], { ...options, width: 400 });
    expect(boxes[0].height).toBeLessThanOrEqual(300);
  });

  it('handles empty input and broken ratios', () => {
    expect(justify([], options)).toEqual({ boxes: [], height: 0 });
    expect(clampRatio(NaN)).toBe(1);
    expect(clampRatio(0)).toBe(1);
    expect(clampRatio(100)).toBe(4);
  });
});

describe('estimateHeight', () => {
  it('grows with the count and is zero for nothing', () => {
    expect(estimateHeight(0, options)).toBe(0);
    expect(estimateHeight(100, options)).toBeGreaterThan(estimateHeight(10, options));
  });
});
