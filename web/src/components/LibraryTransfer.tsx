/**
 * The Settings page's "Your library": export the whole library as a zip (folders by date or by
 * album, with XMP and Takeout-shaped sidecars), and import a Google Takeout zip, each with its
 * runs' progress and outcomes. Shoebox-own endpoints: `/api/exports` and `/api/imports/takeout`;
 * the worker does the work, this page polls every two seconds while a run is queued or running.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorFrom, isMissing } from '../api/client';
import type { ExportGroupBy, ExportRun, ImportRun, TransferRun } from '../api/types';
import { errorMessage } from '../lib/format';
import {
  anyActive,
  exportDownloadUrl,
  exportResultLine,
  groupByLabel,
  groupByLabels,
  importCounts,
  importDetails,
  importSummary,
  isActive,
  progressFraction,
  runStatusText,
  takeoutFileProblem,
  uploadLine,
} from '../lib/transfers';

const POLL_MS = 2000;

function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A list of the caller's runs at `path`, reloaded on demand; `missing` when the server lacks it. */
function useRuns<R extends TransferRun<unknown, unknown>>(path: string) {
  const [runs, setRuns] = useState<R[] | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    () =>
      api.get<R[]>(path).then(
        (value) => {
          setRuns(value);
          setError(null);
        },
        (err: unknown) => {
          if (isMissing(err)) setMissing(true);
          else setError(errorMessage(err));
        },
      ),
    [path],
  );
  useEffect(() => void load(), [load]);
  return { runs, missing, error, setError, load };
}

/** Polls `load` every two seconds while `active`. */
function usePolling(active: boolean, load: () => unknown) {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [active, load]);
}

function RunProgress({ run, label }: { run: TransferRun<unknown, unknown>; label: string }) {
  if (!isActive(run)) return null;
  const fraction = progressFraction(run);
  return <progress aria-label={label} max={1} value={fraction ?? undefined} />;
}

