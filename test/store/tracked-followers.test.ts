/**
 * How many tracked users follow the bot's account (and which): asked before every follower-list
 * read the watcher plans, and kept between changes, so each kind of change must show at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { Store } from '../../src/store/index.js';

const T = Date.parse('2024-05-01T13:00:00Z');
const A = '01HZZZZZZZ00000000000A11CE';
const B = '01HZZZZZZZ0000000000000B0B';
const C = '01HZZZZZZZ00000000000000CC';
const row = (ulid: string, hardcorePoints: number) => ({
  ulid,
  displayName: ulid,
  hardcorePoints,
  softcorePoints: 0,
});
const trackIn = (store: Store, guildId: string, ulid: string) =>
  store.trackUser({ guildId, ulid, displayName: ulid, userPic: '', addedBy: 'admin', now: T });

describe('tracked followers', () => {
  it('follow subscriptions, follows and unfollows on both lists, and other connections', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cheevobot-followers-'));
    const path = join(dir, 'bot.db');
    const store = new Store(openDatabase(path));
    const seen = () => ({
      followers: store.followers.countTrackedFollowers(),
      following: store.following.countTrackedFollowers(),
      ulids: [...store.followers.trackedUlids()].sort(),
    });
    store.followers.record([row(A, 1), row(B, 1)], T);
    expect(seen()).toEqual({ followers: 0, following: 0, ulids: [] });
    trackIn(store, 'g1', A);
    expect(seen()).toEqual({ followers: 1, following: 0, ulids: [A] });
    trackIn(store, 'g2', A); // a second server: still one user
    trackIn(store, 'g1', C);
    store.following.record([row(C, 5)], T);
    expect(seen()).toEqual({ followers: 1, following: 1, ulids: [A] });
    store.followers.record([row(A, 2), row(C, 1)], T + 10); // A's points move; C follows
    expect(seen()).toEqual({ followers: 2, following: 1, ulids: [A, C].sort() });
    expect(store.followers.forgetUnseenSince(T + 5)).toBe(1); // B unfollowed (not tracked)
    expect(seen()).toEqual({ followers: 2, following: 1, ulids: [A, C].sort() });
    store.followers.record([row(A, 2)], T + 30);
    expect(store.followers.forgetUnseenSince(T + 25)).toBe(1); // C unfollowed (tracked)
    expect(seen()).toEqual({ followers: 1, following: 1, ulids: [A] });
    store.untrackUser('g1', C);
    expect(seen()).toEqual({ followers: 1, following: 0, ulids: [A] });
    store.untrackUser('g1', A); // still tracked in g2
    expect(seen()).toEqual({ followers: 1, following: 0, ulids: [A] });
    store.removeGuild('g2');
    expect(seen()).toEqual({ followers: 0, following: 0, ulids: [] });
    // Another connection (a second process on the same file) tracks B and B follows again.
    const other = new Store(openDatabase(path));
    other.followers.record([row(B, 3)], T + 20);
    trackIn(other, 'g3', B);
    other.close();
    expect(seen()).toEqual({ followers: 1, following: 0, ulids: [B] });
    // The set handed out is the caller's own.
    store.followers.trackedUlids().clear();
    expect(seen().ulids).toEqual([B]);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
