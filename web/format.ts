/** Sizes and durations in words a photographer reads at a glance. */

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

export function size(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

export function timeLeft(seconds: number | undefined): string {
  if (seconds === undefined) return 'working it out';
  if (seconds < 90) return 'about a minute';
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} minutes`;
  return `about ${Math.round(seconds / 3600)} hours`;
}

/** An album's place in the library: "Travel › 2019 › Paris". */
export function albumPath(path: string[] | undefined, fallback: string): string {
  return path?.length ? path.join(' › ') : fallback;
}
