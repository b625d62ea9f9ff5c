/**
 * SVG path for a sparkline. Non-finite values (null, NaN, ±Infinity) break the line into separate
 * segments instead of being drawn as 0; isolated values become dots. A flat series is drawn at mid-height.
 */
export function sparklinePath(values: ReadonlyArray<number | null>, width: number, height: number, inset = 1): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return "";
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const stepX = values.length > 1 ? (width - 2 * inset) / (values.length - 1) : 0;
  const usableHeight = height - 2 * inset;
  const y = (v: number) => (max === min ? height / 2 : inset + (1 - (v - min) / (max - min)) * usableHeight);
  const round = (n: number) => Math.round(n * 100) / 100;

  const isGap = (v: number | null | undefined) => v === null || v === undefined || !Number.isFinite(v);

  let path = "";
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return;
    const point = `${round(values.length > 1 ? inset + i * stepX : width / 2)} ${round(y(v))}`;
    const startsSegment = i === 0 || isGap(values[i - 1]);
    path += startsSegment ? `M${point}` : `L${point}`;
    // A lone moveto is never stroked; a zero-length segment with round caps renders as a dot.
    if (startsSegment && isGap(values[i + 1])) path += `L${point}`;
  });
  return path;
}
