/** Turns the search page's filters (kept in the URL) into Immich's search request bodies. */

export interface SearchFilters {
  q?: string;
  from?: string;
  to?: string;
  country?: string;
  city?: string;
  make?: string;
  person?: string;
  type?: string;
  fileName?: string;
  /** Words read in the photo (OCR). */
  text?: string;
}

export function searchBody(filters: SearchFilters): { smart: boolean; body: Record<string, unknown> } {
  const body: Record<string, unknown> = { size: 250, withExif: true };
  if (filters.from) body.takenAfter = `${filters.from}T00:00:00.000Z`;
  if (filters.to) body.takenBefore = `${filters.to}T23:59:59.999Z`;
  if (filters.country) body.country = filters.country;
  if (filters.city) body.city = filters.city;
  if (filters.make) body.make = filters.make;
  if (filters.person) body.personIds = [filters.person];
  if (filters.type === 'IMAGE' || filters.type === 'VIDEO') body.type = filters.type;
  if (filters.fileName) body.originalFileName = filters.fileName;
  const words = filters.text?.trim();
  if (words) body.ocr = words;
  const query = filters.q?.trim();
  if (query) body.query = query;
  return { smart: Boolean(query), body };
}
