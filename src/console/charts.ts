/*
 * Server-rendered SVG charts for the console (the dashboard). No charting
 * library and no script: the page works under the strict CSP and offline,
 * and a chart is plain markup a test can read.
 *
 * Every piece of text that goes into the markup (titles, labels, tooltips)
 * passes through escapeXml; class names and ids must be simple tokens and are
 * checked. Colours come from the stylesheet (the classes chart-c1…), so
 * the markup has no style attributes. Each chart is an <svg role="img">
 * named by its <title> and described by its <desc>; the numbers themselves go
 * in a table next to it (the page's job), since a screen reader does not read
 * inside role="img".
 */

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Ids and class names are code, not data: refuse anything but simple tokens rather than escape them. */
function token(s: string): string {
  if (!/^[A-Za-z][\w-]*( [A-Za-z][\w-]*)*$/.test(s)) throw new Error(`not a class or id token: ${JSON.stringify(s)}`);
  return s;
}

/** A coordinate with at most one decimal, without trailing zeros (stable, short markup). */
export function num(n: number): string {
  const r = Math.round(n * 10) / 10;
  return String(Object.is(r, -0) ? 0 : r);
}

export interface Scale {
  /** The top of the axis: the first tick at or above the largest value. */
  max: number;
  step: number;
  /** 0, step, 2·step … max. */
  ticks: number[];
}

/**
 * A linear scale from 0 to a "nice" top (1, 2 or 5 times a power of ten per
 * step) that covers `max` in about `count` steps. Steps are whole numbers:
 * the charts count incidents, points and cents. An empty chart (max ≤ 0) gets
 * the axis 0–1 so it still draws.
 */
export function niceScale(max: number, count = 5): Scale {
  if (!(max > 0)) return { max: 1, step: 1, ticks: [0, 1] };
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const norm = rough / magnitude;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
  step = Math.max(1, Math.round(step));
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return { max: top, step, ticks };
}

export interface ChartSeries {
  /** Shown in the legend and the bars' tooltips. */
  name: string;
  /** Stylesheet class(es) giving the colour, e.g. "chart-c1". */
  className: string;
}

export interface BarChartInput {
  /** Unique on the page: prefixes the ids of the title and description. */
  id: string;
  title: string;
  description: string;
  /** Short labels under the axis (e.g. "4 May"). */
  categories: string[];
  /** Longer names for the tooltips (e.g. "Week of 2026-05-04"); the short labels when left out. */
  categoryNames?: string[];
  series: ChartSeries[];
  /** values[category][series]. Negative values are drawn as 0 (the table still shows them). */
  values: number[][];
  /** stacked: one bar per category, series on top of each other; grouped: series side by side. */
  mode: 'stacked' | 'grouped';
  /** Bar labels and tooltips (default: the number). */
  format?: (n: number) => string;
  /** Axis tick labels (default: `format`). */
  tickFormat?: (n: number) => string;
  /** The axis reaches at least this value, so a chart with no or tiny values still has sensible ticks (e.g. $0–$100). */
  minTop?: number;
  /** A dashed vertical line before this category, with a label (e.g. the first letter). */
  marker?: { beforeIndex: number; label: string } | null;
  width?: number;
  height?: number;
}

/** Where each bar of a bar chart is drawn; exported for tests and for the page's alt text. */
export interface BarGeometry {
  category: number;
  series: number;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BarLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; width: number; height: number };
  scale: Scale;
  bars: BarGeometry[];
  /** The value label over each category (stack totals) or bar (grouped). */
  labels: { x: number; y: number; text: string }[];
}

// Text is 11px in the stylesheet, and 20px on phones, where the chart is drawn at about half size: the
// margins for tick labels and the label column of horizontal bars leave room for the larger size.
const WIDE_CHAR = 11.5;

