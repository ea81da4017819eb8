/** Forms that change something through the API, then reload what they show. */
import { useCallback, useState } from 'react';
import { errorMessage } from '../lib/format';

/** `run(change)` makes the change and calls `reload`; a failure of either becomes `error`.
 *  `refresh()` only reloads (the first load), with errors shown the same way. */
export function useChange(reload: () => Promise<unknown>) {
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (change: () => Promise<unknown>) => {
      setError(null);
      try {
        await change();
        await reload();
      } catch (err) {
        setError(errorMessage(err));
      }
    },
    [reload],
  );
  const refresh = useCallback(() => run(async () => {}), [run]);
  return { error, setError, run, refresh };
}
