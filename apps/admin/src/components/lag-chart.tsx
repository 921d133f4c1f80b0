"use client";

import { useI18n } from "../lib/i18n";

interface Point {
  atMs: number;
  value: number;
}

const WIDTH = 640;
const HEIGHT = 160;

/**
 * A series over time as an SVG line; the caption gives the same figures to screen readers. `label` is
 * told how many minutes the series spans.
 */
export function LineChart({
  points,
  label,
  empty,
}: {
  points: Point[];
  label: (minutes: number) => string;
  empty: string;
}) {
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined) return <p>{empty}</p>;
  const span = Math.max(1, last.atMs - first.atMs);
  const max = Math.max(1, ...points.map((point) => point.value));
  const path = points
    .map((point, i) => {
      const x = ((point.atMs - first.atMs) / span) * WIDTH;
      const y = HEIGHT - (point.value / max) * (HEIGHT - 10) - 5;
      return `${i === 0 ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
  const text = label(Math.max(1, Math.round(span / 60_000)));
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={text} preserveAspectRatio="none">
        <line x1="0" y1={HEIGHT - 5} x2={WIDTH} y2={HEIGHT - 5} className="axis" />
        <path d={path} className="line" />
      </svg>
      <figcaption>
        {text}: max {max}, now {last.value}
      </figcaption>
    </figure>
  );
}

/** A partition's or group's lag over time. */
export function LagChart({ points }: { points: { atMs: number; lag: number }[] }) {
  const { t } = useI18n();
  return (
    <LineChart
      points={points.map((point) => ({ atMs: point.atMs, value: point.lag }))}
      label={(minutes) => t("group.chartLabel", { minutes })}
      empty={t("group.historyEmpty")}
    />
  );
}
