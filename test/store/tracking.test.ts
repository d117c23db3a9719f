import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { at, USER } from '../tracking/fixtures.js';
import { memoryStore, OTHER_USER, track } from './helpers.js';

let store: Store;
beforeEach(() => {
  store = memoryStore();
});
afterEach(() => store.close());

describe('guild settings', () => {
  it('returns the defaults for a guild that never changed anything', () => {
    expect(store.getGuildSettings('g1')).toEqual({
      guildId: 'g1',
      defaultChannelId: null,
      managerRoleId: null,
      announceUnlocks: true,
      announceAwards: true,
      announceSoftcore: true,
      updatedAt: null,
    });
  });

  it('changes only the given fields; undefined keeps, null clears', () => {
    store.updateGuildSettings('g1', { defaultChannelId: 'c1', managerRoleId: 'r1' }, at(1));
    const updated = store.updateGuildSettings(
      'g1',
      { announceSoftcore: false, managerRoleId: null, defaultChannelId: undefined },
      at(2),
    );
    expect(updated).toMatchObject({ defaultChannelId: 'c1', managerRoleId: null, announceSoftcore: false });
    expect(store.getGuildSettings('g1')).toEqual(updated);
    expect(updated.updatedAt).toBe(at(2).getTime());
  });

  it('ignores keys that are not settings, so a patch cannot move a row to another guild', () => {
    const patch = { announceAwards: false, guildId: 'g2' } as Parameters<Store['updateGuildSettings']>[1];
    store.updateGuildSettings('g1', patch, at(1));
    expect(store.getGuildSettings('g1').announceAwards).toBe(false);
    expect(store.getGuildSettings('g2').announceAwards).toBe(true);
  });

  it('keeps guilds apart', () => {
    store.updateGuildSettings('g1', { defaultChannelId: 'c1', announceUnlocks: false }, at(1));
    expect(store.getGuildSettings('g2')).toMatchObject({ defaultChannelId: null, announceUnlocks: true });
  });
});

describe('trackUser / untrackUser', () => {
  it('tracks a user once; re-tracking keeps trackedSince and reports created: false', () => {
    const first = track(store, 'g1', { now: at(0) });
    expect(first).toEqual({
      created: true,
      tracked: {
        guildId: 'g1',
        ulid: USER.ulid,
        displayName: USER.displayName,
        channelId: null,
        addedBy: 'admin-1',
        trackedSince: at(0).getTime(),
      },
    });
    const again = track(store, 'g1', { now: at(90), addedBy: 'admin-2' });
    expect(again.created).toBe(false);
    expect(again.tracked.trackedSince).toBe(at(0).getTime());
    expect(again.tracked.addedBy).toBe('admin-1');
    expect(store.countTrackedUsers('g1')).toBe(1);
  });

  it('re-tracking sets the channel when given, clears it with null, and keeps it when omitted', () => {
    track(store, 'g1');
    expect(track(store, 'g1', { channelId: 'c9' }).tracked.channelId).toBe('c9');
    expect(track(store, 'g1').tracked.channelId).toBe('c9');
    expect(track(store, 'g1', { channelId: null }).tracked.channelId).toBeNull();
  });

  it('refreshes the display name in every guild when a user is tracked under a new name', () => {
    track(store, 'g1');
    track(store, 'g2', { displayName: 'Sonic_Renamed' });
    expect(store.listTrackedUsers('g1')[0]?.displayName).toBe('Sonic_Renamed');
    expect(store.listPollTargets()[0]?.displayName).toBe('Sonic_Renamed');
  });

  it('untracks only in the given guild and reports whether anything was removed', () => {
    track(store, 'g1');
    track(store, 'g2');
    expect(store.untrackUser('g1', USER.ulid)).toBe(true);
    expect(store.untrackUser('g1', USER.ulid)).toBe(false);
    expect(store.listTrackedUsers('g1')).toEqual([]);
    expect(store.listTrackedUsers('g2')).toHaveLength(1);
    expect(store.getPollState(USER.ulid)).not.toBeNull();
  });

  it('stores hostile names verbatim, as data', () => {
    const hostile = "Robert'); DROP TABLE tracked_users;-- @everyone";
    track(store, 'g1', { displayName: hostile });
    expect(store.findTrackedUser('g1', hostile)?.displayName).toBe(hostile);
    expect(store.countTrackedUsers('g1')).toBe(1);
  });
});

