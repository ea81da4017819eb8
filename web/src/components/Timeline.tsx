/**
 * The virtual photo grid used by every page that lists assets: months under headers, days
 * as justified rows, only what is near the viewport in the DOM, months fetched as they come
 * near, a scrubber, multi-select with actions, and the full-screen viewer.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { dayTitle, monthTitle, visibleBoxes, type TimelineAsset } from '../lib/timeline';
import { TimelineStore, type AssetSource } from '../lib/timelineStore';
import { emptySelection, isGroupSelected, selectRange, toggle, toggleGroup, without, type Selection } from '../lib/selection';
import { runAction, type Action } from '../lib/actions';
import { useLiveEvent } from '../state/live';
import { Tile } from './Tile';
import { Scrubber } from './Scrubber';
import { SelectionBar } from './SelectionBar';
import { Viewer } from './Viewer';
import { errorMessage } from '../lib/format';

interface TimelineProps {
  source: AssetSource;
  /** Actions offered for a selection on this page. */
  actions: Action[];
  albumId?: string;
  /** The tag whose photos these are: "Remove tag" takes it off. */
  tagId?: string;
  /** Assets that no longer belong on this page after an action (e.g. archived on Photos). */
  leaves?: (action: Action) => boolean;
  /** Reload on live events (pages backed by the server's timeline). */
  live?: boolean;
  empty?: ReactNode;
  header?: ReactNode;
  /** One grid in the source's order, without month and day headers (search results). */
  flat?: boolean;
}

/** How far beyond the viewport tiles are rendered and months fetched, in viewports. */
const RENDER_AHEAD = 1;
const FETCH_AHEAD = 2;

