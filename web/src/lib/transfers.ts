/** Pure helpers for the Settings page's "Your library": exports of the whole library and Google Takeout imports. */
import type { ExportGroupBy, ExportResult, ImportResult, TransferRun } from '../api/types';
import { formatBytes, formatCount } from './format';

/** `n thing` / `n things`, the count grouped for reading. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

const media = (n: number) => plural(n, 'photo or video', 'photos and videos');

/** True while a run still needs watching (the page polls then). */
export function isActive(run: Pick<TransferRun, 'status'> | null | undefined): boolean {
  return !!run && (run.status === 'queued' || run.status === 'running');
}

/** True when any of `runs` is queued or running. */
export function anyActive(runs: readonly Pick<TransferRun, 'status'>[]): boolean {
  return runs.some(isActive);
}

/** A fraction 0..1 for a progress bar, or null when the total is not known yet. */
export function progressFraction(run: Pick<TransferRun, 'done' | 'total'>): number | null {
  if (run.total == null || run.total <= 0) return null;
  return Math.min(1, Math.max(0, run.done / run.total));
}

/** "Waiting to start", "Exporting: 3 of 40", "Importing: 3 done" (no total yet). */
export function progressLine(run: Pick<TransferRun, 'status' | 'done' | 'total'>, verb: string): string {
  if (run.status === 'queued') return 'Waiting to start';
  if (run.status === 'completed') return 'Completed';
  if (run.status === 'failed') return 'Failed';
  return run.total == null
    ? `${verb}: ${formatCount(run.done)} done`
    : `${verb}: ${formatCount(run.done)} of ${formatCount(run.total)}`;
}

export const groupByLabels: Record<ExportGroupBy, string> = {
  date: 'Folders by date',
  album: 'Folders by album',
};

/** The label of an export's layout, whatever the server sent. */
export function groupByLabel(groupBy: unknown): string {
  return groupBy === 'album' || groupBy === 'date' ? groupByLabels[groupBy] : 'Folders by date';
}

/** A finished export: "2 photos and videos, 6 files, 1.2 MB zip", and what could not be read. */
export function exportResultLine(result: ExportResult): string {
  let line = `${media(result.assets)}, ${plural(result.files, 'file')}, ${formatBytes(result.zipBytes)} zip`;
  if (result.missing.length > 0) line += `; ${plural(result.missing.length, 'original')} could not be read`;
  return line;
}

/**
 * A finished import in one line: "Imported 18 photos and videos; 4 already in your library;
 * 2 albums created", with the rest only when it happened.
 */
export function importSummary(result: ImportResult): string {
  const parts = [`Imported ${media(result.imported)}`];
  if (result.duplicates > 0) parts.push(`${formatCount(result.duplicates)} already in your library`);
  if (result.deletedBefore > 0) parts.push(`${formatCount(result.deletedBefore)} deleted before, not imported again`);
  if (result.albumsCreated > 0) parts.push(`${plural(result.albumsCreated, 'album')} created`);
  else if (result.albumAdditions > 0) parts.push(`${plural(result.albumAdditions, 'addition')} to existing albums`);
  if (result.livePhotosLinked > 0) parts.push(`${plural(result.livePhotosLinked, 'live photo')} linked`);
  if (result.trashed > 0) parts.push(`${formatCount(result.trashed)} put in the trash, as in Google Photos`);
  if (result.unsupported.length > 0) parts.push(`${formatCount(result.unsupported.length)} not supported`);
  return parts.join('; ');
}

export interface DetailList {
  title: string;
  items: string[];
}

/** The import's lists worth a look, each non-empty one with its title and count. */
export function importDetails(result: ImportResult): DetailList[] {
  const pairs = (list: [string, string][]) => list.map(([path, reason]) => `${path}: ${reason}`);
  const lists: DetailList[] = [
    { title: `Without sidecar (${formatCount(result.withoutSidecar.length)})`, items: result.withoutSidecar },
    { title: `Unreadable sidecars (${formatCount(result.sidecarErrors.length)})`, items: pairs(result.sidecarErrors) },
    { title: `Unsupported (${formatCount(result.unsupported.length)})`, items: pairs(result.unsupported) },
    { title: `Sidecars without a photo (${formatCount(result.unmatchedSidecars.length)})`, items: result.unmatchedSidecars },
  ];
  return lists.filter((list) => list.items.length > 0);
}

/** The numbers behind the summary: "24 media files, 22 with their sidecar, 3 other entries skipped". */
export function importCounts(result: ImportResult): string {
  let line = `${plural(result.mediaFiles, 'media file')}, ${formatCount(result.matchedSidecars)} with their sidecar`;
  if (result.skippedEntries > 0) line += `, ${plural(result.skippedEntries, 'other entry', 'other entries')} skipped`;
  return line;
}

/** "Uploading… 40% (4.0 MB of 10.0 MB)", or without the share when the size is not known. */
export function uploadLine(loaded: number, total: number | null): string {
  if (!total || total <= 0) return `Uploading… ${formatBytes(loaded)}`;
  const percent = Math.min(100, Math.floor((loaded / total) * 100));
  return `Uploading… ${percent}% (${formatBytes(loaded)} of ${formatBytes(total)})`;
}

/** Why a chosen file cannot be a Takeout archive, or null when it may be one. */
export function takeoutFileProblem(file: { name: string; size: number } | null): string | null {
  if (!file) return 'Choose the .zip file Google Takeout made';
  if (!/\.zip$/i.test(file.name)) return `${file.name} is not a .zip file: choose the .zip file Google Takeout made`;
  if (file.size === 0) return `${file.name} is empty`;
  return null;
}

/** A run's status or outcome in a few words, for its row in a list. */
export function runStatusText<R>(run: TransferRun<unknown, R>, verb: string, describe: (result: R) => string): string {
  if (isActive(run)) return progressLine(run, verb);
  if (run.status === 'failed') return `Failed: ${run.error || 'the run failed'}`;
  return run.result ? describe(run.result) : 'Completed';
}

/** Where a finished export is downloaded (the session cookie authenticates it, as for originals). */
export function exportDownloadUrl(id: string): string {
  return `/api/exports/${encodeURIComponent(id)}/download`;
}
