/** Settings kept in the browser: theme and the map tile URL (empty: no tiles, works offline). */
import { useEffect, useState } from 'react';

export type Theme = 'light' | 'dark' | 'system';

const KEYS = { theme: 'shoebox.theme', tiles: 'shoebox.mapTiles' };

export function useStoredSetting<T extends string>(key: keyof typeof KEYS, fallback: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => (localStorage.getItem(KEYS[key]) as T | null) ?? fallback);
  useEffect(() => {
    localStorage.setItem(KEYS[key], value);
    if (key === 'theme') applyTheme(value as Theme);
  }, [key, value]);
  return [value, setValue];
}

export function applyTheme(theme: Theme) {
  const dark = theme === 'dark' || (theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function storedTheme(): Theme {
  return (localStorage.getItem(KEYS.theme) as Theme | null) ?? 'system';
}

export function tileUrl(): string {
  return localStorage.getItem(KEYS.tiles) ?? '';
}
