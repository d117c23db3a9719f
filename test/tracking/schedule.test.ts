import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { scheduleJob } from '../../src/tracking/schedule.js';

function collectingLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', destination: { write: (l) => lines.push(l) } }) };
}

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('scheduleJob', () => {
  it('skips ticks while a job is still running, and stop() waits for the running job', async () => {
    const { lines, logger } = collectingLogger();
    let started = 0;
    let finished = 0;
    let release: () => void = () => undefined;
    const schedule = scheduleJob(
      '* * * * * *',
      async () => {
        started++;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        finished++;
      },
      logger,
    );
    try {
      await until(() => started === 1, 5_000, 'the first run');
      // The job is held open: the next ticks must be skipped, not stacked.
      await until(() => lines.some((l) => l.includes('skipping this tick')), 5_000, 'a skipped tick');
      expect(started).toBe(1);

      const stopping = schedule.stop();
      let stopped = false;
      void stopping.then(() => {
        stopped = true;
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(stopped).toBe(false); // still waiting for the running job
      release();
      await stopping;
      expect(finished).toBe(1);
      // Nothing runs after stop().
      await new Promise((r) => setTimeout(r, 1_200));
      expect(started).toBe(1);
    } finally {
      release();
      await schedule.stop();
    }
  });

  it('logs a failing job and keeps the schedule alive', async () => {
    const { lines, logger } = collectingLogger();
    let runs = 0;
    const schedule = scheduleJob(
      '* * * * * *',
      async () => {
        runs++;
        throw new Error('RA exploded');
      },
      logger,
    );
    try {
      await until(() => runs >= 2, 5_000, 'a second run after a failure');
      expect(lines.some((l) => l.includes('scheduled job failed') && l.includes('RA exploded'))).toBe(true);
    } finally {
      await schedule.stop();
    }
  });
});
