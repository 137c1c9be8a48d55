import { NestExpressApplication } from '@nestjs/platform-express';
import hbs from 'hbs';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatDateTime, formatMoney, points, signedPoints } from './format';

const VIEWS_DIR = join(__dirname, 'views');
const PUBLIC_DIR = join(__dirname, 'public');
const PORTAL_DIR = join(__dirname, '..', 'portal');
/** Console views first: a name both define (layouts/main, error) is the console's. Portal views live under portal/ and layouts/portal. */
const VIEW_DIRS = [VIEWS_DIR, join(PORTAL_DIR, 'views')];
const HTMX_DIR = dirname(require.resolve('htmx.org/dist/htmx.min.js'));
/** Each area serves its own assets under its own path: the console's stylesheet and script are the portal's base too. */
const ASSETS: Record<string, string[]> = {
  '/console/assets/': [PUBLIC_DIR, HTMX_DIR],
  '/portal/assets/': [PUBLIC_DIR, join(PORTAL_DIR, 'public'), HTMX_DIR],
};

/**
 * Server-rendered views for the console and portal: Handlebars (escapes by
 * default; `{{{ }}}` is used only for the layout's body), our partials and
 * helpers, and the static assets the pages load. Everything is served by the
 * app itself — htmx straight from its npm package — so pages work offline
 * and under the strict CSP (script-src 'self').
 */
export function configureViews(app: NestExpressApplication): void {
  app.setBaseViewsDir(VIEW_DIRS);
  app.setViewEngine('hbs');
  // Pages get the main layout unless they say otherwise; htmx fragments pass layout: false.
  app.set('view options', { layout: 'layouts/main' });
  for (const dir of VIEW_DIRS) registerPartials(join(dir, 'partials'));
  registerHelpers();

  for (const [prefix, dirs] of Object.entries(ASSETS)) {
    for (const dir of dirs) app.useStaticAssets(dir, { prefix, maxAge: '1h', index: false, fallthrough: true });
  }
}

/**
 * Registers a views/partials/*.hbs directory synchronously (hbs.registerPartials
 * walks the directory asynchronously), so the first request already has them.
 * `call-form.hbs` becomes `{{> call_form}}`. Partials share one namespace:
 * the portal's are named portal-*.hbs.
 */
function registerPartials(dir: string): void {
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.hbs')) continue;
    hbs.registerPartial(file.slice(0, -4).replace(/-/g, '_'), readFileSync(join(dir, file), 'utf8'));
  }
}

function registerHelpers(): void {
  hbs.registerHelper('eq', (a: unknown, b: unknown) => String(a) === String(b));
  // Builds ids in partials: (concat prefix "-name"). The last argument is Handlebars' options object.
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  hbs.registerHelper('points', (n: number) => points(Number(n)));
  hbs.registerHelper('signedPoints', (n: number) => signedPoints(Number(n)));
  hbs.registerHelper('dateTime', (iso: string | null) => formatDateTime(iso));
  hbs.registerHelper('money', (cents: number, currency: string) => formatMoney(Number(cents), String(currency)));
}
