import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { at } from '../tracking/fixtures.js';
import { memoryStore } from './helpers.js';

let store: Store;
beforeEach(() => {
  store = memoryStore();
});
afterEach(() => store.close());

describe("a server's language", () => {
  it('is unset until chosen, and a choice keeps the other settings', () => {
    expect(store.guildLanguage('g1')).toBeNull();
    store.updateGuildSettings('g1', { defaultChannelId: 'c1', announceSoftcore: false }, at(1));
    store.setGuildLanguage('g1', 'fr', at(2));
    expect(store.guildLanguage('g1')).toBe('fr');
    expect(store.getGuildSettings('g1')).toMatchObject({ defaultChannelId: 'c1', announceSoftcore: false });
    store.updateGuildSettings('g1', { managerRoleId: 'r1' }, at(3));
    expect(store.guildLanguage('g1')).toBe('fr');
    expect(store.guildLanguage('g2')).toBeNull();
  });

  it('on a server without settings, takes the defaults for the rest; null forgets it', () => {
    store.setGuildLanguage('g2', 'de', at(1));
    expect(store.getGuildSettings('g2')).toMatchObject({ announceUnlocks: true, defaultChannelId: null });
    store.setGuildLanguage('g2', null, at(2));
    expect(store.guildLanguage('g2')).toBeNull();
  });
});
