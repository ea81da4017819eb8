import { describe, expect, it } from 'vitest';
import { dateTimeOriginal, inputValue } from './editDate';

describe('editing the date taken', () => {
  it('shows the wall-clock time', () => {
    expect(inputValue('2013-05-10T15:21:35.000Z')).toBe('2013-05-10T15:21');
  });

  it('keeps the photo’s own offset, or sends a plain wall-clock time', () => {
    expect(dateTimeOriginal('2014-07-01T12:00', 'UTC+03:00')).toBe('2014-07-01T12:00:00+03:00');
    expect(dateTimeOriginal('2014-07-01T12:00:30', 'UTC-05:30')).toBe('2014-07-01T12:00:30-05:30');
    expect(dateTimeOriginal('2014-07-01T12:00', null)).toBe('2014-07-01T12:00:00');
    expect(dateTimeOriginal('2014-07-01T12:00', 'Europe/Helsinki')).toBe('2014-07-01T12:00:00');
  });

  it('refuses what the input cannot have meant', () => {
    expect(dateTimeOriginal('', 'UTC+03:00')).toBeNull();
    expect(dateTimeOriginal('yesterday', null)).toBeNull();
  });
});
