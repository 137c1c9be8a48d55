'use strict';

/** A minimal JSON client for seeding (Node's fetch keeps connections alive). */
class ApiClient {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
  }

  /**
   * Sends one JSON request and returns the parsed body. Any status other
   * than `expect` is an error that names the request and the answer.
   */
  async call(method, path, { token, body, expect = 200 } = {}) {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });
    const text = await res.text();
    if (res.status !== expect) {
      throw new Error(`${method} ${path} answered ${res.status} (expected ${expect}): ${text.slice(0, 500)}`);
    }
    return text ? JSON.parse(text) : null;
  }

  post(path, body, token, expect = 201) {
    return this.call('POST', path, { body, token, expect });
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
