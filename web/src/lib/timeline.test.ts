import { describe, expect, it } from 'vitest';
import {
  assetsFromColumns,
  groupByDay,
  groupByMonth,
  layoutMonth,
  localDateTime,
  parseDuration,
  visibleBoxes,
} from './timeline';
import { metricsFor } from './timelineStore';
import { asset } from './testAssets';


describe('bucket columns', () => {
  it('become assets with their local time', () => {
    const assets = assetsFromColumns({
      id: ['a', 'b'],
      isImage: [true, false],
      isFavorite: [false, true],
      isTrashed: [false, false],
      visibility: ['timeline', 'timeline'],
      fileCreatedAt: ['2024-03-17T23:30:00.000Z', '2024-03-17T10:00:00.000Z'],
      localOffsetHours: [2, 0],
      duration: [null, '0:00:05.500'],
      thumbhash: ['abc', null],
      ratio: [1.5, 0.5],
    });
    expect(assets[0].localDateTime).toBe('2024-03-18T01:30:00.000Z');
    expect(assets[1]).toMatchObject({ isImage: false, isFavorite: true, duration: 5500, ratio: 0.5 });
  });

  it('carry stack sizes and live photo videos when the server sends them', () => {
    const columns = {
      id: ['lead', 'alone'],
      isImage: [true, true],
      isFavorite: [false, false],
      isTrashed: [false, false],
      visibility: ['timeline', 'timeline'],
      fileCreatedAt: ['2024-03-17T10:00:00.000Z', '2024-03-17T09:00:00.000Z'],
      localOffsetHours: [0, 0],
      duration: [null, null],
      thumbhash: [null, null],
      ratio: [1, 1],
    };
    const stacked = assetsFromColumns({ ...columns, stack: [['s1', '3'], null], livePhotoVideoId: [null, 'v1'] });
    expect(stacked.map((a) => [a.stackCount, a.livePhotoVideoId])).toEqual([
      [3, null],
      [null, 'v1'],
    ]);
    expect(assetsFromColumns(columns).map((a) => a.stackCount)).toEqual([null, null]);
  });

  it('parse both duration forms', () => {
    expect(parseDuration(1234)).toBe(1234);
    expect(parseDuration('1:02:03.5')).toBe(3723500);
    expect(parseDuration('x')).toBeNull();
    expect(parseDuration(null)).toBeNull();
    expect(localDateTime('garbage', 1)).toBe('garbage');
  });
});

describe('grouping', () => {
  const list = [
    asset('1', '2024-03-18T08:00:00.000Z'),
    asset('2', '2024-03-18T07:00:00.000Z'),
    asset('3', '2024-03-02T07:00:00.000Z'),
    asset('4', '2024-02-29T23:59:00.000Z'),
  ];

  it('groups consecutive assets by local day', () => {
    expect(groupByDay(list).map((d) => [d.day, d.assets.map((a) => a.id)])).toEqual([
      ['2024-03-18', ['1', '2']],
      ['2024-03-02', ['3']],
      ['2024-02-29', ['4']],
    ]);
  });

  it('groups by month keyed like time buckets', () => {
    expect([...groupByMonth(list).keys()]).toEqual(['2024-03-01', '2024-02-01']);
  });

  it('lays a month out as stacked days below the month header', () => {
    const metrics = metricsFor(1000);
    const { days, height } = layoutMonth(list, metrics);
    expect(days).toHaveLength(3);
    expect(days[0].top).toBe(metrics.monthHeader);
    for (let i = 1; i < days.length; i++) expect(days[i].top).toBeGreaterThan(days[i - 1].top + days[i - 1].height);
    expect(height).toBeGreaterThan(days[2].top + days[2].height);
  });
});

describe('visibleBoxes', () => {
  it('finds the rows crossing a window', () => {
    const boxes = Array.from({ length: 10 }, (_, i) => ({ left: 0, top: i * 100, width: 10, height: 96 }));
    expect(visibleBoxes(boxes, 250, 450)).toEqual([2, 5]);
    expect(visibleBoxes(boxes, 5000, 6000)).toEqual([10, 10]);
  });
});
