'use strict';

const autocannon = require('autocannon');

/**
 * Runs autocannon against `url` with the scenario's request list: first an
 * unmeasured warm-up (if any), then the measured run. `makeRequests` is
 * called per run because autocannon mutates the request objects it is given.
 */
async function measure({ url, connections, duration, warmup, makeRequests }) {
  const base = { url, connections, pipelining: 1, timeout: 10 };
  if (warmup > 0) await autocannon({ ...base, duration: warmup, requests: makeRequests() });
  const r = await autocannon({ ...base, duration, requests: makeRequests() });
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats || {}).map(([code, s]) => [code, s.count]));
  return {
    rps: r.requests.mean,
    total: r.requests.total,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    maxLatency: r.latency.max,
    meanLatency: r.latency.mean,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    duration: r.duration,
  };
}

module.exports = { measure };
