import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAnnouncementPayload } from '../../src/domain/announcements.js';
import type { Store } from '../../src/store/index.js';
import { detectGameChanges, planFanOut } from '../../src/tracking/detect.js';
import { at, game, USER } from '../tracking/fixtures.js';
import { memoryStore, track } from './helpers.js';

let store: Store;
beforeEach(() => {
  store = memoryStore();
});
afterEach(() => store.close());

/** Queues `n` single unlocks for each guild (tracked since T0, own channel `c-<guild>`). */
function enqueue(guilds: string[], n = 1, now = at(60)): number[] {
  for (const guildId of guilds) track(store, guildId, { channelId: `c-${guildId}` });
  const specs = Array.from({ length: n }, (_, i) => ({ id: i + 1, soft: i + 1 }));
  const current = game(specs);
  const detection = detectGameChanges(store.getGameState(USER.ulid, current.id), current, now);
  const subscriptions = store.listPollTargets()[0]?.subscriptions ?? [];
  const rows = planFanOut({ detection, user: USER, game: current, subscriptions, collapseThreshold: 10 });
  return store.applyGameDetection({ ulid: USER.ulid, gameId: current.id, detection, rows, now }).outboxIds;
}

describe('outbox', () => {
  it('queues rows as pending with a unique nonce of at most 25 chars and a readable payload', () => {
    enqueue(['g1', 'g2'], 2);
    expect(store.pendingCount()).toBe(4);
    const rows = store.claimDueOutbox(at(60), 10);
    expect(new Set(rows.map((r) => r.nonce)).size).toBe(4);
    for (const row of rows) {
      expect(row.nonce.length).toBeGreaterThan(0);
      expect(row.nonce.length).toBeLessThanOrEqual(25);
      expect(parseAnnouncementPayload(row.payload)?.kind).toBe('unlock');
    }
  });

  it('claims due rows oldest first, up to the limit, and not rows scheduled later', () => {
    const ids = enqueue(['g1'], 3);
    const day = 24 * 3_600_000; // long leases: claimed rows stay out of the way
    expect(store.claimDueOutbox(at(60), 1, day).map((r) => r.id)).toEqual([ids[0]]);
    expect(store.claimDueOutbox(at(60), 10, day).map((r) => r.id)).toEqual([]); // behind a leased row
  });

  it('never claims a row queued after a row of its channel that waits for a retry; other channels go on', () => {
    const ids = enqueue(['g1', 'g2'], 2); // g1: ids 0, 1; g2: ids 2, 3
    store.markRetry(ids[0]!, at(120), 'later');
    const day = 24 * 3_600_000;
    expect(store.claimDueOutbox(at(60), 10, day).map((r) => r.id)).toEqual([ids[2], ids[3]]);
    expect(store.claimDueOutbox(at(119), 10, day)).toEqual([]);
    expect(store.claimDueOutbox(at(120), 10, day).map((r) => r.id)).toEqual([ids[0], ids[1]]);
  });

  it('gives each channel at most its turn of a batch', () => {
    const ids = enqueue(['g1', 'g2'], 4); // g1: ids 0-3; g2: ids 4-7
    expect(store.claimDueOutbox(at(60), 3, 60_000, 1).map((r) => r.id)).toEqual([ids[0], ids[4]]);
  });

  it('leases claimed rows so they are not handed out twice, and gives them back when the lease expires', () => {
    const [id] = enqueue(['g1']);
    expect(store.claimDueOutbox(at(60), 10).map((r) => r.id)).toEqual([id]);
    expect(store.claimDueOutbox(at(60), 10)).toEqual([]);
    const later = at(60).getTime() + 60_000;
    expect(store.claimDueOutbox(later, 10).map((r) => r.id)).toEqual([id]);
  });

  it('marks a row sent once; it is never claimed again', () => {
    const [id] = enqueue(['g1']);
    expect(store.markSent(id!, 'msg-1', at(61))).toBe(true);
    expect(store.markSent(id!, 'msg-2', at(62))).toBe(false);
    expect(store.pendingCount()).toBe(0);
    expect(store.claimDueOutbox(at(1000), 10)).toEqual([]);
    const row = store.db.prepare('SELECT status, message_id, sent_at FROM outbox WHERE id = ?').get(id);
    expect(row).toEqual({ status: 'sent', message_id: 'msg-1', sent_at: at(61).getTime() });
  });

  it('counts retries as attempts unless told not to', () => {
    const [id] = enqueue(['g1']);
    store.markRetry(id!, at(61), 'HTTP 500');
    store.markRetry(id!, at(62), 'waiting for the channel', false);
    expect(store.claimDueOutbox(at(62), 10)[0]?.attempts).toBe(1);
  });

  it('marks a row failed for good and reports it to its guild only', () => {
    const [g1Row, g2Row] = enqueue(['g1', 'g2']);
    expect(store.markFailed(g1Row!, 50013, 'Missing Permissions', at(61))).toBe(true);
    expect(store.markFailed(g1Row!, 50013, 'again', at(62))).toBe(false);
    expect(store.outboxStatus('g1', at(62))).toEqual({
      pending: 0,
      failed: 1,
      recentFailures: [
        { channelId: 'c-g1', code: 50013, reason: 'Missing Permissions', at: at(61).getTime(), count: 1 },
      ],
      delayed: [],
    });
    expect(store.outboxStatus('g2', at(62))).toEqual({
      pending: 1,
      failed: 0,
      recentFailures: [],
      delayed: [],
    });
    expect(store.outboxStatus('g3', at(62))).toEqual({
      pending: 0,
      failed: 0,
      recentFailures: [],
      delayed: [],
    });
    expect(store.claimDueOutbox(at(100), 10).map((r) => r.id)).toEqual([g2Row]);
  });

  it('lists at most five recent failures, newest first', () => {
    const ids = enqueue(['g1'], 7);
    ids.forEach((id, i) => {
      store.markFailed(id, null, `reason ${i}`, at(61 + i));
    });
    const { failed, recentFailures } = store.outboxStatus('g1');
    expect(failed).toBe(7);
    expect(recentFailures.map((f) => f.reason)).toEqual([
      'reason 6',
      'reason 5',
      'reason 4',
      'reason 3',
      'reason 2',
    ]);
  });

  it('fails a channel’s pending rows queued by the post at once, with one code and reason', () => {
    const ids = enqueue(['g1', 'g2'], 3); // g1: ids 0,2,4 in c-g1 (interleaved with g2)
    const g1 = store.claimDueOutbox(at(60), 10).filter((r) => r.channelId === 'c-g1');
    expect(g1).toHaveLength(3);
    expect(store.failOutboxChannel('c-g1', g1[0]!.id, 10003, 'gone', at(61), at(60))).toBe(3);
    const status = store.outboxStatus('g1', at(62));
    expect(status).toMatchObject({ pending: 0, failed: 3 });
    expect(status.recentFailures).toEqual([
      { channelId: 'c-g1', code: 10003, reason: 'gone', at: at(61).getTime(), count: 3 },
    ]);
    expect(store.outboxStatus('g2', at(62))).toMatchObject({ pending: 3, failed: 0 });
    const attempts = store.db
      .prepare("SELECT attempts FROM outbox WHERE channel_id = 'c-g1' ORDER BY id")
      .all()
      .map((r) => (r as { attempts: number }).attempts);
    expect(attempts).toEqual([1, 0, 0]); // only the tried row counts an attempt
    expect(ids).toHaveLength(6);
  });

  it('leaves rows queued after the failing post pending for the next probe', () => {
    enqueue(['g1'], 1, at(60));
    const [first] = store.claimDueOutbox(at(60), 10);
    enqueue(['g1'], 2, at(70)); // one more unlock, queued while the post was in flight
    expect(store.failOutboxChannel('c-g1', first!.id, 50001, 'no access', at(71), at(65))).toBe(1);
    expect(store.outboxStatus('g1', at(72))).toMatchObject({ pending: 1, failed: 1 });
  });

  it('reports each channel’s newest channel-wide failure since a time', () => {
    const [a, b, c] = enqueue(['g1', 'g2', 'g3']);
    store.markFailed(a!, 10003, 'gone', at(61));
    store.markFailed(b!, 50035, 'invalid body', at(62));
    store.markFailed(c!, 50013, 'old', at(10));
    const since = store.outboxChannelFailuresSince([10003, 50001, 50013], at(30));
    expect([...since]).toEqual([['c-g1', { code: 10003, reason: 'gone', at: at(61).getTime() }]]);
  });

  it('lists channels whose rows have been pending over the threshold, with the tried row’s error', () => {
    const ids = enqueue(['g1'], 3, at(60));
    store.markRetry(ids[0]!, at(2000), 'HTTPError: Service Unavailable');
    store.markRetry(ids[1]!, at(2001), 'waiting: an earlier post failed', false);
    // Listed from 15 min after queueing on.
    expect(store.outboxStatus('g1', at(74)).delayed).toEqual([]);
    expect(store.outboxStatus('g1', at(75)).delayed).toEqual([
      {
        channelId: 'c-g1',
        count: 3,
        since: at(60).getTime(),
        nextAttemptAt: at(60).getTime(),
        lastError: 'HTTPError: Service Unavailable',
      },
    ]);
    expect(store.outboxStatus('g2', at(75)).delayed).toEqual([]);
  });

  it('prunes finished rows older than the cutoff and keeps pending ones', () => {
    const [sent, failed, pending] = enqueue(['g1'], 3);
    store.markSent(sent!, 'm', at(61));
    store.markFailed(failed!, null, 'x', at(61));
    expect(store.pruneOutbox(at(62))).toBe(2);
    expect(store.claimDueOutbox(at(62), 10).map((r) => r.id)).toEqual([pending]);
  });
});
