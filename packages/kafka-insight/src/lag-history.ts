export interface LagPoint {
  atMs: number;
  /** Records behind, summed over partitions with a commit. */
  lag: number;
  /** The largest lag in seconds among its partitions; null while none has a commit. */
  lagSeconds: number | null;
}

/** A time series per key (a group, or group/topic/partition), trimmed to a retention period. */
export class LagHistory {
  private readonly series = new Map<string, LagPoint[]>();
  readonly retentionMs: number;

  constructor(retentionMs: number) {
    this.retentionMs = retentionMs;
  }

  add(key: string, point: LagPoint): void {
    let points = this.series.get(key);
    if (points === undefined) {
      points = [];
      this.series.set(key, points);
    }
    points.push(point);
    const cutoff = point.atMs - this.retentionMs;
    let expired = 0;
    while (expired < points.length && (points[expired] as LagPoint).atMs < cutoff) expired++;
    if (expired > 0) points.splice(0, expired);
  }

  /** Oldest first, optionally only since a time. */
  get(key: string, sinceMs = -Infinity): LagPoint[] {
    return (this.series.get(key) ?? []).filter((point) => point.atMs >= sinceMs);
  }

  /** Forgets keys no longer seen (a deleted group). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.series.keys()) if (!keys.has(key)) this.series.delete(key);
  }
}
