/** "On this day" memories: which day to ask for and how to name a memory. */

/** Today's date where the user is, as `YYYY-MM-DD`. */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** "1 year ago", "5 years ago". */
export function yearsAgo(year: number, now = new Date()): string {
  const years = now.getFullYear() - year;
  return years === 1 ? '1 year ago' : `${years} years ago`;
}
