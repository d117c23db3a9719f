import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { detectGameChanges, planFanOut } from '../../src/tracking/detect.js';
import { at, game, USER } from '../tracking/fixtures.js';
import { memoryStore, track } from './helpers.js';

let store: Store;
beforeEach(() => {
  store = memoryStore();
});
afterEach(() => store.close());

/** One unlock and a mastery for USER, queued for every guild tracking them. */
function enqueue(now = at(60)) {
  const current = game([{ id: 1, hard: 1 }], { kind: 'mastered', at: 1 });
  const detection = detectGameChanges(null, current, now);
  const subscriptions = store.subscriptionsOf(USER.ulid);
  const rows = planFanOut({ detection, user: USER, game: current, subscriptions });
  store.applyGameDetection({ ulid: USER.ulid, gameId: current.id, detection, rows, now });
}

const waiting = () => store.claimDueOutbox(at(600), 100).map((r) => [r.kind, r.channelId] as const);

describe('routes in the store', () => {
  it('resolves a kind’s channel: route, then the user’s channel, then the default', () => {
    store.updateGuildSettings('g1', { defaultChannelId: 'default' }, at(0));
    track(store, 'g1', { channelId: 'own' });
    expect(store.channelFor('g1', 'awards', USER.ulid)).toBe('own');
    expect(store.channelFor('g1', 'challenge')).toBe('default');
    store.routes.setRoute('g1', 'awards', 'hall', at(1));
    store.routes.setRoute('g1', 'challenge', 'arena', at(1));
    expect(store.channelFor('g1', 'awards', USER.ulid)).toBe('hall');
    expect(store.channelFor('g1', 'unlocks', USER.ulid)).toBe('own');
    expect(store.channelFor('g1', 'challenge')).toBe('arena');
  });

  it('a cleared route sends what waits for its kind back to the user’s channel, else the default', () => {
    store.updateGuildSettings('g1', { defaultChannelId: 'default' }, at(0));
    track(store, 'g1');
    store.routes.setRoute('g1', 'awards', 'hall', at(1));
    enqueue();
    expect(waiting()).toEqual([
      ['unlock', 'default'],
      ['award', 'hall'],
    ]);
    store.releaseOutboxClaims();
    expect(store.routes.setRoute('g1', 'awards', null, at(2))).toBe(1);
    expect(waiting()).toEqual([
      ['unlock', 'default'],
      ['award', 'default'],
    ]);
  });

  it('a challenge or arcade route moves the competitions’ waiting posts, in order', () => {
    store.updateGuildSettings('g1', { defaultChannelId: 'default' }, at(0));
    const payload = { version: 1, kind: 'challenge-results' };
    store.challenges.queuePost('g1', 'default', 'challenge-start', payload, at(1));
    store.challenges.queuePost('g1', 'default', 'challenge-results', payload, at(2));
    store.challenges.queuePost('g1', 'default', 'arcade-record', payload, at(3));
    expect(store.routes.setRoute('g1', 'challenge', 'arena', at(4))).toBe(2);
    expect(waiting()).toEqual([
      ['challenge-start', 'arena'],
      ['challenge-results', 'arena'],
      ['arcade-record', 'default'],
    ]);
    store.releaseOutboxClaims();
    expect(store.routes.setRoute('g1', 'arcade', 'hiscores', at(5))).toBe(1);
    expect(waiting()).toEqual([
      ['challenge-start', 'arena'],
      ['challenge-results', 'arena'],
      ['arcade-record', 'hiscores'],
    ]);
  });

  it('forgets a server’s routes and filters when the bot leaves it', () => {
    store.updateGuildSettings('g1', { defaultChannelId: 'default' }, at(0));
    track(store, 'g1');
    store.routes.setRoute('g1', 'digest', 'weekly', at(1));
    store.routes.updateFilters('g1', { minPoints: 10, milestones: true }, at(1));
    store.removeGuild('g1');
    expect(store.routes.routes('g1')).toEqual({});
    expect(store.routes.filters('g1')).toEqual({
      hardcoreOnly: false,
      minPoints: null,
      rarerThanPercent: null,
      milestones: false,
    });
  });
});
