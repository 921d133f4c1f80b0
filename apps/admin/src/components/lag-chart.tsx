"use client";

import { useI18n } from "../lib/i18n";

interface Point {
  atMs: number;
  lag: number;
}

const WIDTH = 640;
const HEIGHT = 160;

/** Lag over time as an SVG line; the text beside it gives the same figures to screen readers. */
export function LagChart({ points }: { points: Point[] }) {
  const { t } = useI18n();
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined) return <p>{t("group.historyEmpty")}</p>;
  const span = Math.max(1, last.atMs - first.atMs);
  const max = Math.max(1, ...points.map((point) => point.lag));
  const path = points
    .map((point, i) => {
      const x = ((point.atMs - first.atMs) / span) * WIDTH;
      const y = HEIGHT - (point.lag / max) * (HEIGHT - 10) - 5;
      return `${i === 0 ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
  const label = t("group.chartLabel", { minutes: Math.max(1, Math.round(span / 60_000)) });
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} preserveAspectRatio="none">
        <line x1="0" y1={HEIGHT - 5} x2={WIDTH} y2={HEIGHT - 5} className="axis" />
        <path d={path} className="line" />
      </svg>
      <figcaption>
        {label}: max {max}, now {last.lag}
      </figcaption>
    </figure>
  );
}