describe('listing and finding tracked users', () => {
  it('lists a guild’s users by name, case-insensitively, and counts them', () => {
    track(store, 'g1', { ulid: OTHER_USER.ulid, displayName: 'zed' });
    track(store, 'g1', { displayName: 'Amy' });
    track(store, 'g2', { ulid: '01J0BBBBBBBBBBBBBBBBBBBBBB', displayName: 'Knuckles' });
    expect(store.listTrackedUsers('g1').map((u) => u.displayName)).toEqual(['Amy', 'zed']);
    expect(store.countTrackedUsers('g1')).toBe(2);
    expect(store.countTrackedUsers('g3')).toBe(0);
  });

  it('finds a user by display name or ULID, ignoring case, only within the guild', () => {
    track(store, 'g1');
    expect(store.findTrackedUser('g1', 'sonic_fan')?.ulid).toBe(USER.ulid);
    expect(store.findTrackedUser('g1', USER.ulid.toLowerCase())?.ulid).toBe(USER.ulid);
    expect(store.findTrackedUser('g1', `  ${USER.displayName} `)?.ulid).toBe(USER.ulid);
    expect(store.findTrackedUser('g2', USER.displayName)).toBeNull();
    expect(store.findTrackedUser('g1', 'nobody')).toBeNull();
  });
});

describe('renameUser', () => {
  it('updates the name in every guild and the avatar only when given', () => {
    track(store, 'g1');
    track(store, 'g2');
    store.renameUser(USER.ulid, 'NewName');
    expect(store.listTrackedUsers('g1')[0]?.displayName).toBe('NewName');
    expect(store.listTrackedUsers('g2')[0]?.displayName).toBe('NewName');
    expect(store.listPollTargets()[0]).toMatchObject({ displayName: 'NewName', userPic: USER.userPic });
    store.renameUser(USER.ulid, 'NewName', '/UserPic/NewName.png');
    expect(store.listPollTargets()[0]?.userPic).toBe('/UserPic/NewName.png');
  });
});

describe('listPollTargets', () => {
  it('returns one target per RA user with every guild’s subscription, channel and toggles', () => {
    store.updateGuildSettings('g1', { defaultChannelId: 'default-1', announceSoftcore: false }, at(0));
    track(store, 'g1', { now: at(10) });
    track(store, 'g2', { now: at(5), channelId: 'own-2' });
    track(store, 'g3', { now: at(7) }); // no channel anywhere

    const targets = store.listPollTargets();
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      ulid: USER.ulid,
      displayName: USER.displayName,
      userPic: USER.userPic,
      lastSuccessAt: null,
      trackedSince: at(5).getTime(),
    });
    const on = { announceUnlocks: true, announceAwards: true, announceSoftcore: true };
    expect(targets[0]?.subscriptions).toEqual([
      {
        guildId: 'g1',
        channelId: 'default-1',
        trackedSince: at(10).getTime(),
        toggles: { ...on, announceSoftcore: false },
      },
      { guildId: 'g2', channelId: 'own-2', trackedSince: at(5).getTime(), toggles: on },
      { guildId: 'g3', channelId: null, trackedSince: at(7).getTime(), toggles: on },
    ]);
  });

  it('puts never-polled and longest-unpolled users first', () => {
    track(store, 'g1');
    track(store, 'g1', { ...OTHER_USER });
    track(store, 'g1', { ulid: '01J0CCCCCCCCCCCCCCCCCCCCCC', displayName: 'Amy' });
    store.recordPollSuccess(USER.ulid, at(50));
    store.recordPollSuccess(OTHER_USER.ulid, at(40));
    expect(store.listPollTargets().map((t) => t.displayName)).toEqual(['Amy', 'Tails', USER.displayName]);
  });

  it('orders users polled at the same time by ULID, each with its guilds in order', () => {
    const amy = { ulid: '01J0CCCCCCCCCCCCCCCCCCCCCC', displayName: 'Amy' };
    track(store, 'g3', { ...amy, now: at(3) });
    track(store, 'g2', { ...OTHER_USER, now: at(4) });
    track(store, 'g1', { ...amy, now: at(5) });
    track(store, 'g1', { ...OTHER_USER, now: at(2) });
    track(store, 'g2', { ...amy, now: at(6) });
    for (const user of [amy, OTHER_USER]) store.recordPollSuccess(user.ulid, at(40));
    expect(
      store
        .listPollTargets()
        .map((t) => [t.displayName, t.trackedSince, t.subscriptions.map((s) => s.guildId)]),
    ).toEqual([
      ['Tails', at(2).getTime(), ['g1', 'g2']],
      ['Amy', at(3).getTime(), ['g1', 'g2', 'g3']],
    ]);
  });
});

