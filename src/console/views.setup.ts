import { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';

/** Server-rendered views for the console and portal (handlebars escapes by default). */
export function configureViews(app: NestExpressApplication): void {
  app.setBaseViewsDir(join(__dirname, 'views'));
  app.setViewEngine('hbs');
}
