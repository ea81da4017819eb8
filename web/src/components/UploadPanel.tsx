/** Upload progress: a total bar and one row per file with its outcome (added, duplicate, error). */
import { useState } from 'react';
import { useLive, useUploads } from '../state/live';
import { totals } from '../lib/uploads';
import { formatBytes } from '../lib/format';
import { Icon } from './Icon';

const statusText = {
  waiting: 'Waiting',
  uploading: 'Uploading',
  created: 'Added',
  duplicate: 'Already in your library',
  failed: 'Failed',
};

export function UploadPanel() {
  const items = useUploads();
  const { uploads } = useLive();
  const [collapsed, setCollapsed] = useState(false);
  if (items.length === 0) return null;
  const total = totals(items);
  const busy = total.done < total.files;

  return (
    <section className="upload-panel" aria-label="Uploads">
      <header>
        <strong>
          {busy ? `Uploading ${total.done} of ${total.files}` : `Uploaded ${total.files - total.failed} of ${total.files}`}
        </strong>
        <span className="spacer" />
        <button type="button" className="icon" aria-label={collapsed ? 'Expand uploads' : 'Collapse uploads'} onClick={() => setCollapsed((c) => !c)}>
          <Icon name={collapsed ? 'next' : 'prev'} />
        </button>
        {!busy && (
          <button type="button" className="icon" aria-label="Close uploads" onClick={() => uploads.clearFinished()}>
            <Icon name="close" />
          </button>
        )}
      </header>
      <progress aria-label="Total upload progress" max={1} value={total.fraction} />
      <small>
        {formatBytes(total.loaded)} of {formatBytes(total.bytes)}
        {total.duplicates > 0 && ` · ${total.duplicates} duplicate${total.duplicates > 1 ? 's' : ''}`}
        {total.failed > 0 && ` · ${total.failed} failed`}
      </small>
      {!collapsed && (
        <ul>
          {items.map((item) => (
            <li key={item.key} className={`upload-${item.status}`} data-status={item.status}>
              <span className="upload-name" title={item.name}>
                {item.name}
              </span>
              <progress aria-label={`Progress of ${item.name}`} max={item.size || 1} value={item.status === 'waiting' ? 0 : item.status === 'uploading' ? item.loaded : item.size || 1} />
              <small>{item.status === 'failed' ? item.error : statusText[item.status]}</small>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
