import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { runMigrations } from './common/database/migrate';
import { ApiValidationPipe } from './common/http/api-validation.pipe';
import { GlobalExceptionFilter } from './common/http/exception.filter';
import { assignRequestId } from './common/logging/logging.module';
import { RejectPrototypeKeysPipe } from './common/http/reject-prototype-keys.pipe';
import { AppConfig } from './config/app-config';
import { configureViews } from './console/views.setup';
import { UsersService } from './users/users.service';

/** Where Stripe Checkout pages live (the URLs StripeGateway.createCheckout returns). */
const STRIPE_CHECKOUT_ORIGIN = 'https://checkout.stripe.com';

export interface StartedApp {
  app: INestApplication;
  /** Set only when the first admin was just created with a generated password. */
  generatedAdminPassword?: string;
}

/**
 * Builds the whole application (used by main.ts, the tests and the bench):
 * security headers, validation, errors, views, OpenAPI, migrations and the
 * first admin. The caller decides whether and where to listen.
 */
export async function createApp(config: AppConfig, opts: { quiet?: boolean } = {}): Promise<StartedApp> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    // Keeps each request's raw bytes beside the parsed body: Stripe signs the exact body it sent.
    rawBody: true,
  });
  if (!opts.quiet) app.useLogger(app.get(Logger));
  else app.useLogger(false);
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  app.use(assignRequestId);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // Swagger UI injects inline styles.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          // "Pay by card" posts to the portal, which redirects to Stripe Checkout; browsers apply form-action to that redirect.
          formAction: ["'self'", ...(config.stripe ? [STRIPE_CHECKOUT_ORIGIN] : [])],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: config.cookieSecure ? [] : null,
        },
      },
    }),
  );
  // Only the console and the portal use cookies; the API authenticates with Bearer tokens.
  app.use(['/console', '/portal'], cookieParser());
  app.useGlobalPipes(
    new RejectPrototypeKeysPipe(),
    new ApiValidationPipe(),
  );
  app.useGlobalFilters(new GlobalExceptionFilter());
  configureViews(app);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Pointdesk API')
      .setDescription('Helpdesk with a prepaid point bank. Roles: admin ⊃ manager ⊃ agent; client sees only its own account.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  await runMigrations(app.get(DataSource));
  const admin = await app.get(UsersService).ensureFirstAdmin(config.admin.email, config.admin.password);
  await app.init();
  return { app, generatedAdminPassword: admin.generatedPassword };
}
