/*
 * Helpers for tests that use the server-rendered pages (console and portal)
 * as a browser would, through supertest agents: a signed-in console session,
 * forms posted with the page's CSRF token, and the text a person reads.
 */
import request from 'supertest';
import { TestApp } from './test-app';

/** A supertest agent: a cookie jar like a browser's. */
export type WebAgent = ReturnType<typeof request.agent>;
export type ConsoleSession = Awaited<ReturnType<typeof consoleSession>>;

const CONSOLE_PASSWORD = 'console-e2e-password';
let seq = 0;

/**
 * Posts a form as the page at `from` would: with a fresh CSRF token from that
 * page. htmx sends the token as a header (hx-headers on <body>), a plain form
 * as the hidden `_csrf` field.
 */
export async function postForm(
  agent: WebAgent, from: string, path: string, form: Record<string, string>, headers: Record<string, string> = {},
): Promise<request.Response> {
  const token = tokenIn((await agent.get(from)).text);
  if (headers['HX-Request'] === 'true') return agent.post(path).set({ ...headers, 'X-CSRF-Token': token }).type('form').send(form);
  return agent.post(path).set(headers).type('form').send({ ...form, _csrf: token });
}

/** A staff member created through the API and signed in through the console's login form, with a cookie jar like a browser's. */
export async function consoleSession(t: TestApp, role: 'agent' | 'manager') {
  const n = ++seq;
  const email = `${role}.${n}.${process.pid}@console-e2e.test`;
  const created = await request(t.http).post('/api/users').set(t.admin.auth).send({ email, name: `Console ${role} ${n}`, role, password: CONSOLE_PASSWORD });
  expect(created.status).toBe(201);
  const agent: WebAgent = request.agent(t.http);
  // The token first: superagent attaches the cookie jar when a request is created.
  const loginToken = tokenIn((await agent.get('/console/login')).text);
  const login = await agent.post('/console/login').type('form').send({ email, password: CONSOLE_PASSWORD, _csrf: loginToken });
  expect(login.status).toBe(303);
  return {
    agent,
    email,
    /** Posts a form with this session's token, as the page's own form (or htmx, with `HX-Request: true`) would. */
    post: (path: string, form: Record<string, string>, headers: Record<string, string> = {}) => postForm(agent, '/console', path, form, headers),
  };
}

/** The hidden CSRF field of the first form on a page. */
export function tokenIn(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#x3D;': '=', '&#x60;': '`', '&amp;': '&' };

/** The text a person reads: scripts, styles and tags dropped, entities decoded, runs of white space as one space. */
export function visible(html: string): string {
  return html.replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ').replace(/<[^>]+>/g, ' ')
    .replace(/&(lt|gt|quot|#x27|#x3D|#x60|amp);/g, (e) => ENTITIES[e]).replace(/\s+/g, ' ');
}

/** The message shown next to a field (partials/field-error.hbs), or null. */
export function fieldError(html: string, id: string): string | null {
  const m = new RegExp(`<p class="field-error" id="${id}-error">([^<]*)</p>`).exec(html);
  return m ? visible(m[1]).trim() : null;
}

/** The alert shown above a form (partials/form-alert.hbs), or null. */
export function formAlert(html: string): string | null {
  const m = /<p class="flash flash-error" role="alert">([^<]*)<\/p>/.exec(html);
  return m ? visible(m[1]).trim() : null;
}

/** Every <label for=…>text</label> of a page, as text. */
export function labels(html: string): string[] {
  return [...html.matchAll(/<label for="[^"]+">([^<]*)<\/label>/g)].map((m) => visible(m[1]).trim());
}

/** Follows a post/redirect/get (the answer must be a 303): the flash message the next page shows ('' without one), and that page. */
export async function followFlash(agent: WebAgent, res: request.Response): Promise<{ flash: string; page: request.Response }> {
  expect(res.status).toBe(303);
  const page = await agent.get(res.headers.location);
  const m = /<p class="flash flash-(?:success|error)" role="(?:status|alert)">([^<]*)<\/p>/.exec(page.text);
  return { flash: m ? visible(m[1]).trim() : '', page };
}
