import { describe, expect, it } from 'vitest';
import type { ExportResult, ImportResult, TransferRun } from '../api/types';
import {
  anyActive,
  exportDownloadUrl,
  exportResultLine,
  groupByLabel,
  importCounts,
  importDetails,
  importSummary,
  isActive,
  plural,
  progressFraction,
  progressLine,
  runStatusText,
  takeoutFileProblem,
  uploadLine,
} from './transfers';

function run<R>(status: TransferRun['status'], extra: Partial<TransferRun<unknown, R>> = {}): TransferRun<unknown, R> {
  return {
    id: '0190a3e2-0000-7000-8000-000000000001',
    status,
    requestedAt: '2024-05-01T10:00:00Z',
    startedAt: status === 'queued' ? null : '2024-05-01T10:00:01Z',
    finishedAt: null,
    done: 0,
    total: null,
    params: {},
    result: null,
    error: null,
    ...extra,
  };
}

const exportResult: ExportResult = {
  assets: 2,
  files: 6,
  bytes: 180_000,
  missing: [],
  key: 'exports/u/r.zip',
  zipBytes: 1.5 * 1024 * 1024,
};

const importResult: ImportResult = {
  mediaFiles: 24,
  matchedSidecars: 22,
  withoutSidecar: ['Takeout/Google Photos/2019/IMG_1.jpg'],
  sidecarErrors: [['Takeout/Google Photos/2019/IMG_2.jpg.json', 'expected value at line 1']],
  unmatchedSidecars: [],
  imported: 18,
  duplicates: 4,
  deletedBefore: 0,
  unsupported: [['Takeout/Google Photos/2019/clip.mkv', 'not a photo or video Shoebox reads']],
  albumsCreated: 2,
  albumAdditions: 9,
  livePhotosLinked: 0,
  trashed: 0,
  skippedEntries: 3,
};

describe('plural', () => {
  it('says one or many', () => {
    expect(plural(1, 'album')).toBe('1 album');
    expect(plural(0, 'album')).toBe('0 albums');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
    expect(plural(12345, 'file')).toBe(`${new Intl.NumberFormat().format(12345)} files`);
  });
});

describe('run state', () => {
  it('is active while queued or running', () => {
    expect(isActive(run('queued'))).toBe(true);
    expect(isActive(run('running'))).toBe(true);
    expect(isActive(run('completed'))).toBe(false);
    expect(isActive(run('failed'))).toBe(false);
    expect(isActive(null)).toBe(false);
  });

  it('polls when any run of a list is active', () => {
    expect(anyActive([])).toBe(false);
    expect(anyActive([run('completed'), run('failed')])).toBe(false);
    expect(anyActive([run('completed'), run('running')])).toBe(true);
  });

  it('gives a progress fraction only with a total', () => {
    expect(progressFraction(run('running', { done: 3 }))).toBeNull();
    expect(progressFraction(run('running', { done: 3, total: 0 }))).toBeNull();
    expect(progressFraction(run('running', { done: 3, total: 12 }))).toBe(0.25);
    expect(progressFraction(run('running', { done: 15, total: 12 }))).toBe(1);
  });

  it('words the progress with the verb', () => {
    expect(progressLine(run('queued'), 'Exporting')).toBe('Waiting to start');
    expect(progressLine(run('running', { done: 3 }), 'Importing')).toBe('Importing: 3 done');
    expect(progressLine(run('running', { done: 3, total: 40 }), 'Exporting')).toBe('Exporting: 3 of 40');
    expect(progressLine(run('completed'), 'Exporting')).toBe('Completed');
  });

  it('says what a run did, or why it failed', () => {
    expect(runStatusText(run<ExportResult>('running', { done: 1, total: 2 }), 'Exporting', exportResultLine)).toBe('Exporting: 1 of 2');
    expect(runStatusText(run<ExportResult>('failed', { error: 'disk full' }), 'Exporting', exportResultLine)).toBe('Failed: disk full');
    expect(runStatusText(run<ExportResult>('failed'), 'Exporting', exportResultLine)).toBe('Failed: the run failed');
    expect(runStatusText(run<ExportResult>('completed', { result: exportResult }), 'Exporting', exportResultLine)).toBe(
      '2 photos and videos, 6 files, 1.5 MB zip',
    );
    expect(runStatusText(run<ExportResult>('completed'), 'Exporting', exportResultLine)).toBe('Completed');
  });
});

