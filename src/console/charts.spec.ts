import { barChart, escapeXml, horizontalBarChart, layoutBars, niceScale, num } from './charts';

const SERIES = [{ name: 'Provider', className: 'chart-c1' }, { name: 'Client', className: 'chart-c2' }];

/** The attributes of every <rect> of an SVG, as numbers where they are numbers. */
function rects(svg: string): Record<string, string>[] {
  return [...svg.matchAll(/<rect ([^>]*)>/g)].map((m) => Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}

describe('niceScale', () => {
  it('rounds the top up to a 1-2-5 step and lists the ticks from 0', () => {
    expect(niceScale(7)).toEqual({ max: 8, step: 2, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(10)).toEqual({ max: 10, step: 2, ticks: [0, 2, 4, 6, 8, 10] });
    expect(niceScale(3)).toEqual({ max: 3, step: 1, ticks: [0, 1, 2, 3] });
    expect(niceScale(37500)).toEqual({ max: 40000, step: 10000, ticks: [0, 10000, 20000, 30000, 40000] });
    expect(niceScale(123)).toEqual({ max: 150, step: 50, ticks: [0, 50, 100, 150] });
  });

  it('keeps whole steps for small counts and draws an axis for an empty chart', () => {
    expect(niceScale(1)).toEqual({ max: 1, step: 1, ticks: [0, 1] });
    expect(niceScale(0)).toEqual({ max: 1, step: 1, ticks: [0, 1] });
    expect(niceScale(-5)).toEqual({ max: 1, step: 1, ticks: [0, 1] });
    expect(niceScale(Number.NaN)).toEqual({ max: 1, step: 1, ticks: [0, 1] });
  });

  it('always covers the largest value', () => {
    for (let max = 1; max < 5000; max += 37) {
      const s = niceScale(max);
      expect(s.max).toBeGreaterThanOrEqual(max);
      expect(s.ticks[s.ticks.length - 1]).toBe(s.max);
      expect(s.ticks.length).toBeLessThanOrEqual(11);
      expect(Number.isInteger(s.step)).toBe(true);
    }
  });
});

describe('layoutBars', () => {
  const base = { id: 'c', title: 'T', description: 'D', categories: ['a', 'b', 'c'], series: SERIES, width: 640, height: 300 };

  it('stacks series on one bar per category, heights proportional to the scale', () => {
    const l = layoutBars({ ...base, mode: 'stacked', values: [[2, 3], [0, 0], [4, 6]] });
    expect(l.scale.max).toBe(10);
    // plot height = 300 - 22 (top) - 34 (bottom) = 244
    expect(l.plot.height).toBe(244);
    const heights = l.bars.map((b) => [b.category, b.series, Math.round(b.height * 10) / 10]);
    expect(heights).toEqual([[0, 0, 48.8], [0, 1, 73.2], [1, 0, 0], [1, 1, 0], [2, 0, 97.6], [2, 1, 146.4]]);
    // the second series sits on the first: same x, its bottom at the first one's top
    const [first, second] = l.bars;
    expect(second.x).toBe(first.x);
    expect(second.y + second.height).toBeCloseTo(first.y);
    expect(first.y + first.height).toBe(l.plot.top + l.plot.height);
    // one total above each non-empty stack
    expect(l.labels.map((x) => x.text)).toEqual(['5', '10']);
  });

  it('puts series side by side in grouped mode, one label per non-empty bar', () => {
    const l = layoutBars({ ...base, mode: 'grouped', values: [[2, 3], [0, 1], [4, 0]] });
    expect(l.scale.max).toBe(4);
    const [a, b] = l.bars;
    expect(b.x).toBeCloseTo(a.x + a.width);
    expect(a.width).toBeCloseTo(b.width);
    expect(a.height).toBeCloseTo(244 / 2);
    expect(b.height).toBeCloseTo((244 * 3) / 4);
    expect(l.labels.map((x) => x.text)).toEqual(['2', '3', '1', '4']);
  });

  it('draws negative values as empty bars and keeps categories inside the plot', () => {
    const l = layoutBars({ ...base, mode: 'stacked', values: [[-3, 1], [1, 1], [0, 2]] });
    expect(l.bars[0].height).toBe(0);
    expect(l.bars[0].value).toBe(-3);
    for (const bar of l.bars) {
      expect(bar.x).toBeGreaterThanOrEqual(l.plot.left);
      expect(bar.x + bar.width).toBeLessThanOrEqual(l.plot.left + l.plot.width + 1e-9);
    }
  });

  it('reaches at least minTop, for an empty or nearly empty chart', () => {
    expect(layoutBars({ ...base, mode: 'stacked', values: [[0, 0]], minTop: 10000 }).scale).toEqual({ max: 10000, step: 2000, ticks: [0, 2000, 4000, 6000, 8000, 10000] });
    expect(layoutBars({ ...base, mode: 'stacked', values: [[30000, 0]], minTop: 10000 }).scale.max).toBe(30000);
  });

  it('widens the left margin for long tick labels', () => {
    const short = layoutBars({ ...base, mode: 'stacked', values: [[1, 1]] });
    const long = layoutBars({ ...base, mode: 'stacked', values: [[1, 1]], tickFormat: (n) => `$${n},000.00` });
    expect(long.plot.left).toBeGreaterThan(short.plot.left);
    expect(long.plot.left + long.plot.width).toBe(short.plot.left + short.plot.width);
  });
});

describe('barChart', () => {
  const input = {
    id: 'incidents', title: 'Incidents per week', description: '3 weeks, 15 incidents', categories: ['4 May', '11 May', '18 May'],
    categoryNames: ['Week of 2026-05-04', 'Week of 2026-05-11', 'Week of 2026-05-18'], series: SERIES,
    values: [[2, 3], [0, 0], [4, 6]], mode: 'stacked' as const,
  };

  it('is an accessible image named by its title and described by its desc, scaling with its container', () => {
    const svg = barChart(input);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="chart" viewBox="0 0 640 300" width="100%"/);
    expect(svg).toContain('role="img" aria-labelledby="incidents-title" aria-describedby="incidents-desc"');
    expect(svg).toContain('<title id="incidents-title">Incidents per week</title><desc id="incidents-desc">3 weeks, 15 incidents</desc>');
    expect(svg).not.toContain('style=');
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  it('draws a rect per non-empty bar with its height, colour class and a tooltip', () => {
    const r = rects(barChart(input));
    expect(r.map((x) => [x.class, x.height])).toEqual([
      ['chart-bar chart-c1', '48.8'], ['chart-bar chart-c2', '73.2'], ['chart-bar chart-c1', '97.6'], ['chart-bar chart-c2', '146.4'],
    ]);
    expect(barChart(input)).toContain('<title>Week of 2026-05-18 — Client: 6</title>');
  });

  it('labels the axis ticks and categories, and totals above the stacks, with the given formats', () => {
    const svg = barChart({ ...input, format: (n) => `${n} calls`, tickFormat: (n) => `${n}c` });
    const ticks = [...svg.matchAll(/<text class="chart-tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toEqual(['0c', '2c', '4c', '6c', '8c', '10c']);
    const categories = [...svg.matchAll(/<text class="(chart-category[^"]*)"[^>]*>([^<]*)<\/text>/g)].map((m) => [m[2], m[1]]);
    // every other label from the last is minor (hidden on phones)
    expect(categories).toEqual([['4 May', 'chart-category'], ['11 May', 'chart-category chart-minor'], ['18 May', 'chart-category']]);
    const values = [...svg.matchAll(/<text class="chart-value"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(values).toEqual(['5 calls', '10 calls']);
  });

  it('puts the tick labels at their scale positions', () => {
    const svg = barChart(input);
    const ys = [...svg.matchAll(/<text class="chart-tick" x="[^"]*" y="([^"]*)"/g)].map((m) => Number(m[1]));
    // 0 at the bottom of the plot (22 + 244), 10 at its top
    expect(ys[0]).toBe(266);
    expect(ys[ys.length - 1]).toBe(22);
  });

  it('escapes every label, title and tooltip', () => {
    const svg = barChart({
      ...input, title: 'A & B <script>', description: '"quoted" \'single\'', categories: ['<b>', 'x&y', '"'],
      categoryNames: ['<img src=x onerror=alert(1)>', 'b', 'c'], series: [{ name: '</title><script>', className: 'chart-c1' }, SERIES[1]],
      format: (n) => `<${n}>`,
    });
    expect(svg).not.toMatch(/<(script|b|img)[\s>]/);
    expect(svg).toContain('<title id="incidents-title">A &amp; B &lt;script&gt;</title>');
    expect(svg).toContain('<desc id="incidents-desc">&quot;quoted&quot; &#39;single&#39;</desc>');
    expect(svg).toContain('>&lt;b&gt;</text>');
    expect(svg).toContain('>x&amp;y</text>');
    expect(svg).toContain('<title>&lt;img src=x onerror=alert(1)&gt; — &lt;/title&gt;&lt;script&gt;: &lt;2&gt;</title>');
  });

  it('refuses ids and class names that are not simple tokens (they are code, not data)', () => {
    expect(() => barChart({ ...input, id: 'a" onload="x' })).toThrow('not a class or id token');
    expect(() => barChart({ ...input, series: [{ name: 'x', className: 'c1" style="x' }, SERIES[1]] })).toThrow('not a class or id token');
  });

  it('draws a labelled marker line before a category', () => {
    const svg = barChart({ ...input, marker: { beforeIndex: 1, label: 'First letter <sent>' } });
    const l = layoutBars(input);
    const x = num(l.plot.left + l.plot.width / 3);
    expect(svg).toContain(`<g class="chart-marker"><line x1="${x}" x2="${x}"`);
    expect(svg).toContain('>First letter &lt;sent&gt;</text></g>');
    expect(barChart({ ...input, marker: { beforeIndex: 7, label: 'out of range' } })).not.toContain('chart-marker');
  });

  it('still draws the axis for no data at all', () => {
    const svg = barChart({ ...input, values: [[0, 0], [0, 0], [0, 0]] });
    expect(rects(svg)).toEqual([]);
    expect(svg).toContain('class="chart-tick"');
    expect(svg).not.toContain('class="chart-value"');
  });
});

describe('horizontalBarChart', () => {
  const input = {
    id: 'funnel', title: 'Migration', description: 'legacy 10, notified 5, enrolled 0',
    rows: [{ label: 'Legacy', value: 10, className: 'chart-c3' }, { label: 'Notified', value: 5, className: 'chart-c1' }, { label: 'Enrolled', value: 0, className: 'chart-c4' }],
  };

  it('makes the largest row span the plot and the others proportional, with the numbers after the bars', () => {
    const svg = horizontalBarChart({ ...input, format: (n) => `${n} accounts` });
    const [legacy, notified, enrolled] = rects(svg);
    expect(Number(notified.width)).toBeCloseTo(Number(legacy.width) / 2, 0);
    expect(enrolled.width).toBe('0');
    expect(legacy.x).toBe(notified.x);
    expect(Number(legacy.x) + Number(legacy.width)).toBeLessThanOrEqual(640);
    const values = [...svg.matchAll(/<text class="chart-value"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(values).toEqual(['10 accounts', '5 accounts', '0 accounts']);
    expect(svg).toContain('role="img" aria-labelledby="funnel-title" aria-describedby="funnel-desc"');
    expect(svg).toMatch(/viewBox="0 0 640 128"/);
  });

  it('uses a row\'s own text when given, and escapes labels', () => {
    const svg = horizontalBarChart({ ...input, rows: [{ label: 'A<&>', value: 3, className: 'chart-c1', text: '3 (60%) "x"' }] });
    expect(svg).toContain('>A&lt;&amp;&gt;</text>');
    expect(svg).toContain('>3 (60%) &quot;x&quot;</text>');
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials and nothing else', () => {
    expect(escapeXml(`<a href="x">'&'</a> é — 1`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; é — 1');
  });
});
