import { describe, expect, it } from 'vitest';
import { searchBody } from './search';

describe('searchBody', () => {
  it('uses smart search with a query and maps every filter to Immich fields', () => {
    const { smart, body } = searchBody({
      q: ' beach ',
      from: '2020-01-01',
      to: '2020-12-31',
      country: 'France',
      city: 'Nice',
      make: 'Canon',
      person: 'p1',
      type: 'VIDEO',
    });
    expect(smart).toBe(true);
    expect(body).toMatchObject({
      query: 'beach',
      takenAfter: '2020-01-01T00:00:00.000Z',
      takenBefore: '2020-12-31T23:59:59.999Z',
      country: 'France',
      city: 'Nice',
      make: 'Canon',
      personIds: ['p1'],
      type: 'VIDEO',
    });
  });

  it('falls back to a metadata search with filters only, ignoring unknown types', () => {
    const { smart, body } = searchBody({ q: '  ', type: 'OTHER', fileName: 'IMG_1' });
    expect(smart).toBe(false);
    expect(body.query).toBeUndefined();
    expect(body.type).toBeUndefined();
    expect(body.originalFileName).toBe('IMG_1');
  });

  it('searches the words read in photos with metadata search, or inside a smart search', () => {
    expect(searchBody({ text: ' Total ' })).toEqual({ smart: false, body: { size: 250, withExif: true, ocr: 'Total' } });
    const { smart, body } = searchBody({ q: 'receipt', text: 'coffee' });
    expect(smart).toBe(true);
    expect(body).toMatchObject({ query: 'receipt', ocr: 'coffee' });
    expect(searchBody({ text: '   ' }).body).not.toHaveProperty('ocr');
  });
});