describe('exports', () => {
  it('labels the layout', () => {
    expect(groupByLabel('album')).toBe('Folders by album');
    expect(groupByLabel('date')).toBe('Folders by date');
    expect(groupByLabel(undefined)).toBe('Folders by date');
  });

  it('describes a finished export, with the originals it could not read', () => {
    expect(exportResultLine({ ...exportResult, assets: 1, files: 1, zipBytes: 900 })).toBe('1 photo or video, 1 file, 900 B zip');
    expect(exportResultLine({ ...exportResult, missing: ['a.jpg', 'b.jpg'] })).toBe(
      '2 photos and videos, 6 files, 1.5 MB zip; 2 originals could not be read',
    );
  });

  it('downloads from the export endpoint', () => {
    expect(exportDownloadUrl('abc-1')).toBe('/api/exports/abc-1/download');
  });
});

describe('imports', () => {
  it('sums an import up in one line', () => {
    expect(importSummary(importResult)).toBe('Imported 18 photos and videos; 4 already in your library; 2 albums created; 1 not supported');
  });

  it('says when everything was already there (a re-import of an export)', () => {
    const again: ImportResult = { ...importResult, imported: 0, duplicates: 2, albumsCreated: 0, albumAdditions: 0, unsupported: [] };
    expect(importSummary(again)).toBe('Imported 0 photos and videos; 2 already in your library');
  });

  it('mentions the rarer outcomes only when they happened', () => {
    const rare: ImportResult = {
      ...importResult,
      imported: 1,
      duplicates: 0,
      deletedBefore: 3,
      albumsCreated: 0,
      albumAdditions: 1,
      livePhotosLinked: 2,
      trashed: 1,
      unsupported: [],
    };
    expect(importSummary(rare)).toBe(
      'Imported 1 photo or video; 3 deleted before, not imported again; 1 addition to existing albums; 2 live photos linked; 1 put in the trash, as in Google Photos',
    );
  });

  it('lists the non-empty details with counts', () => {
    expect(importDetails(importResult)).toEqual([
      { title: 'Without sidecar (1)', items: ['Takeout/Google Photos/2019/IMG_1.jpg'] },
      { title: 'Unreadable sidecars (1)', items: ['Takeout/Google Photos/2019/IMG_2.jpg.json: expected value at line 1'] },
      { title: 'Unsupported (1)', items: ['Takeout/Google Photos/2019/clip.mkv: not a photo or video Shoebox reads'] },
    ]);
    expect(importDetails({ ...importResult, withoutSidecar: [], sidecarErrors: [], unsupported: [], unmatchedSidecars: ['x.json'] })).toEqual([
      { title: 'Sidecars without a photo (1)', items: ['x.json'] },
    ]);
  });

  it('counts the media files and sidecars', () => {
    expect(importCounts(importResult)).toBe('24 media files, 22 with their sidecar, 3 other entries skipped');
    expect(importCounts({ ...importResult, mediaFiles: 1, matchedSidecars: 1, skippedEntries: 0 })).toBe('1 media file, 1 with their sidecar');
  });

  it('shows upload progress', () => {
    expect(uploadLine(0, 10 * 1024 * 1024)).toBe('Uploading… 0% (0 B of 10.0 MB)');
    expect(uploadLine(4 * 1024 * 1024, 10 * 1024 * 1024)).toBe('Uploading… 40% (4.0 MB of 10.0 MB)');
    expect(uploadLine(2048, null)).toBe('Uploading… 2.0 KB');
  });

  it('refuses files that cannot be a Takeout zip', () => {
    expect(takeoutFileProblem(null)).toBe('Choose the .zip file Google Takeout made');
    expect(takeoutFileProblem({ name: 'photos.tgz', size: 10 })).toBe('photos.tgz is not a .zip file: choose the .zip file Google Takeout made');
    expect(takeoutFileProblem({ name: 'takeout.zip', size: 0 })).toBe('takeout.zip is empty');
    expect(takeoutFileProblem({ name: 'takeout-20240501T1000Z-001.ZIP', size: 10 })).toBeNull();
  });
});
