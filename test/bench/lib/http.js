'use strict';

/** A minimal JSON client for seeding (Node's fetch keeps connections alive). */
class ApiClient {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    /** 500 answers that were retried, per "METHOD /path-pattern" (see `retry5xx`). */
    this.retried = {};
  }

  /**
   * Sends one JSON request and returns the parsed body. Any status other
   * than `expect` is an error that names the request and the answer.
   *
   * `retry5xx`: how many times a 500 is retried (random exponential backoff, ≤ 0.5 s).
   * Only for requests that are safe to repeat: a 500 from a rolled-back
   * transaction (e.g. a deadlock), or a POST carrying an Idempotency-Key.
   * `kind` names the request in `this.retried`.
   */
  async call(method, path, { token, body, expect = 200, headers: extra = {}, retry5xx = 0, kind = `${method} ${path}` } = {}) {
    const headers = { accept: 'application/json', ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30000),
      });
      const text = await res.text();
      if (res.status === 500 && attempt < retry5xx) {
        this.retried[kind] = (this.retried[kind] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(500, 10 * 2 ** attempt)));
        continue;
      }
      if (res.status !== expect) {
        throw new Error(`${method} ${path} answered ${res.status} (expected ${expect}): ${text.slice(0, 500)}`);
      }
      return text ? JSON.parse(text) : null;
    }
  }

  post(path, body, token, opts = {}) {
    return this.call('POST', path, { body, token, expect: 201, ...opts });
  }

  /** POST /api/auth/login → `{ accessToken, user }`. */
  login(email, password) {
    return this.call('POST', '/api/auth/login', { body: { email, password }, expect: 200 });
  }
}

/**
 * Maps `fn` over `items` with at most `concurrency` calls in flight; results
 * keep the input order. The first failure stops scheduling and is thrown.
 */
async function mapLimit(items, concurrency, fn, onProgress) {
  const results = new Array(items.length);
  let next = 0;
  let done = 0;
  let failed = null;
  async function worker() {
    while (failed === null && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (err) {
        failed = failed ?? err;
        return;
      }
      done++;
      if (onProgress) onProgress(done, items.length);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failed) throw failed;
  return results;
}

module.exports = { ApiClient, mapLimit };