/** The geometry of a bar chart, without markup. */
export function layoutBars(input: BarChartInput): BarLayout {
  const width = input.width ?? 640;
  const height = input.height ?? 300;
  const format = input.format ?? String;
  const tickFormat = input.tickFormat ?? format;
  const n = input.categories.length;
  // A missing value counts as 0.
  const positive = input.categories.map((_, c) => input.series.map((_s, s) => Math.max(0, input.values[c]?.[s] ?? 0)));
  const largest = input.mode === 'stacked'
    ? Math.max(0, ...positive.map((row) => row.reduce((a, b) => a + b, 0)))
    : Math.max(0, ...positive.flat());
  const scale = niceScale(Math.max(largest, input.minTop ?? 0));
  const longestTick = Math.max(...scale.ticks.map((t) => tickFormat(t).length));
  const left = Math.ceil(longestTick * WIDE_CHAR) + 10;
  const plot = { left, top: 22, width: width - left - 8, height: height - 22 - 34 };
  const band = n > 0 ? plot.width / n : plot.width;
  const groupWidth = band * 0.72;
  const toHeight = (v: number) => (v / scale.max) * plot.height;
  const bars: BarGeometry[] = [];
  const labels: BarLayout['labels'] = [];
  const bottom = plot.top + plot.height;
  for (let c = 0; c < n; c++) {
    const groupX = plot.left + c * band + (band - groupWidth) / 2;
    if (input.mode === 'stacked') {
      let y = bottom;
      positive[c].forEach((v, s) => {
        const h = toHeight(v);
        y -= h;
        bars.push({ category: c, series: s, value: input.values[c]?.[s] ?? 0, x: groupX, y, width: groupWidth, height: h });
      });
      const total = positive[c].reduce((a, b) => a + b, 0);
      if (total > 0) labels.push({ x: groupX + groupWidth / 2, y: y - 5, text: format(total) });
    } else {
      const w = groupWidth / Math.max(1, input.series.length);
      positive[c].forEach((v, s) => {
        const h = toHeight(v);
        const x = groupX + s * w;
        bars.push({ category: c, series: s, value: input.values[c]?.[s] ?? 0, x, y: bottom - h, width: w, height: h });
        if (v > 0) labels.push({ x: x + w / 2, y: bottom - h - 4, text: format(v) });
      });
    }
  }
  return { width, height, plot, scale, bars, labels };
}

/** A vertical bar chart (stacked or grouped) as an accessible <svg>. */
export function barChart(input: BarChartInput): string {
  const id = token(input.id);
  const layout = layoutBars(input);
  const { plot, scale } = layout;
  const format = input.format ?? String;
  const tickFormat = input.tickFormat ?? format;
  const bottom = plot.top + plot.height;
  const yOf = (v: number) => bottom - (v / scale.max) * plot.height;
  const names = input.categoryNames ?? input.categories;
  const out: string[] = [svgOpen(id, layout.width, layout.height, input.title, input.description)];

  out.push('<g class="chart-grid">');
  for (const t of scale.ticks) {
    const y = num(yOf(t));
    out.push(`<line x1="${num(plot.left)}" x2="${num(plot.left + plot.width)}" y1="${y}" y2="${y}"/>`);
    out.push(`<text class="chart-tick" x="${num(plot.left - 6)}" y="${y}" dy="0.32em" text-anchor="end">${escapeXml(tickFormat(t))}</text>`);
  }
  out.push('</g>');

  const band = input.categories.length > 0 ? plot.width / input.categories.length : plot.width;
  if (input.marker && input.marker.beforeIndex >= 0 && input.marker.beforeIndex < input.categories.length) {
    const x = num(plot.left + input.marker.beforeIndex * band);
    out.push(`<g class="chart-marker"><line x1="${x}" x2="${x}" y1="${num(plot.top - 14)}" y2="${num(bottom)}"/>`
      + `<text x="${x}" y="${num(plot.top - 16)}" dx="3">${escapeXml(input.marker.label)}</text></g>`);
  }

  out.push('<g class="chart-bars">');
  for (const b of layout.bars) {
    if (b.height <= 0) continue;
    const series = input.series[b.series];
    out.push(`<rect class="chart-bar ${token(series.className)}" x="${num(b.x)}" y="${num(b.y)}" width="${num(b.width)}" height="${num(b.height)}">`
      + `<title>${escapeXml(`${names[b.category]} — ${series.name}: ${format(b.value)}`)}</title></rect>`);
  }
  out.push('</g>');

  out.push('<g class="chart-values">');
  for (const l of layout.labels) out.push(`<text class="chart-value" x="${num(l.x)}" y="${num(l.y)}" text-anchor="middle">${escapeXml(l.text)}</text>`);
  out.push('</g>');

  out.push(`<g class="chart-axis"><line x1="${num(plot.left)}" x2="${num(plot.left + plot.width)}" y1="${num(bottom)}" y2="${num(bottom)}"/>`);
  input.categories.forEach((label, c) => {
    // Every other label, counting back from the last (the current week or month), is minor: phones hide those so the rest stay readable.
    const minor = (input.categories.length - 1 - c) % 2 === 1 ? ' chart-minor' : '';
    out.push(`<text class="chart-category${minor}" x="${num(plot.left + c * band + band / 2)}" y="${num(bottom + 18)}" text-anchor="middle">${escapeXml(label)}</text>`);
  });
  out.push('</g></svg>');
  return out.join('');
}

