/**
 * Queueing the weekly digests of many servers due at the same slot: every one is queued once, in
 * guild order, a batch per event-loop turn (so a poll or a command isn't held up behind them), and
 * a server whose digest is turned off between two batches gets none.
 */
import { describe, expect, it } from 'vitest';
import { DIGESTS_PER_TURN, queueDueDigests } from '../../src/community/digest.js';
import { latestSlot } from '../../src/community/digest-schedule.js';
import { openDatabase } from '../../src/store/db.js';
import { Store } from '../../src/store/index.js';

const WEEK = 7 * 24 * 3_600_000;
const NOW = new Date('2026-12-08T18:30:00Z'); // a Tuesday
const SLOT = { weekday: 2, hour: 18, timeZone: 'UTC' };
const SERVERS = 3 * DIGESTS_PER_TURN + 5;
const guildId = (i: number) => String(1_000 + i);

function setup() {
  const db = openDatabase(':memory:');
  const store = new Store(db);
  // Turned on a week ago: this week's slot (18:00 today) is due.
  const lastPeriod = latestSlot(SLOT, NOW.getTime()) - WEEK;
  for (let i = SERVERS - 1; i >= 0; i--)
    store.community.setDigest(guildId(i), { ...SLOT, channelId: `chan-${i}` }, lastPeriod, NOW);
  const queued = () =>
    db
      .prepare<[], { guild_id: string }>("SELECT guild_id FROM outbox WHERE kind = 'digest' ORDER BY id")
      .all()
      .map((row) => row.guild_id);
  return { store, queued };
}

describe('queueing due digests', () => {
  it('queues every due server once, in guild order, letting the event loop run between batches', async () => {
    const { store, queued } = setup();
    const failed: string[] = [];
    const run = queueDueDigests(store, NOW, (id) => failed.push(id));
    let queuedWhenTheLoopRan = -1;
    setImmediate(() => {
      queuedWhenTheLoopRan = queued().length;
    });
    expect(await run).toBe(SERVERS);
    expect(failed).toEqual([]);
    expect(queuedWhenTheLoopRan).toBeGreaterThanOrEqual(DIGESTS_PER_TURN);
    expect(queuedWhenTheLoopRan).toBeLessThan(SERVERS);
    expect(queued()).toEqual(Array.from({ length: SERVERS }, (_, i) => guildId(i)));
    // Nothing more to queue at the same slot.
    expect(await queueDueDigests(store, NOW, (id) => failed.push(id))).toBe(0);
    expect(queued()).toHaveLength(SERVERS);
  });

  it('a server whose digest is turned off while the others are queued gets none', async () => {
    const { store, queued } = setup();
    const last = guildId(SERVERS - 1);
    const run = queueDueDigests(store, NOW, () => undefined);
    setImmediate(() => store.community.setDigest(last, null, null, NOW));
    expect(await run).toBe(SERVERS - 1);
    expect(queued()).not.toContain(last);
  });
});
