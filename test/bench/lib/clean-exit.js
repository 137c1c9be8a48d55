'use strict';

/**
 * Preloaded into Pointdesk when profiling (BENCH_NODE_ARGS=--cpu-prof …).
 * V8 writes --cpu-prof / --heap-prof files only on a normal exit, but Nest's
 * shutdown hook closes the app and then re-raises SIGTERM, which would kill
 * the process first. The first SIGTERM is left to Nest; the re-raised one
 * becomes process.exit(0), so the profile is written.
 */
let sigterms = 0;
process.on('SIGTERM', () => {
  if (++sigterms > 1) process.exit(0);
});
