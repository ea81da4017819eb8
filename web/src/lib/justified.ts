/**
 * Justified layout: rows of tiles that keep each photo's aspect ratio and fill the width,
 * like Google Photos. Pure geometry, so it is unit-tested and cheap enough for 10,000 tiles.
 */

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface JustifiedOptions {
  /** Width available for the rows. */
  width: number;
  /** Height a row aims for; full rows are scaled to fill the width exactly. */
  rowHeight: number;
  /** Gap between tiles and between rows. */
  spacing: number;
  /** A row is never taller than rowHeight × this (very wide panoramas alone on a row). */
  maxScale?: number;
}

export interface JustifiedLayout {
  boxes: Box[];
  height: number;
}

/** Ratios outside this range are clamped: a 1×100 strip must not make a row 100 rows tall. */
const MIN_RATIO = 0.25;
const MAX_RATIO = 4;

export function clampRatio(ratio: number): number {
  if (!Number.isFinite(ratio) || ratio <= 0) return 1;
  return Math.min(MAX_RATIO, Math.max(MIN_RATIO, ratio));
}

/** Lays out tiles of the given aspect ratios (width / height) in order. */
export function justify(ratios: readonly number[], options: JustifiedOptions): JustifiedLayout {
  const { width, rowHeight, spacing } = options;
  const maxHeight = rowHeight * (options.maxScale ?? 1.5);
  const boxes: Box[] = [];
  if (ratios.length === 0 || width <= 0) return { boxes, height: 0 };

  let top = 0;
  let rowStart = 0;
  let ratioSum = 0;
  const placeRow = (end: number, height: number) => {
    let left = 0;
    for (let i = rowStart; i < end; i++) {
      const tileWidth = clampRatio(ratios[i]) * height;
      boxes.push({ left, top, width: tileWidth, height });
      left += tileWidth + spacing;
    }
    top += height + spacing;
    rowStart = end;
    ratioSum = 0;
  };

  for (let i = 0; i < ratios.length; i++) {
    ratioSum += clampRatio(ratios[i]);
    const count = i - rowStart + 1;
    const naturalWidth = ratioSum * rowHeight + (count - 1) * spacing;
    if (naturalWidth >= width) {
      // Scale the row down (or up) so it fills the width exactly.
      const height = Math.min(maxHeight, (width - (count - 1) * spacing) / ratioSum);
      placeRow(i + 1, height);
    }
  }
  // The last, incomplete row keeps the target height instead of being stretched.
  if (rowStart < ratios.length) placeRow(ratios.length, rowHeight);
  return { boxes, height: top - spacing };
}

/** Rough height of `count` tiles before their ratios are known (assumes 3:2 photos). */
export function estimateHeight(count: number, options: JustifiedOptions): number {
  if (count === 0) return 0;
  const perRow = Math.max(1, Math.floor((options.width + options.spacing) / (1.5 * options.rowHeight + options.spacing)));
  const rows = Math.ceil(count / perRow);
  return rows * options.rowHeight + (rows - 1) * options.spacing;
}
