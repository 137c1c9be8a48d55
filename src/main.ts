import 'reflect-metadata';
import { createApp } from './bootstrap';
import { AppConfig, buildConfig } from './config/app-config';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = buildConfig();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  const { app, generatedAdminPassword } = await createApp(config);
  await app.listen(config.port);
  const where = config.database.type === 'sqlite' ? `SQLite at ${config.database.path}` : 'MySQL';
  process.stdout.write(`\nPointdesk is running: console http://localhost:${config.port}/console, API docs http://localhost:${config.port}/api/docs (database: ${where})\n`);
  if (generatedAdminPassword) {
    process.stdout.write(
      `\nFirst start: created the admin ${config.admin.email} with the password\n\n    ${generatedAdminPassword}\n\n` +
        'It is shown only this once. Set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own.\n\n',
    );
  }
  if (config.sessionSecretGenerated) {
    process.stdout.write('SESSION_SECRET is not set: sessions end when the server restarts.\n');
  }
}

void main();
