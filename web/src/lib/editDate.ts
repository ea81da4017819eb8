/**
 * The date a user corrects in the info panel: shown as the wall-clock time where the photo was
 * taken, sent back with the photo's own UTC offset so the instant stays right.
 */

/** `2013-05-10T15:21:35.000Z` (wall clock kept as UTC) → `2013-05-10T15:21` for a datetime-local input. */
export function inputValue(localDateTime: string): string {
  return localDateTime.slice(0, 16);
}

/** The offset in Immich's `timeZone` (`UTC+02:00`), or '' when the photo has none. */
function offsetOf(timeZone: string | null | undefined): string {
  const match = timeZone?.match(/^UTC([+-]\d{2}:\d{2})$/);
  return match ? match[1] : '';
}

/** What `PUT /assets/{id}` takes as `dateTimeOriginal`, or null for an unusable input. */
export function dateTimeOriginal(input: string, timeZone: string | null | undefined): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(input)) return null;
  const seconds = input.length === 16 ? `${input}:00` : input;
  return `${seconds}${offsetOf(timeZone)}`;
}