function ExportItem({ run }: { run: ExportRun }) {
  const status = runStatusText(run, 'Exporting', exportResultLine);
  return (
    <li className="transfer" data-status={run.status}>
      <div className="transfer-head">
        <span>
          {formatDate(run.requestedAt)} <small>{groupByLabel(run.params?.groupBy)}</small>
        </span>
        {run.status === 'completed' && (
          <a className="button" href={exportDownloadUrl(run.id)} download>
            Download
          </a>
        )}
      </div>
      <RunProgress run={run} label="Export progress" />
      <p className={run.status === 'failed' ? 'error' : 'note'} role={isActive(run) ? 'status' : undefined}>
        {status}
      </p>
      {run.status === 'completed' && run.result && run.result.missing.length > 0 && (
        <details>
          <summary>Could not be read ({run.result.missing.length})</summary>
          <ul>
            {run.result.missing.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}

function ExportBlock() {
  const { runs, missing, error, setError, load } = useRuns<ExportRun>('/exports');
  const [groupBy, setGroupBy] = useState<ExportGroupBy>('date');
  const [starting, setStarting] = useState(false);
  usePolling(anyActive(runs ?? []), load);

  const start = async () => {
    setStarting(true);
    try {
      await api.post<ExportRun>('/exports', { groupBy });
      setError(null);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStarting(false);
    }
  };
  if (missing) return <p className="note">This server does not offer exports.</p>;
  return (
    <section className="transfer-block" aria-label="Export my library">
      <h3>Export my library</h3>
      <p className="note">
        Every photo and video you own (outside the trash and the locked folder) in one zip, each beside a sidecar with its date,
        place, caption, people and tags.
      </p>
      <fieldset className="choices">
        <legend>Layout</legend>
        {(Object.keys(groupByLabels) as ExportGroupBy[]).map((value) => (
          <label key={value} className="inline choice">
            <input type="radio" name="export-group-by" value={value} checked={groupBy === value} onChange={() => setGroupBy(value)} />
            {groupByLabels[value]}
          </label>
        ))}
      </fieldset>
      <div className="row wrap">
        <button type="button" className="primary" disabled={starting} onClick={() => void start()}>
          Export my library
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {runs && runs.length > 0 && (
        <ul className="plain-list transfers" aria-label="Exports">
          {runs.map((run) => (
            <ExportItem key={run.id} run={run} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ImportItem({ run }: { run: ImportRun }) {
  const result = run.status === 'completed' ? run.result : null;
  const details = result ? importDetails(result) : [];
  return (
    <li className="transfer" data-status={run.status}>
      <div className="transfer-head">
        <span>
          {run.params?.fileName ?? 'takeout.zip'} <small>{formatDate(run.requestedAt)}</small>
        </span>
      </div>
      <RunProgress run={run} label="Import progress" />
      {result ? (
        <>
          <p className="import-summary">{importSummary(result)}</p>
          <p className="note">{importCounts(result)}</p>
          {details.length > 0 && (
            <details>
              <summary>Details</summary>
              {details.map((list) => (
                <div key={list.title} className="transfer-detail">
                  <h4>{list.title}</h4>
                  <ul>
                    {list.items.map((item, i) => (
                      <li key={i}>{item}</li>
                    ))}
                  </ul>
                </div>
              ))}
            </details>
          )}
        </>
      ) : (
        <p className={run.status === 'failed' ? 'error' : 'note'} role={isActive(run) ? 'status' : undefined}>
          {runStatusText(run, 'Importing', () => 'Completed')}
        </p>
      )}
    </li>
  );
}

/** POSTs the Takeout zip as multipart `file`, reporting bytes sent; resolves with the queued run. */
function uploadTakeout(file: File, onProgress: (loaded: number, total: number | null) => void): Promise<ImportRun> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/imports/takeout');
    xhr.withCredentials = true;
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : null);
    xhr.onerror = () => reject(new Error('Network error: the upload did not finish'));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as ImportRun);
        } catch {
          reject(new Error('The server answered the upload with something unexpected'));
        }
        return;
      }
      // Reuses the client's reading of `{message}` bodies.
      const response = new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText });
      void errorFrom(response).then(reject, reject);
    };
    xhr.send(form);
  });
}

function ImportBlock() {
  const { runs, missing, error, setError, load } = useRuns<ImportRun>('/imports/takeout');
  const [file, setFile] = useState<File | null>(null);
  const [upload, setUpload] = useState<{ loaded: number; total: number | null } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  usePolling(anyActive(runs ?? []), load);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const problem = takeoutFileProblem(file);
    if (problem || !file) {
      setError(problem);
      return;
    }
    setError(null);
    setUpload({ loaded: 0, total: file.size });
    try {
      await uploadTakeout(file, (loaded, total) => setUpload({ loaded, total: total ?? file.size }));
      setFile(null);
      if (input.current) input.current.value = '';
      await load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setUpload(null);
    }
  };

  if (missing) return <p className="note">This server does not offer Takeout imports.</p>;
  return (
    <section className="transfer-block" aria-label="Import from Google Takeout">
      <h3>Import from Google Takeout</h3>
      <p className="note">
        Download your Google Photos from takeout.google.com as .zip files and import them one by one: dates, places, captions,
        albums and favorites come along; photos already in your library are not added twice.
      </p>
      <form className="row wrap" onSubmit={submit}>
        <label>
          Takeout .zip file
          <input
            ref={input}
            type="file"
            accept=".zip,application/zip"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setError(null);
            }}
          />
        </label>
        <button type="submit" disabled={!file || upload !== null}>
          Import
        </button>
      </form>
      {upload && (
        <div className="run-status">
          <progress aria-label="Upload progress" max={1} value={upload.total ? upload.loaded / upload.total : undefined} />
          <p className="note" role="status">
            {uploadLine(upload.loaded, upload.total)}
          </p>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {runs && runs.length > 0 && (
        <ul className="plain-list transfers" aria-label="Imports">
          {runs.map((run) => (
            <ImportItem key={run.id} run={run} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function LibraryTransfer() {
  return (
    <section className="card library-transfer" aria-label="Your library">
      <h2>Your library</h2>
      <ExportBlock />
      <ImportBlock />
    </section>
  );
}
