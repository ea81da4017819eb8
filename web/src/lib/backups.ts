/** Pure helpers for the admin page's Backups section: summaries of runs, settings and scrub findings. */
import type { AdminRun, BackupResult, BackupSettings, ScrubFinding, ScrubResult } from '../api/types';
import { formatBytes, formatCount } from './format';

/** `n thing` / `n things`, the count grouped for reading. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Seconds as shown after "took": one decimal under ten seconds, whole seconds above. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '0 s';
  return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
}

/** True while a run still needs watching (the page polls then). */
export function isActive(run: AdminRun<unknown> | null | undefined): boolean {
  return !!run && (run.status === 'queued' || run.status === 'running');
}

/** Progress of a queued or running run: "Queued", "Running: 3 of 40", or "Running: 3 done" without a total. */
export function progressLine(run: AdminRun<unknown>): string {
  if (run.status === 'queued') return 'Queued';
  if (run.status !== 'running') return run.status === 'completed' ? 'Completed' : 'Failed';
  return run.total == null
    ? `Running: ${formatCount(run.done)} done`
    : `Running: ${formatCount(run.done)} of ${formatCount(run.total)}`;
}

/** A fraction 0..1 for a progress bar, or null when the total is not known yet. */
export function progressFraction(run: AdminRun<unknown>): number | null {
  if (run.total == null || run.total <= 0) return null;
  return Math.min(1, Math.max(0, run.done / run.total));
}

/** A completed backup's outcome: "copied 12 files (3.4 MB), 100 already backed up, took 2.5 s", plus problems and pruning. */
export function backupResultLine(result: BackupResult): string {
  let line =
    `copied ${plural(result.copiedFiles, 'file')} (${formatBytes(result.copiedBytes)}), ` +
    `${formatCount(result.reusedFiles)} already backed up, took ${formatSeconds(result.seconds)}`;
  const problems: string[] = [];
  if (result.missing > 0) problems.push(`${formatCount(result.missing)} missing`);
  if (result.mismatched > 0) problems.push(`${formatCount(result.mismatched)} damaged`);
  if (problems.length) line += `; not copied: ${problems.join(', ')}`;
  if (result.prunedBackups > 0) line += `; removed ${plural(result.prunedBackups, 'old backup')}`;
  return line;
}

/** A completed scrub's outcome: "read 50 originals (1.2 GB): 48 intact, 1 damaged, 1 missing, took 4.0 s". */
export function scrubResultLine(result: ScrubResult): string {
  const parts = [`${formatCount(result.matched)} intact`, `${formatCount(result.mismatched)} damaged`, `${formatCount(result.missing)} missing`];
  if (result.unreadable > 0) parts.push(`${formatCount(result.unreadable)} unreadable`);
  return `read ${plural(result.read, 'original')} (${formatBytes(result.bytes)}): ${parts.join(', ')}, took ${formatSeconds(result.seconds)}`;
}

export type RunOutcome = { kind: 'active' | 'completed' | 'failed'; text: string };

/** What to say about a run, whatever its state; `describe` turns a completed run's result into words. */
export function runOutcome<R>(run: AdminRun<R>, describe: (result: R) => string): RunOutcome {
  if (isActive(run)) return { kind: 'active', text: progressLine(run) };
  if (run.status === 'failed') return { kind: 'failed', text: run.error || 'The run failed' };
  return { kind: 'completed', text: run.result ? describe(run.result) : 'completed' };
}

/** "02:30 UTC", or "off" when there is no time. */
export function nightly(time: string | null | undefined): string {
  return time ? `${time} UTC` : 'off';
}

/** The settings as label/value pairs, in display order. */
export function settingsSummary(settings: BackupSettings): { label: string; value: string }[] {
  return [
    { label: 'Target', value: settings.target ?? 'not set' },
    { label: 'Nightly backup', value: settings.enabled ? nightly(settings.time) : 'off' },
    { label: 'Keep', value: plural(settings.keep, 'backup') },
    {
      label: 'Scrub',
      value: settings.scrubTime && settings.scrubPercent > 0 ? `${settings.scrubPercent}% of originals nightly at ${nightly(settings.scrubTime)}` : 'off',
    },
  ];
}

/** "30 of 120 originals read at least once (25%)". */
export function coverageLine(everRead: number, originals: number): string {
  const percent = originals > 0 ? Math.floor((Math.min(everRead, originals) / originals) * 100) : 100;
  return `${formatCount(everRead)} of ${plural(originals, 'original')} read at least once (${percent}%)`;
}

/** How a finding's problem reads in the table. */
export function problemLabel(problem: ScrubFinding['problem']): string {
  return problem === 'mismatch' ? 'damaged' : 'missing';
}

/** Findings for the table: damaged before missing, then by file name. */
export function sortFindings(findings: ScrubFinding[]): ScrubFinding[] {
  const rank = (f: ScrubFinding) => (f.problem === 'mismatch' ? 0 : 1);
  return [...findings].sort((a, b) => rank(a) - rank(b) || a.originalFileName.localeCompare(b.originalFileName));
}

