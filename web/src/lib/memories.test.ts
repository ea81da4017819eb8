import { describe, expect, it } from 'vitest';
import { localToday, yearsAgo } from './memories';

describe('memories', () => {
  const now = new Date(2026, 10, 5, 23, 30); // 5 November 2026, late evening, local time

  it('asks for the local date, not the UTC one', () => {
    expect(localToday(now)).toBe('2026-11-05');
  });

  it('names how long ago a year was', () => {
    expect(yearsAgo(2025, now)).toBe('1 year ago');
    expect(yearsAgo(2016, now)).toBe('10 years ago');
  });
});
