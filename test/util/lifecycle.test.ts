import { describe, expect, it } from 'vitest';
import { type Feature, settlesWithin, startInOrder, stopInReverse } from '../../src/util/lifecycle.js';

/** Features that write what happens to them into `log`; `failing` names one whose start throws. */
function features(names: string[], log: string[], failing?: string): Feature[] {
  return names.map((name) => ({
    name,
    async start() {
      await Promise.resolve();
      log.push(`start ${name}`);
      if (name === failing) throw new Error(`${name} would not start`);
    },
    async stop() {
      await Promise.resolve();
      log.push(`stop ${name}`);
    },
  }));
}

describe('feature lifecycle', () => {
  it('starts features in list order and stops them in reverse, each after the previous one finished', async () => {
    const log: string[] = [];
    const list = features(['database', 'discord', 'tracking'], log);
    await startInOrder(list);
    await stopInReverse(list);
    expect(log).toEqual([
      'start database',
      'start discord',
      'start tracking',
      'stop tracking',
      'stop discord',
      'stop database',
    ]);
  });

  it('on a failed start stops it and those before it in reverse, never starts the rest, and throws its error', async () => {
    const log: string[] = [];
    const list = features(['database', 'discord', 'commands', 'tracking'], log, 'commands');
    await expect(startInOrder(list)).rejects.toThrow('commands would not start');
    expect(log).toEqual([
      'start database',
      'start discord',
      'start commands',
      'stop commands',
      'stop discord',
      'stop database',
    ]);
  });

  it('counts work as settled when it finishes or fails within the budget, not when it hangs', async () => {
    expect(await settlesWithin(Promise.resolve('done'), 1_000)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error('failed')), 1_000)).toBe(true);
    expect(await settlesWithin(new Promise(() => {}), 1)).toBe(false);
  });
});