export interface HorizontalBarRow {
  label: string;
  value: number;
  className: string;
  /** The text after the bar (default: `format(value)`). */
  text?: string;
}

export interface HorizontalBarChartInput {
  id: string;
  title: string;
  description: string;
  rows: HorizontalBarRow[];
  format?: (n: number) => string;
  width?: number;
}

/**
 * Horizontal bars, one per row, the largest value spanning the plot (a
 * funnel: legacy → notified → enrolled). The label sits left of its bar and
 * the number right of it.
 */
export function horizontalBarChart(input: HorizontalBarChartInput): string {
  const id = token(input.id);
  const width = input.width ?? 640;
  const rowHeight = 40;
  const barHeight = 24;
  const format = input.format ?? String;
  const texts = input.rows.map((r) => r.text ?? format(r.value));
  const labelWidth = Math.ceil(Math.max(0, ...input.rows.map((r) => r.label.length)) * WIDE_CHAR) + 12;
  const valueWidth = Math.ceil(Math.max(0, ...texts.map((t) => t.length)) * WIDE_CHAR) + 12;
  const plotWidth = Math.max(40, width - labelWidth - valueWidth);
  const max = Math.max(0, ...input.rows.map((r) => r.value));
  const height = Math.max(rowHeight, input.rows.length * rowHeight) + 8;
  const out: string[] = [svgOpen(id, width, height, input.title, input.description), '<g class="chart-bars">'];
  input.rows.forEach((r, i) => {
    const top = 4 + i * rowHeight + (rowHeight - barHeight) / 2;
    const mid = top + barHeight / 2;
    const w = max > 0 ? (Math.max(0, r.value) / max) * plotWidth : 0;
    out.push(`<text class="chart-category" x="${num(labelWidth - 8)}" y="${num(mid)}" dy="0.32em" text-anchor="end">${escapeXml(r.label)}</text>`);
    out.push(`<rect class="chart-bar ${token(r.className)}" x="${num(labelWidth)}" y="${num(top)}" width="${num(w)}" height="${barHeight}">`
      + `<title>${escapeXml(`${r.label}: ${texts[i]}`)}</title></rect>`);
    out.push(`<text class="chart-value" x="${num(labelWidth + w + 6)}" y="${num(mid)}" dy="0.32em">${escapeXml(texts[i])}</text>`);
  });
  out.push('</g></svg>');
  return out.join('');
}

function svgOpen(id: string, width: number, height: number, title: string, description: string): string {
  // width="100%" with a viewBox: the chart scales to its column at any screen width (no sideways scrolling).
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMidYMid meet" `
    + `role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc" focusable="false">`
    + `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(description)}</desc>`;
}
