/**
 * The admin page's Backups section: settings, "Back up now" with live progress, the backups kept, and the
 * scrub (reading originals back to check their checksums) with its findings and per-asset restore.
 * Shoebox-own endpoints: `/api/admin/backups` and `/api/admin/scrub`.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, isMissing } from '../api/client';
import type { AdminRun, BackupResult, BackupsResponse, ScrubFinding, ScrubResponse, ScrubResult } from '../api/types';
import {
  backupResultLine,
  coverageLine,
  isActive,
  problemLabel,
  progressFraction,
  runOutcome,
  scrubResultLine,
  settingsSummary,
  sortFindings,
} from '../lib/backups';
import { errorMessage, formatBytes, formatCount } from '../lib/format';

const POLL_MS = 2000;

function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A run in progress (progress bar and line) or the last run's outcome. */
function RunStatus<R>({ run, label, describe }: { run: AdminRun<R>; label: string; describe: (result: R) => string }) {
  const outcome = runOutcome(run, describe);
  if (outcome.kind === 'active') {
    const fraction = progressFraction(run);
    return (
      <div className="run-status">
        <progress aria-label={`${label} progress`} max={1} value={fraction ?? undefined} />
        <p className="note" role="status">
          {outcome.text}
        </p>
      </div>
    );
  }
  const when = formatDate(run.finishedAt ?? run.startedAt ?? run.requestedAt);
  if (outcome.kind === 'failed') {
    return (
      <p className="error" role="alert">
        {label} failed{when && ` (${when})`}: {outcome.text}
      </p>
    );
  }
  return (
    <p className="note">
      {label} completed{run.scheduled ? ' (scheduled)' : ''}
      {when && ` ${when}`}: {outcome.text}
    </p>
  );
}

function useAdminResource<T>(path: string) {
  const [data, setData] = useState<T | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    () =>
      api.get<T>(path).then(
        (value) => {
          setData(value);
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
  return { data, missing, error, setError, load };
}

/** Polls `load` every two seconds while `active`. */
function usePolling(active: boolean, load: () => unknown) {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [active, load]);
}

function Backups() {
  const { data, missing, error, setError, load } = useAdminResource<BackupsResponse>('/admin/backups');
  const [starting, setStarting] = useState(false);
  const running = data?.running ?? null;
  const active = isActive(running);
  usePolling(active, load);

  const start = async () => {
    setStarting(true);
    try {
      await api.post<AdminRun<BackupResult>>('/admin/backups');
      setError(null);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStarting(false);
    }
  };

  if (missing) return <p className="note">This server does not offer backups.</p>;
  return (
    <div className="backups">
      {data && (
        <dl className="settings-summary" aria-label="Backup settings">
          {settingsSummary(data.settings).map((item) => (
            <div key={item.label}>
              <dt>{item.label}</dt>
              <dd>{item.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {data?.error && (
        <p className="error" role="alert">
          {data.error}
        </p>
      )}
      <div className="row wrap">
        <button type="button" className="primary" disabled={!data || active || starting} onClick={() => void start()}>
          Back up now
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {running && <RunStatus run={running} label="Backup" describe={backupResultLine} />}
      {data?.last && data.last.id !== running?.id && <RunStatus run={data.last} label="Last backup" describe={backupResultLine} />}
      {data && (
        <>
          <h3>Backups kept</h3>
          {data.backups.length === 0 ? (
            <p className="note">No backups yet.</p>
          ) : (
            <table className="admin-table" aria-label="Backups">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Originals</th>
                  <th scope="col">Size</th>
                  <th scope="col">Database</th>
                  <th scope="col">Problems</th>
                </tr>
              </thead>
              <tbody>
                {data.backups.map((backup) => (
                  <tr key={backup.id}>
                    <td>
                      <time dateTime={backup.createdAt}>{formatDate(backup.createdAt)}</time>
                    </td>
                    <td>{formatCount(backup.originals)}</td>
                    <td>{formatBytes(backup.bytes)}</td>
                    <td>{formatBytes(backup.databaseBytes)}</td>
                    <td className={backup.problems > 0 ? 'danger' : undefined}>{formatCount(backup.problems)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

function FindingRow({ finding, onRestored }: { finding: ScrubFinding; onRestored: (assetId: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const restore = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/admin/scrub/${encodeURIComponent(finding.assetId)}/repair`);
      onRestored(finding.assetId);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <tr>
      <td title={finding.originalPath}>{finding.originalFileName}</td>
      <td className="danger">{problemLabel(finding.problem)}</td>
      <td>
        <time dateTime={finding.checkedAt}>{formatDate(finding.checkedAt)}</time>
      </td>
      <td>
        {finding.restorable ? (
          <button type="button" disabled={busy} onClick={() => void restore()}>
            Restore from backup
          </button>
        ) : (
          <span className="note">No good copy in a backup</span>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}

function Scrub() {
  const { data, missing, error, setError, load } = useAdminResource<ScrubResponse>('/admin/scrub');
  const [starting, setStarting] = useState(false);
  const [restored, setRestored] = useState<Set<string>>(new Set());
  const running = data?.running ?? null;
  const active = isActive(running);
  usePolling(active, load);

  const start = async () => {
    setStarting(true);
    try {
      await api.post<AdminRun<ScrubResult>>('/admin/scrub', { all: true });
      setError(null);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStarting(false);
    }
  };
  const onRestored = (assetId: string) => {
    setRestored((s) => new Set(s).add(assetId));
    void load();
  };

  if (missing) return null;
  const findings = data ? sortFindings(data.findings.filter((f) => !restored.has(f.assetId))) : [];
  return (
    <section className="scrub" aria-label="Scrub">
      <h3>Scrub</h3>
      <p className="note">Reads originals back and compares them with their checksums.</p>
      {data && <p>{coverageLine(data.everRead, data.originals)}</p>}
      <div className="row wrap">
        <button type="button" disabled={!data || active || starting} onClick={() => void start()}>
          Check all originals now
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {running && <RunStatus run={running} label="Scrub" describe={scrubResultLine} />}
      {data?.last && data.last.id !== running?.id && <RunStatus run={data.last} label="Last scrub" describe={scrubResultLine} />}
      {data &&
        (findings.length === 0 ? (
          <p className="note">No damaged or missing originals found.</p>
        ) : (
          <table className="admin-table" aria-label="Scrub findings">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Problem</th>
                <th scope="col">Checked</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {findings.map((finding) => (
                <FindingRow key={finding.assetId} finding={finding} onRestored={onRestored} />
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

export default function BackupsPanel() {
  return (
    <section aria-label="Backups">
      <h2>Backups</h2>
      <Backups />
      <Scrub />
    </section>
  );
}
