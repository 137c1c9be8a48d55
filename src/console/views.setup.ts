import { NestExpressApplication } from '@nestjs/platform-express';
import hbs from 'hbs';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatDateTime, formatMoney, points, signedPoints } from './format';

const VIEWS_DIR = join(__dirname, 'views');
const PARTIALS_DIR = join(VIEWS_DIR, 'partials');
const PUBLIC_DIR = join(__dirname, 'public');

/**
 * Server-rendered views for the console and portal: Handlebars (escapes by
 * default; `{{{ }}}` is used only for the layout's body), our partials and
 * helpers, and the static assets the pages load. Everything is served by the
 * app itself — htmx straight from its npm package — so pages work offline
 * and under the strict CSP (script-src 'self').
 */
export function configureViews(app: NestExpressApplication): void {
  app.setBaseViewsDir(VIEWS_DIR);
  app.setViewEngine('hbs');
  // Pages get the main layout unless they say otherwise; htmx fragments pass layout: false.
  app.set('view options', { layout: 'layouts/main' });
  registerPartials();
  registerHelpers();

  const assets = { prefix: '/console/assets/', maxAge: '1h', index: false, fallthrough: true } as const;
  app.useStaticAssets(PUBLIC_DIR, assets);
  app.useStaticAssets(dirname(require.resolve('htmx.org/dist/htmx.min.js')), assets);
}

/**
 * Registers views/partials/*.hbs synchronously (hbs.registerPartials walks the
 * directory asynchronously), so the first request already has them.
 * `call-form.hbs` becomes `{{> call_form}}`.
 */
function registerPartials(): void {
  for (const file of readdirSync(PARTIALS_DIR)) {
    if (!file.endsWith('.hbs')) continue;
    hbs.registerPartial(file.slice(0, -4).replace(/-/g, '_'), readFileSync(join(PARTIALS_DIR, file), 'utf8'));
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
