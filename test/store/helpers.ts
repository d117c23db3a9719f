/** A fresh in-memory Store per test, plus tracking shortcuts. */
import { openDatabase } from '../../src/store/db.js';
import { Store, type StoreOptions, type TrackUserInput } from '../../src/store/index.js';
import { at, USER } from '../tracking/fixtures.js';

export function memoryStore(options?: StoreOptions): Store {
  return new Store(openDatabase(':memory:'), options);
}

export const OTHER_USER = {
  ulid: '01J0AAAAAAAAAAAAAAAAAAAAAA',
  displayName: 'Tails',
  userPic: '/UserPic/Tails.png',
};

export function track(store: Store, guildId: string, overrides: Partial<TrackUserInput> = {}) {
  return store.trackUser({
    guildId,
    ulid: USER.ulid,
    displayName: USER.displayName,
    userPic: USER.userPic,
    addedBy: 'admin-1',
    now: at(0),
    ...overrides,
  });
}
