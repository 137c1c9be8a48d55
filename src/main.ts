import 'reflect-metadata';
import cluster from 'node:cluster';
import { createApp } from './bootstrap';
import { JOBS_READY, superviseWorkers, workerRole } from './cluster';
import { AppConfig, buildConfig } from './config/app-config';

const say = (text: string) => process.stdout.write(text);

function describe(config: AppConfig): string {
  const where = config.database.type === 'sqlite' ? `SQLite at ${config.database.path}` : 'MySQL';
  return `Pointdesk is running: console http://localhost:${config.port}/console, API docs http://localhost:${config.port}/api/docs (database: ${where})`;
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = buildConfig();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  if (config.workers > 1 && cluster.isPrimary) {
    superviseWorkers({
      workers: config.workers,
      jobs: config.schedulerEnabled,
      // Tokens and cookies signed by one worker must be accepted by the others.
      env: config.sessionSecretGenerated ? { SESSION_SECRET: config.sessionSecret } : {},
      log: (line) => say(`${line}\n`),
      onStarted: () => {
        say(`\n${describe(config)}\n`);
        if (config.sessionSecretGenerated) say('SESSION_SECRET is not set: sessions end when the server restarts.\n');
      },
    });
    return;
  }
  const { app, generatedAdminPassword } = await createApp(config);
  if (workerRole() === 'jobs') {
    // The background jobs (started by createApp) run here; the web workers answer requests.
    process.send!(JOBS_READY);
  } else {
    await app.listen(config.port);
  }
  // With several workers the supervisor says it once.
  if (!cluster.isWorker) say(`\n${describe(config)}\n`);
  if (generatedAdminPassword) {
    say(
      `\nFirst start: created the admin ${config.admin.email} with the password\n\n    ${generatedAdminPassword}\n\n` +
        'It is shown only this once. Set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own.\n\n',
    );
  }
  if (config.sessionSecretGenerated && !cluster.isWorker) {
    say('SESSION_SECRET is not set: sessions end when the server restarts.\n');
  }
}

void main();
