/** One sample of the Prometheus text exposition format: `name{label="value",…} 12.5`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, char: string) => (char === "n" ? "\n" : char));
}

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    if (match === null) return text.slice(LABEL.lastIndex).trim() === "" ? labels : undefined;
    labels[match[1] ?? ""] = unescape(match[2] ?? "");
  }
  return labels;
}

/**
 * The samples of a `/metrics` answer. Comments and lines that do not parse are skipped: one odd line of
 * one service must not hide the rest of its figures.
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = LINE.exec(line);
    if (match === null) continue;
    const labels = match[2] === undefined ? {} : parseLabels(match[2]);
    const value = Number(match[3]);
    if (labels === undefined || Number.isNaN(value)) continue;
    samples.push({ name: match[1] ?? "", labels, value });
  }
  return samples;
}

export type LabelFilter = Record<string, string>;

function matches(sample: Sample, name: string, filter: LabelFilter): boolean {
  if (sample.name !== name) return false;
  for (const [key, value] of Object.entries(filter)) if (sample.labels[key] !== value) return false;
  return true;
}

/** The sum of every series of `name` that carries the filter's labels. */
export function sumOf(samples: readonly Sample[], name: string, filter: LabelFilter = {}): number | null {
  let sum: number | null = null;
  for (const sample of samples) if (matches(sample, name, filter)) sum = (sum ?? 0) + sample.value;
  return sum;
}

/**
 * How much a counter grew between two scrapes of the same process, per series; a series that went down
 * was reset (the process restarted), so its growth is its new value, as Prometheus's `increase` has it.
 */
export function increase(
  before: readonly Sample[],
  after: readonly Sample[],
  name: string,
  filter: LabelFilter = {},
): number | null {
  const key = (sample: Sample) => JSON.stringify(Object.entries(sample.labels).sort());
  const earlier = new Map(
    before.filter((sample) => matches(sample, name, filter)).map((s) => [key(s), s.value]),
  );
  let total: number | null = null;
  for (const sample of after) {
    if (!matches(sample, name, filter)) continue;
    const previous = earlier.get(key(sample)) ?? 0;
    total = (total ?? 0) + (sample.value >= previous ? sample.value - previous : sample.value);
  }
  return total;
}

/**
 * The q-quantile of a histogram's observations between two scrapes (`<name>_bucket` series, summed over
 * every other label), interpolated inside the bucket it falls in, as `histogram_quantile` does; null when
 * nothing was observed.
 */
export function quantileBetween(
  before: readonly Sample[],
  after: readonly Sample[],
  bucketName: string,
  q: number,
): number | null {
  // Bounds as numbers, so "1", "1.0" and "+Inf" compare as the values they are.
  const buckets = (samples: readonly Sample[]) =>
    samples
      .filter((sample) => sample.name === bucketName && sample.labels.le !== undefined)
      .map((sample) => ({
        ...sample,
        labels: {
          ...sample.labels,
          le: String(sample.labels.le === "+Inf" ? Infinity : Number(sample.labels.le)),
        },
      }));
  const earlier = buckets(before);
  const later = buckets(after);
  const bounds = [...new Set(later.map((sample) => Number(sample.labels.le)))].sort((a, b) => a - b);
  const counts = bounds.map((bound) => increase(earlier, later, bucketName, { le: String(bound) }) ?? 0);
  const total = counts.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [i, bound] of bounds.entries()) {
    const count = counts[i] ?? 0;
    if (count >= rank) {
      if (bound === Infinity) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket <= 0 ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}
