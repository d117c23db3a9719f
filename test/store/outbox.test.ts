import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { detectGameChanges, planFanOut } from '../../src/tracking/detect.js';
import { parseAnnouncementPayload } from '../../src/tracking/events.js';
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
    store.markRetry(ids[0]!, at(120), 'later');
    const day = 24 * 3_600_000; // long leases: claimed rows stay out of the way
    expect(store.claimDueOutbox(at(60), 1, day).map((r) => r.id)).toEqual([ids[1]]);
    expect(store.claimDueOutbox(at(60), 10, day).map((r) => r.id)).toEqual([ids[2]]);
    expect(store.claimDueOutbox(at(119), 10, day)).toEqual([]);
    expect(store.claimDueOutbox(at(120), 10, day).map((r) => r.id)).toEqual([ids[0]]);
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
    expect(store.outboxStatus('g1')).toEqual({
      pending: 0,
      failed: 1,
      recentFailures: [
        { channelId: 'c-g1', code: 50013, reason: 'Missing Permissions', at: at(61).getTime() },
      ],
    });
    expect(store.outboxStatus('g2')).toEqual({ pending: 1, failed: 0, recentFailures: [] });
    expect(store.outboxStatus('g3')).toEqual({ pending: 0, failed: 0, recentFailures: [] });
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

  it('prunes finished rows older than the cutoff and keeps pending ones', () => {
    const [sent, failed, pending] = enqueue(['g1'], 3);
    store.markSent(sent!, 'm', at(61));
    store.markFailed(failed!, null, 'x', at(61));
    expect(store.pruneOutbox(at(62))).toBe(2);
    expect(store.claimDueOutbox(at(62), 10).map((r) => r.id)).toEqual([pending]);
  });
});
