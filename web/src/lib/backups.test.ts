import { describe, expect, it } from 'vitest';
import type { AdminRun, BackupResult, BackupSettings, ScrubFinding, ScrubResult } from '../api/types';
import {
  backupResultLine,
  coverageLine,
  formatSeconds,
  isActive,
  nightly,
  problemLabel,
  progressFraction,
  progressLine,
  runOutcome,
  scrubResultLine,
  settingsSummary,
  sortFindings,
} from './backups';

function run<R>(status: AdminRun['status'], extra: Partial<AdminRun<R>> = {}): AdminRun<R> {
  return {
    id: '7c0d3c1e-0000-4000-8000-000000000001',
    status,
    requestedAt: '2024-05-01T02:30:00Z',
    startedAt: status === 'queued' ? null : '2024-05-01T02:30:01Z',
    finishedAt: null,
    done: 0,
    total: null,
    scheduled: false,
    result: null,
    error: null,
    ...extra,
  };
}

const backupResult: BackupResult = {
  backupId: '20240501T023000Z',
  originals: 112,
  copiedFiles: 12,
  copiedBytes: 3.5 * 1024 * 1024,
  reusedFiles: 100,
  databaseBytes: 2048,
  missing: 0,
  mismatched: 0,
  prunedBackups: 0,
  prunedObjects: 0,
  seconds: 2.46,
};

const finding = (assetId: string, originalFileName: string, problem: ScrubFinding['problem']): ScrubFinding => ({
  assetId,
  ownerId: 'owner',
  originalFileName,
  originalPath: `/library/${originalFileName}`,
  problem,
  checksum: 'abc',
  foundChecksum: problem === 'mismatch' ? 'def' : null,
  fileSizeInByte: 1000,
  checkedAt: '2024-05-01T03:00:00Z',
  restorable: true,
});

describe('backup runs', () => {
  it('watches queued and running runs only', () => {
    expect(isActive(run('queued'))).toBe(true);
    expect(isActive(run('running'))).toBe(true);
    expect(isActive(run('completed'))).toBe(false);
    expect(isActive(run('failed'))).toBe(false);
    expect(isActive(null)).toBe(false);
  });

  it('shows progress with and without a total', () => {
    expect(progressLine(run('queued'))).toBe('Queued');
    expect(progressLine(run('running', { done: 3 }))).toBe('Running: 3 done');
    expect(progressLine(run('running', { done: 1200, total: 4000 }))).toBe(`Running: ${(1200).toLocaleString()} of ${(4000).toLocaleString()}`);
    expect(progressFraction(run('running', { done: 3 }))).toBeNull();
    expect(progressFraction(run('running', { done: 10, total: 40 }))).toBe(0.25);
    expect(progressFraction(run('running', { done: 50, total: 40 }))).toBe(1);
  });

  it('summarizes a completed backup', () => {
    expect(backupResultLine(backupResult)).toBe('copied 12 files (3.5 MB), 100 already backed up, took 2.5 s');
    expect(backupResultLine({ ...backupResult, copiedFiles: 1, copiedBytes: 500, seconds: 75.4 })).toBe(
      'copied 1 file (500 B), 100 already backed up, took 75 s',
    );
  });

  it('names originals it could not copy and the backups it pruned', () => {
    expect(backupResultLine({ ...backupResult, missing: 2, mismatched: 1, prunedBackups: 1 })).toBe(
      'copied 12 files (3.5 MB), 100 already backed up, took 2.5 s; not copied: 2 missing, 1 damaged; removed 1 old backup',
    );
  });

  it('tells active, completed and failed runs apart', () => {
    expect(runOutcome(run<BackupResult>('running', { done: 2, total: 4 }), backupResultLine)).toEqual({ kind: 'active', text: 'Running: 2 of 4' });
    expect(runOutcome(run<BackupResult>('completed', { result: backupResult }), backupResultLine)).toEqual({
      kind: 'completed',
      text: 'copied 12 files (3.5 MB), 100 already backed up, took 2.5 s',
    });
    expect(runOutcome(run<BackupResult>('failed', { error: 'target /mnt/backup is not writable' }), backupResultLine)).toEqual({
      kind: 'failed',
      text: 'target /mnt/backup is not writable',
    });
    expect(runOutcome(run<BackupResult>('failed'), backupResultLine).text).toBe('The run failed');
  });

  it('formats durations', () => {
    expect(formatSeconds(0.04)).toBe('0.0 s');
    expect(formatSeconds(9.96)).toBe('10.0 s');
    expect(formatSeconds(10.5)).toBe('11 s');
    expect(formatSeconds(Number.NaN)).toBe('0 s');
  });
});

describe('backup settings', () => {
  const settings: BackupSettings = { enabled: true, target: '/mnt/backup', time: '02:30', keep: 7, scrubTime: '03:15', scrubPercent: 5 };

  it('lists target, nightly time, retention and scrub share', () => {
    expect(settingsSummary(settings)).toEqual([
      { label: 'Target', value: '/mnt/backup' },
      { label: 'Nightly backup', value: '02:30 UTC' },
      { label: 'Keep', value: '7 backups' },
      { label: 'Scrub', value: '5% of originals nightly at 03:15 UTC' },
    ]);
  });

  it('says off for what is not scheduled', () => {
    const values = settingsSummary({ enabled: true, target: null, time: null, keep: 1, scrubTime: null, scrubPercent: 5 }).map((s) => s.value);
    expect(values).toEqual(['not set', 'off', '1 backup', 'off']);
    expect(settingsSummary({ ...settings, enabled: false })[1].value).toBe('off');
    expect(nightly('00:00')).toBe('00:00 UTC');
  });
});

describe('scrub', () => {
  const result: ScrubResult = { read: 50, matched: 48, mismatched: 1, missing: 1, unreadable: 0, bytes: 1.25 * 1024 ** 3, seconds: 4 };

  it('summarizes a scrub', () => {
    expect(scrubResultLine(result)).toBe('read 50 originals (1.3 GB): 48 intact, 1 damaged, 1 missing, took 4.0 s');
    expect(scrubResultLine({ ...result, read: 1, matched: 0, mismatched: 0, missing: 0, unreadable: 1, bytes: 0 })).toBe(
      'read 1 original (0 B): 0 intact, 0 damaged, 0 missing, 1 unreadable, took 4.0 s',
    );
  });

  it('reports coverage, rounding down so 100% means every original', () => {
    expect(coverageLine(30, 120)).toBe('30 of 120 originals read at least once (25%)');
    expect(coverageLine(119, 120)).toBe('119 of 120 originals read at least once (99%)');
    expect(coverageLine(0, 0)).toBe('0 of 0 originals read at least once (100%)');
  });

  it('labels and orders findings', () => {
    expect(problemLabel('mismatch')).toBe('damaged');
    expect(problemLabel('missing')).toBe('missing');
    const input = [finding('1', 'b.jpg', 'missing'), finding('2', 'z.jpg', 'mismatch'), finding('3', 'a.jpg', 'missing'), finding('4', 'c.jpg', 'mismatch')];
    expect(sortFindings(input).map((f) => f.assetId)).toEqual(['4', '2', '3', '1']);
    expect(input.map((f) => f.assetId)).toEqual(['1', '2', '3', '4']);
  });
});