export function Timeline({ source, actions, albumId, tagId, leaves, live = false, empty, header, flat = false }: TimelineProps) {
  const store = useMemo(() => new TimelineStore(source, 1000, flat), [source, flat]);
  const scroller = useRef<HTMLDivElement>(null);
  const [, setTick] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(800);
  const [selection, setSelection] = useState<Selection>(emptySelection);
  const [viewing, setViewing] = useState<string | null>(null);
  const [versions, setVersions] = useState<Map<string, number>>(new Map());
  const [message, setMessage] = useState<string | null>(null);
  const frame = useRef(0);

  // Store changes re-render; a month growing above the viewport scrolls by the same amount.
  useEffect(
    () =>
      store.subscribe(({ scrollAdjust }) => {
        if (scrollAdjust && scroller.current) scroller.current.scrollTop += scrollAdjust;
        setTick((t) => t + 1);
      }),
    [store],
  );

  useLayoutEffect(() => {
    const element = scroller.current!;
    const measure = () => {
      const style = getComputedStyle(element);
      const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
      store.setWidth(element.clientWidth - padding);
      setViewport(element.clientHeight);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    void store.init().then(() => store.ensureLoaded(0, element.clientHeight * (1 + FETCH_AHEAD), 0));
    return () => observer.disconnect();
  }, [store]);

  const onScroll = useCallback(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      const element = scroller.current;
      if (!element) return;
      const top = element.scrollTop;
      setScrollTop(top);
      const height = element.clientHeight;
      void store.ensureLoaded(top - height * FETCH_AHEAD, top + height * (1 + FETCH_AHEAD), top);
    });
  }, [store]);

  // New uploads appear; thumbnails that were not ready yet are fetched again.
  const pendingReady = useRef(new Set<string>());
  const liveTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useLiveEvent((event) => {
    if (!live || event.assetIds.length === 0) return;
    for (const id of event.assetIds) pendingReady.current.add(id);
    clearTimeout(liveTimer.current);
    liveTimer.current = setTimeout(() => {
      const ids = [...pendingReady.current];
      pendingReady.current.clear();
      const top = scroller.current?.scrollTop ?? 0;
      void store.refresh(top).then(() => store.reloadContaining(ids, top));
      setVersions((old) => {
        const next = new Map(old);
        for (const id of ids) next.set(id, (next.get(id) ?? 0) + 1);
        return next;
      });
    }, 400);
  });

  const order = store.order();
  const viewingIndex = viewing ? order.findIndex((a) => a.id === viewing) : -1;
  const viewerOpen = viewingIndex >= 0;
  // Callbacks read the latest order through a ref, so they stay stable and tiles stay memoized.
  const orderIds = useRef<string[]>([]);
  orderIds.current = useMemo(() => order.map((a) => a.id), [order]);
  const selecting = selection.ids.size > 0;
  const selectingRef = useRef(selecting);
  selectingRef.current = selecting;

  const onTileSelect = useCallback((asset: TimelineAsset, event: React.MouseEvent) => {
    event.stopPropagation();
    setSelection((s) => (event.shiftKey ? selectRange(s, orderIds.current, asset.id) : toggle(s, asset.id)));
  }, []);
  const onTileClick = useCallback(
    (asset: TimelineAsset, event: React.MouseEvent) => {
      if (selectingRef.current) onTileSelect(asset, event);
      else setViewing(asset.id);
    },
    [onTileSelect],
  );

  const applied = useCallback(
    (action: Action, ids: string[]) => {
      if (leaves?.(action) || action === 'trash' || action === 'deleteForever') {
        store.remove(ids);
        setSelection((s) => without(s, ids));
      } else if (action === 'favorite' || action === 'unfavorite') {
        store.patch(ids, { isFavorite: action === 'favorite' });
      } else if (action === 'stack') {
        // The stack's other shots leave the grid and its lead gains a badge.
        const top = scroller.current?.scrollTop ?? 0;
        void store.refresh(top).then(() => store.reloadContaining(ids, top));
      }
    },
    [store, leaves],
  );

  const act = useCallback(
    async (action: Action, target?: string) => {
      const ids = [...selection.ids];
      try {
        await runAction(action, ids, target ?? (action === 'untag' ? tagId : albumId));
        applied(action, ids);
        if (action !== 'download') setSelection(emptySelection);
        setMessage(null);
      } catch (err) {
        setMessage(errorMessage(err));
      }
    },
    [selection, albumId, tagId, applied],
  );

  // The viewer can step past what scrolling loaded: fetch the months around the open asset.
  useEffect(() => {
    if (viewing) void store.loadAround(viewing, scroller.current?.scrollTop ?? 0);
  }, [store, viewing]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !viewerOpen && selection.ids.size > 0) setSelection(emptySelection);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [viewerOpen, selection.ids.size]);

  const from = scrollTop - viewport * RENDER_AHEAD;
  const to = scrollTop + viewport * (1 + RENDER_AHEAD);
  const { metrics } = store;

  const content: ReactNode[] = [];
  for (const month of store.monthsIn(from, to)) {
    if (!flat) content.push(
      <h2 key={`m${month.key}`} className="month-header" style={{ top: month.top, height: metrics.monthHeader }}>
        {monthTitle(month.key)}
      </h2>,
    );
    if (!month.days) {
      content.push(
        <div
          key={`s${month.key}`}
          className="month-skeleton"
          style={{ top: month.top + metrics.monthHeader, height: month.height - metrics.monthHeader - metrics.monthGap }}
        />,
      );
      continue;
    }
    for (const day of month.days) {
      const dayTop = month.top + day.top;
      if (dayTop + day.height < from || dayTop > to) continue;
      const ids = day.assets.map((a) => a.id);
      const daySelected = isGroupSelected(selection, ids);
      if (!flat) content.push(
        <div key={`d${month.key}${day.day}`} className="day-header" style={{ top: dayTop, height: metrics.dayHeader }}>
          <button
            type="button"
            className={`day-check${daySelected ? ' on' : ''}`}
            aria-label={`Select ${dayTitle(day.day)}`}
            aria-pressed={daySelected}
            onClick={() => setSelection((s) => toggleGroup(s, ids))}
          />
          <span>{dayTitle(day.day)}</span>
        </div>,
      );
      const gridTop = dayTop + metrics.dayHeader;
      const [start, end] = visibleBoxes(day.boxes, from - gridTop, to - gridTop);
      for (let i = start; i < end; i++) {
        const asset = day.assets[i];
        content.push(
          <Tile
            key={asset.id}
            asset={asset}
            box={day.boxes[i]}
            top={gridTop + day.boxes[i].top}
            selected={selection.ids.has(asset.id)}
            selecting={selecting}
            version={versions.get(asset.id) ?? 0}
            onClick={onTileClick}
            onSelect={onTileSelect}
          />,
        );
      }
    }
  }

  return (
    <div className="timeline">
      {selecting ? (
        <SelectionBar
          count={selection.ids.size}
          actions={actions}
          allFavorite={[...selection.ids].every((id) => order.find((a) => a.id === id)?.isFavorite)}
          onAction={act}
          onClear={() => setSelection(emptySelection)}
        />
      ) : (
        header
      )}
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
      <div className="timeline-body">
        <div ref={scroller} className="timeline-scroll" onScroll={onScroll} data-testid="timeline-scroll">
          {store.ready && store.months.length === 0 && (
            <div className="empty">{store.error ? <p className="error">{store.error}</p> : empty}</div>
          )}
          <div className="timeline-content" style={{ height: store.totalHeight }} data-count={store.count}>
            {content}
          </div>
        </div>
        <Scrubber
          months={store.months}
          totalHeight={store.totalHeight}
          scrollTop={scrollTop}
          viewport={viewport}
          onScrollTo={(top) => {
            if (scroller.current) scroller.current.scrollTop = top;
          }}
        />
      </div>
      {viewingIndex >= 0 && (
        <Viewer
          assets={order}
          index={viewingIndex}
          onShow={setViewing}
          onClose={() => {
            // Bring the last viewed photo into view, as Google Photos does.
            const top = viewing ? store.positionOf(viewing) : null;
            const element = scroller.current;
            if (top != null && element && (top < element.scrollTop || top > element.scrollTop + element.clientHeight - 100)) {
              element.scrollTop = top - element.clientHeight / 3;
            }
            setViewing(null);
          }}
          onApplied={applied}
        />
      )}
    </div>
  );
}
