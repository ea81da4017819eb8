import { describe, expect, it } from 'vitest';
import type { Tag } from '../api/types';
import { flatten, normalizePath, tagTree } from './tags';

const tag = (id: string, value: string, parentId?: string): Tag => ({
  id,
  value,
  name: value.split('/').pop()!,
  parentId,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
});

describe('tag tree', () => {
  it('nests tags under their parents, each level sorted by name', () => {
    const tags = [
      tag('rome', 'Trips/2024/Rome', 'y2024'),
      tag('family', 'Family'),
      tag('trips', 'Trips'),
      tag('milan', 'Trips/2024/Milan', 'y2024'),
      tag('y2024', 'Trips/2024', 'trips'),
    ];
    const rows = flatten(tagTree(tags)).map((node) => `${'  '.repeat(node.depth)}${node.tag.name}`);
    expect(rows).toEqual(['Family', 'Trips', '  2024', '    Milan', '    Rome']);
  });

  it('shows a tag whose parent is missing at the top', () => {
    expect(tagTree([tag('rome', 'Trips/Rome', 'gone')]).map((node) => node.tag.id)).toEqual(['rome']);
  });

  it('normalizes typed paths as the server does', () => {
    expect(normalizePath(' Trips / 2024//Rome/ ')).toBe('Trips/2024/Rome');
    expect(normalizePath(' / ')).toBe('');
  });
});
