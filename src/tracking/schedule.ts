import cron from 'node-cron';
import type { Logger } from '../log.js';
import { errorMessage } from '../util/error-message.js';

export interface Schedule {
  stop(): Promise<void>;
}

/**
 * Runs `job` on the cron expression. A tick that arrives while the previous job still runs is
 * skipped (logged), so cycles never overlap. `stop()` waits for a running job to finish.
 */
export function scheduleJob(expression: string, job: () => Promise<unknown>, logger: Logger): Schedule {
  let current: Promise<unknown> | null = null;
  const task = cron.schedule(
    expression,
    () => {
      if (current) {
        // Cycles take longer than the schedule allows: each user is polled less often than
        // configured. Say what to change rather than silently falling behind.
        logger.warn(
          'previous poll cycle still running; skipping this tick. Polls take longer than POLL_CRON allows: ' +
            'raise RA_REQUESTS_PER_SECOND (if your key allows it) or poll less often.',
        );
        return;
      }
      current = job()
        .catch((error: unknown) => logger.error({ err: errorMessage(error) }, 'scheduled job failed'))
        .finally(() => {
          current = null;
        });
    },
    // No node-cron noOverlap: the callback returns at once, so only `current` can tell a running job.
    { name: 'poll' },
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy();
      await current;
    },
  };
}
