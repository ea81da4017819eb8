/**
 * The lines of text read in a photo, drawn over it as boxes whose words can be selected and
 * copied. Sits over the viewer's stage and follows the photo's letterboxing and zoom.
 */
import { useEffect, useState } from 'react';
import type { OcrLine } from '../api/types';
import { containRect, placeLines } from '../lib/ocr';

interface TextOverlayProps {
  lines: OcrLine[];
  image: HTMLImageElement | null;
  /** The photo's pan and zoom, applied to the boxes too. */
  transform: string;
}

export function TextOverlay({ lines, image, transform }: TextOverlayProps) {
  const [size, setSize] = useState<{ natural: { width: number; height: number }; box: { width: number; height: number } } | null>(
    null,
  );

  useEffect(() => {
    if (!image) return;
    const measure = () =>
      setSize({
        natural: { width: image.naturalWidth, height: image.naturalHeight },
        box: { width: image.clientWidth, height: image.clientHeight },
      });
    measure();
    image.addEventListener('load', measure);
    const observer = new ResizeObserver(measure);
    observer.observe(image);
    return () => {
      image.removeEventListener('load', measure);
      observer.disconnect();
    };
  }, [image]);

  if (!size || size.natural.width === 0) return null;
  const placed = placeLines(lines, containRect(size.natural, size.box));
  return (
    <div className="text-overlay" style={{ transform }} aria-label="Text in photo">
      {placed.map((line) => (
        <span
          key={line.id}
          className="text-box"
          data-text={line.text}
          title={line.text}
          style={{
            left: line.left,
            top: line.top,
            width: line.width,
            height: line.height,
            fontSize: Math.max(8, line.height * 0.8),
            transform: `rotate(${line.angle}deg)`,
          }}
        >
          {line.text}
        </span>
      ))}
    </div>
  );
}
