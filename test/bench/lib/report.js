'use strict';

/** Formatting of the per-scenario lines and the final summary. */

const int = (n) => Math.round(n).toLocaleString('en-US');
const ms = (n) => (n < 10 ? n.toFixed(1) : int(n));

function fmtValue(v, unit) {
  if (v === undefined || v === null || Number.isNaN(v)) return 'n/a';
  if (v === Infinity) return 'failed';
  if (unit === 'ms') return `${ms(v)} ms`;
  if (unit === 's') return `${v.toFixed(1)} s`;
  if (unit === 'req/s') return `${int(v)} req/s`;
  if (unit === '/s') return `${int(v)}/s`;
  if (unit === '%') return `${v.toFixed(1)} %`;
  return v.toFixed(2);
}

/** `POST /api/tickets   1,412 req/s  p50 18 ms  p99 41 ms  non-2xx 0  (bare: …)` */
function resultLine(scenario, r, note) {
  if (scenario.describe) return `${scenario.label.padEnd(22)} ${scenario.describe(r)}${note ? `  (${note})` : ''}`;
  const failures = r.non2xx + r.errors;
  const codes = failures ? ` [status ${JSON.stringify(r.statusCodes)}, errors ${r.errors}, timeouts ${r.timeouts}]` : '';
  return `${scenario.label.padEnd(22)} ${int(r.rps).padStart(6)} req/s  p50 ${ms(r.p50).padStart(3)} ms  ` +
    `p99 ${ms(r.p99).padStart(3)} ms  non-2xx ${r.non2xx}${codes}${note ? `  (${note})` : ''}`;
}

/** Evaluates every target; a target whose value cannot be computed (scenario skipped) is n/a, not a miss. */
function evaluate(scenarios, results) {
  const rows = [];
  for (const s of scenarios) {
    const r = results[s.id];
    if (!r) continue;
    for (const t of s.targets) {
      const v = t.value(r, results);
      const goal = t.min !== undefined ? `≥ ${fmtValue(t.min, t.unit)}` : `< ${fmtValue(t.max, t.unit)}`;
      let mark = 'n/a ';
      if (v !== undefined && !Number.isNaN(v)) mark = (t.min !== undefined ? v >= t.min : v < t.max) ? 'PASS' : 'MISS';
      rows.push({ mark, text: `${s.label.padEnd(22)} ${`${t.what} ${goal}`.padEnd(38)} got ${fmtValue(v, t.unit)}` });
    }
  }
  return rows;
}

function summary(scenarios, results, ctx) {
  const lines = ['', '=== Summary ' + '='.repeat(68)];
  for (const s of scenarios) {
    const r = results[s.id];
    if (r) lines.push(resultLine(s, r, s.note ? s.note(r, results, ctx) : ''));
  }
  const rows = evaluate(scenarios, results);
  if (rows.length) {
    lines.push('', 'Targets');
    for (const row of rows) lines.push(`  ${row.mark}  ${row.text}`);
  }
  const misses = rows.filter((r) => r.mark === 'MISS').length;
  if (!scenarios.some((s) => results[s.id])) lines.push('', 'No scenario ran (see the skipped ones above).');
  else lines.push('', misses ? `${misses} target(s) missed (a measurement, not a failure: exit code 0).` : 'All targets met.');
  return { text: lines.join('\n'), misses };
}

module.exports = { resultLine, summary, int };
