/** The month scrubber on the right: drag or click to jump anywhere in years of photos. */
import { useRef, useState } from 'react';
import { monthTitle } from '../lib/timeline';
import type { MonthState } from '../lib/timelineStore';

interface ScrubberProps {
  months: MonthState[];
  totalHeight: number;
  scrollTop: number;
  viewport: number;
  onScrollTo(top: number): void;
}

export function Scrubber({ months, totalHeight, scrollTop, viewport, onScrollTo }: ScrubberProps) {
  const bar = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ y: number; label: string } | null>(null);
  const dragging = useRef(false);
  if (totalHeight <= viewport || months.length === 0) return null;

  const fractionAt = (clientY: number) => {
    const rect = bar.current!.getBoundingClientRect();
    return Math.min(1, Math.max(0, (clientY - rect.top) / rect.height));
  };
  const monthAt = (fraction: number) => {
    const y = fraction * totalHeight;
    return months.find((m) => m.top + m.height > y) ?? months[months.length - 1];
  };
  const jump = (clientY: number) => {
    const fraction = fractionAt(clientY);
    const month = monthAt(fraction);
    const y = fraction * totalHeight;
    // Snap to the month's header when close to it, so a jump lands on a title.
    onScrollTo(y - month.top < 80 ? month.top : Math.min(y, totalHeight - viewport));
  };
  const move = (clientY: number) => {
    const fraction = fractionAt(clientY);
    setHover({ y: fraction * bar.current!.clientHeight, label: monthTitle(monthAt(fraction).key) });
  };

  const years: { year: string; top: number }[] = [];
  for (const month of months) {
    const year = month.key.slice(0, 4);
    if (years[years.length - 1]?.year !== year) years.push({ year, top: month.top / totalHeight });
  }
  const current = Math.min(1, scrollTop / Math.max(1, totalHeight - viewport));
  const currentMonth = monthAt(scrollTop / totalHeight);

  return (
    <div
      ref={bar}
      className="scrubber"
      role="slider"
      aria-label="Timeline scrubber"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(current * 100)}
      aria-valuetext={currentMonth ? monthTitle(currentMonth.key) : undefined}
      tabIndex={0}
      onPointerDown={(event) => {
        dragging.current = true;
        event.currentTarget.setPointerCapture(event.pointerId);
        jump(event.clientY);
      }}
      onPointerMove={(event) => {
        move(event.clientY);
        if (dragging.current) jump(event.clientY);
      }}
      onPointerUp={() => (dragging.current = false)}
      onPointerLeave={() => setHover(null)}
      onKeyDown={(event) => {
        if (event.key === 'Home' || event.key === 'End') {
          event.preventDefault();
          onScrollTo(event.key === 'Home' ? 0 : totalHeight);
          return;
        }
        const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
        if (!step) return;
        event.preventDefault();
        const index = Math.max(0, Math.min(months.length - 1, months.indexOf(currentMonth) + step));
        onScrollTo(months[index].top);
      }}
    >
      {years.map((y, i) =>
        // Labels closer than ~3% would overlap; keep the first.
        i > 0 && y.top - years[i - 1].top < 0.03 ? null : (
          <span key={y.year} className="scrubber-year" style={{ top: `${y.top * 100}%` }}>
            {y.year}
          </span>
        ),
      )}
      <span className="scrubber-thumb" style={{ top: `${current * 100}%` }} />
      {hover && (
        <span className="scrubber-label" style={{ top: hover.y }}>
          {hover.label}
        </span>
      )}
    </div>
  );
}
