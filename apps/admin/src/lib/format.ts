/** Lag in seconds as the tables show it: tenths below ten seconds, whole seconds above, a dash for none. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return "—";
  return seconds < 10 ? seconds.toFixed(1) : String(Math.round(seconds));
}

export function formatDuration(fromMs: number | null, toMs: number | null): string {
  if (fromMs === null) return "—";
  const ms = (toMs ?? Date.now()) - fromMs;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