describe('poll bookkeeping', () => {
  it('counts consecutive failures and resets them on success', () => {
    track(store, 'g1');
    expect(store.getPollState(USER.ulid)).toEqual({
      lastSuccessAt: null,
      lastAttemptAt: null,
      consecutiveFailures: 0,
      lastError: null,
    });
    store.recordPollFailure(USER.ulid, at(1), 'RA is down');
    store.recordPollFailure(USER.ulid, at(2), 'RA is still down');
    expect(store.getPollState(USER.ulid)).toEqual({
      lastSuccessAt: null,
      lastAttemptAt: at(2).getTime(),
      consecutiveFailures: 2,
      lastError: 'RA is still down',
    });
    store.recordPollSuccess(USER.ulid, at(3));
    expect(store.getPollState(USER.ulid)).toEqual({
      lastSuccessAt: at(3).getTime(),
      lastAttemptAt: at(3).getTime(),
      consecutiveFailures: 0,
      lastError: null,
    });
    expect(store.listPollTargets()[0]?.lastSuccessAt).toBe(at(3).getTime());
  });

  it('bounds a huge error message', () => {
    track(store, 'g1');
    store.recordPollFailure(USER.ulid, at(1), 'x'.repeat(50_000));
    expect(store.getPollState(USER.ulid)?.lastError?.length).toBeLessThanOrEqual(1000);
  });

  it('has no poll state for an untracked user', () => {
    expect(store.getPollState('01J0ZZZZZZZZZZZZZZZZZZZZZZ')).toBeNull();
  });
});

describe('meta', () => {
  it('stores, replaces and deletes installation facts', () => {
    expect(store.getMeta('commands_hash')).toBeNull();
    store.setMeta('commands_hash', 'a');
    store.setMeta('commands_hash', 'b');
    expect(store.getMeta('commands_hash')).toBe('b');
    store.setMeta('commands_hash', null);
    expect(store.getMeta('commands_hash')).toBeNull();
  });
});

describe('close', () => {
  it('closes the database and tolerates a second call', () => {
    store.close();
    expect(store.db.open).toBe(false);
    expect(() => store.close()).not.toThrow();
  });
});

describe('a server the bot left', () => {
  it('forgets its member switches, "seen here" marks, digest and AotW settings; keeps the link and other servers', () => {
    track(store, 'g1');
    track(store, 'g2');
    const linked = store.linkAccount({
      discordUserId: 'member-1',
      ulid: USER.ulid,
      displayName: USER.displayName,
      linkedBy: 'member-1',
      now: at(1),
      guildId: 'g1',
    });
    expect(linked).toBe('linked');
    for (const guild of ['g1', 'g2']) {
      store.noteLinkedMemberIn('member-1', guild);
      store.updateMemberSettings(guild, { selfTracking: true, nameMembers: true }, at(2));
    }
    expect(store.announcedMember('g1', USER.ulid)).toBe('member-1');
    const digest = { channelId: 'c1', weekday: 1, hour: 18, timeZone: 'Europe/Berlin' };
    store.community.setDigest('g1', digest, null, at(2));
    store.community.setAotwChannel('g1', 'c1', at(2));
    store.community.setAotwChannel('g2', 'c2', at(2));

    store.removeGuild('g1');

    expect(store.community.get('g1')).toMatchObject({ aotwChannelId: null, digest: null });
    expect(store.community.guildsWithDigest()).toEqual([]);
    expect(store.community.get('g2').aotwChannelId).toBe('c2');

    expect(store.getMemberSettings('g1')).toMatchObject({ selfTracking: false, nameMembers: false });
    expect(store.linkedMemberIn('g1', USER.ulid)).toBeNull();
    expect(store.announcedMember('g2', USER.ulid)).toBe('member-1');
    expect(store.linkOf('member-1')?.ulid).toBe(USER.ulid);
  });
});
