/** A plain-text table: the first column left-aligned, the others right-aligned, as figures read best. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/** Milliseconds with precision that suits their size. */
export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return "-";
  if (value >= 10_000) return `${(value / 1000).toFixed(1)}s`;
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A duration for prose, with its unit. */
export function duration(value: number | null | undefined): string {
  if (value === null || value === undefined) return "-";
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${ms(value)} ms`;
}

export function ratio(value: number | null): string {
  return value === null || !Number.isFinite(value) ? "-" : `${value.toFixed(1)}×`;
}
