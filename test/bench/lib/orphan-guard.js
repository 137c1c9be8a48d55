'use strict';

/**
 * Preloaded (`node --require`) into the servers the bench starts. The bench
 * keeps an IPC channel open to each child; when the bench dies without
 * stopping its children (SIGKILL, crash), the channel closes and the child
 * shuts itself down instead of lingering. The channel is unref'd so it never
 * keeps the child alive by itself, and nothing is ever sent over it.
 *
 * A server running several workers (node:cluster) passes this flag on to
 * them, but a worker's channel is its link to the primary: left alone (a
 * worker exits by itself when the primary goes away).
 */
if (process.channel && !require('node:cluster').isWorker) {
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  process.channel.unref();
}
