/**
 * The durable outbox under failure: RA down, Discord rate limits and errors, permissions lost,
 * restarts and pruning. Every event ends as exactly one message, or as a failure an admin sees.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRest, stopRest } from '../../src/discord/rest.js';
import { silentLogger } from '../../src/log.js';
import { createRaUrls } from '../../src/ra/urls.js';
import { DEFAULT_CLAIM_LEASE_MS } from '../../src/store/outbox.js';
import { createDispatcher } from '../../src/tracking/dispatch.js';
import { DEFAULT_NONCE_WINDOW_MS, embedCharacters, Permission } from '../fakes/discord/index.js';
import { DISCORD_TOKEN, type Harness } from './harness.js';
import {
  addGame,
  announcedAchievementIds,
  channelPostBodies,
  DAY,
  HOUR,
  MINUTE,
  messageText,
  settingsShow,
  startTracking,
} from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Small RA retry budget so failing cycles are quick. */
const QUICK_RA = { ra: { maxRetries: 0, baseBackoffMs: 10 } };

function postsTo(harness: Harness, channelId: string) {
  return harness.discord.channelMessages(channelId);
}

/** Takes `permission` from the bot in #achievements (an overwrite on its role, after tracking started). */
function revokeInChannel(harness: Harness, permission: bigint) {
  const deny = [{ id: harness.guild.botRoleId, type: 'role' as const, deny: permission }];
  harness.discord.setChannelOverwrites(harness.channel.id, deny);
}

/** Scott tracked into #achievements, with a 6-achievement game. */
async function setupOne(extra: Parameters<typeof startTracking>[0] = {}) {
  const s = await startTracking(extra);
  h = s.h;
  s.world.addUser({ username: 'Scott' });
  const ids = addGame(s.world, 40, 'Golden Axe', 6);
  await h.slash(h.admin, 'track', { subcommand: 'add', options: { user: 'Scott' } });
  return { ...s, ids };
}

/** Scott's unlock queued and its post under way, hanging (Discord never answers it). */
async function setupWithHungPost() {
  const s = await setupOne();
  const route = `/channels/${s.h.channel.id}/messages`;
  s.h.discord.faults.add({ method: 'POST', route, hang: true });
  s.world.unlock('Scott', s.ids[0]!);
  await s.h.bot.poller.runCycle();
  void s.h.bot.dispatcher.drain(); // claims the row; its post hangs
  await s.h.discord.waitUntil(() => channelPostBodies(s.h, s.h.channel.id).length === 1, 5_000);
  return s;
}

describe('when RetroAchievements fails', () => {
  it('keeps each user’s window through cycles of 5xx and a long outage, then posts everything once', async () => {
    const s = await startTracking({ overrides: QUICK_RA });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    const ids = addGame(s.world, 30, 'Outrun', 5);
    await s.h.slash(h.admin, 'track', { subcommand: 'add', options: { user: 'Scott' } });
    await s.h.slash(h.admin, 'track', { subcommand: 'add', options: { user: 'Amy' } });
    await h.pollAndDrain(); // a first successful poll

    s.world.unlock('Scott', ids[0]!);
    h.ra.faults.add('*', { type: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    for (let cycle = 0; cycle < 3; cycle++) {
      s.clock.advance(30 * MINUTE); // far beyond the window margin: only a kept window finds it
      if (cycle === 1) s.world.unlock('Amy', ids[1]!, { hardcore: true });
      await h.pollAndDrain();
    }
    expect(postsTo(h, h.channel.id)).toEqual([]);
    const scott = s.world.user('Scott').ulid;
    expect(h.bot.store.getPollState(scott)).toMatchObject({ consecutiveFailures: 3 });

    h.ra.faults.clear();
    await h.pollAndDrain();
    await h.pollAndDrain();
    expect(postsTo(h, h.channel.id).map(announcedAchievementIds).sort()).toEqual([[ids[0]], [ids[1]]]);
    expect(h.bot.store.getPollState(scott)).toMatchObject({ consecutiveFailures: 0 });

    // A day-long outage (downtime): caught up through GetAchievementsEarnedBetween.
    s.world.unlock('Scott', ids[2]!);
    h.ra.faults.add('*', { type: 'status', status: 502 }, Number.POSITIVE_INFINITY);
    s.clock.advance(13 * HOUR);
    await h.pollAndDrain();
    s.clock.advance(13 * HOUR);
    s.world.unlock('Amy', ids[3]!);
    await h.pollAndDrain();
    h.ra.faults.clear();
    h.ra.requests.clear();
    await h.pollAndDrain();
    await h.pollAndDrain();
    expect(h.ra.requests.count('GetAchievementsEarnedBetween')).toBeGreaterThanOrEqual(2);
    const ids4 = postsTo(h, h.channel.id).map(announcedAchievementIds);
    expect(ids4).toHaveLength(4);
    expect(ids4.slice(2).sort()).toEqual([[ids[2]], [ids[3]]]);
  });

  it('survives RA hanging (client timeouts) and a user whose poll fails blocks nobody else', async () => {
    const s = await startTracking({ env: { RA_TIMEOUT_MS: '500' }, overrides: QUICK_RA });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    const ids = addGame(s.world, 31, 'Space Harrier', 4);
    await s.h.slash(h.admin, 'track', { subcommand: 'add', options: { user: 'Scott' } });
    await s.h.slash(h.admin, 'track', { subcommand: 'add', options: { user: 'Amy' } });

    s.world.unlock('Scott', ids[0]!);
    s.world.unlock('Amy', ids[1]!);
    h.ra.faults.add('GetUserRecentAchievements', { type: 'hang' }, Number.POSITIVE_INFINITY);
    await h.pollAndDrain();
    await h.pollAndDrain();
    expect(postsTo(h, h.channel.id)).toEqual([]);

    // One failure left: exactly one of the two users fails this cycle; the other is announced.
    h.ra.faults.clear();
    h.ra.faults.add('GetUserRecentAchievements', { type: 'status', status: 500 }, 1);
    await h.pollAndDrain();
    expect(postsTo(h, h.channel.id)).toHaveLength(1);
    await h.pollAndDrain();
    await h.pollAndDrain();
    expect(postsTo(h, h.channel.id).map(announcedAchievementIds).sort()).toEqual([[ids[0]], [ids[1]]]);
  });
});

describe('when Discord fails', () => {
  it('waits out a 429 (Retry-After) and retries 5xx, ending with one message per event', async () => {
    const s = await setupOne();
    const route = new RegExp(`^/channels/${s.h.channel.id}/messages$`);
    s.h.discord.faults.add({ method: 'POST', route, status: 429, retryAfter: 0.3 });
    s.world.unlock('Scott', s.ids[0]!);
    await s.h.pollAndDrain();
    expect(postsTo(s.h, s.h.channel.id).map(announcedAchievementIds)).toEqual([[s.ids[0]]]);

    s.h.discord.faults.add({ method: 'POST', route, status: 502, times: 2 });
    s.world.unlock('Scott', s.ids[1]!);
    await s.h.pollAndDrain();
    expect(postsTo(s.h, s.h.channel.id).map(announcedAchievementIds)).toEqual([[s.ids[0]], [s.ids[1]]]);
    const bodies = channelPostBodies(s.h, s.h.channel.id);
    expect(bodies).toHaveLength(5); // 429 + retry, 502 + 502 + success
    expect(new Set(bodies.slice(2).map((b) => b.nonce)).size).toBe(1);
  });

  it('backs off when Discord keeps failing, keeps the channel’s order, and survives a restart', async () => {
    const s = await setupOne();
    const route = new RegExp(`^/channels/${s.h.channel.id}/messages$`);
    // More 5xx than @discordjs/rest retries (1 + 3): the row goes back to the outbox.
    s.h.discord.faults.add({ method: 'POST', route, status: 503, times: 4 });
    s.world.unlock('Scott', s.ids[0]!);
    s.world.unlock('Scott', s.ids[1]!);
    await s.h.pollAndDrain();
    expect(postsTo(s.h, s.h.channel.id)).toEqual([]);
    expect(channelPostBodies(s.h, s.h.channel.id)).toHaveLength(4);

    // Not due yet: no request at all (Discord is never hammered).
    await s.h.bot.dispatcher.drain();
    expect(channelPostBodies(s.h, s.h.channel.id)).toHaveLength(4);
    const show = await settingsShow(s.h);
    expect(show).toContain('2 waiting');

    await s.h.restart();
    s.clock.advance(31_000);
    await s.h.bot.dispatcher.drain();
    const posts = postsTo(s.h, s.h.channel.id);
    expect(posts.map(announcedAchievementIds)).toEqual([[s.ids[0]], [s.ids[1]]]);
    await s.h.pollAndDrain();
    expect(postsTo(s.h, s.h.channel.id)).toHaveLength(2);
  });

  it('backs off per row with growing delays and keeps the channel’s order; other channels go on', async () => {
    const s = await setupOne();
    const other = s.h.discord.addChannel(s.h.guild.id, { name: 'other' });
    s.world.addUser({ username: 'Amy' });
    await s.h.slash(s.h.admin, 'track', { subcommand: 'add', options: { user: 'Amy', channel: other.id } });
    const route = `/channels/${s.h.channel.id}/messages`;
    // Two drains' worth of 5xx (1 + 3 @discordjs/rest retries each).
    s.h.discord.faults.add({ method: 'POST', route, status: 500, times: 8 });
    for (const i of [0, 1, 2]) {
      s.world.unlock('Scott', s.ids[i]!);
      await s.h.bot.poller.runCycle();
    }
    s.world.unlock('Amy', s.ids[3]!);
    await s.h.pollAndDrain();
    expect(channelPostBodies(s.h, s.h.channel.id)).toHaveLength(4); // only the head row was tried
    expect(postsTo(s.h, other.id).map(announcedAchievementIds)).toEqual([[s.ids[3]]]);
    const rows = () =>
      s.h.bot.store.db
        .prepare("SELECT attempts, next_attempt_at AS next FROM outbox WHERE status = 'pending' ORDER BY id")
        .all() as { attempts: number; next: number }[];
    let [head, ...rest] = rows();
    expect(head!.attempts).toBe(1);
    expect(head!.next - s.clock.now().getTime()).toBeGreaterThan(25_000);
    expect(rest.length).toBeGreaterThan(0);
    for (const row of rest) expect(row).toMatchObject({ attempts: 0, next: head!.next + 1 });

    s.clock.advance(31_000);
    await s.h.bot.dispatcher.drain();
    expect(channelPostBodies(s.h, s.h.channel.id)).toHaveLength(8);
    [head, ...rest] = rows();
    expect(head!.attempts).toBe(2);
    expect(head!.next - s.clock.now().getTime()).toBeGreaterThan(55_000); // the delay doubled
    expect(rest).toHaveLength(2);

    s.clock.advance(61_000);
    await s.h.bot.dispatcher.drain();
    expect(postsTo(s.h, s.h.channel.id).map(announcedAchievementIds)).toEqual([
      [s.ids[0]],
      [s.ids[1]],
      [s.ids[2]],
    ]);
  });

  it('abandons a hung post at shutdown within seconds and posts it once after the restart', async () => {
    const s = await setupWithHungPost();

    const started = Date.now();
    await s.h.restart(); // the hung post is abandoned, its row still pending and claimed
    // Well under the 15 s a hung REST call takes to time out: the 5 s stop budget gave up on it.
    expect(Date.now() - started).toBeLessThan(12_000);
    await s.h.bot.dispatcher.drain(); // released at start-up: due at once, not after the lease
    const posts = postsTo(s.h, s.h.channel.id);
    expect(posts.map(announcedAchievementIds)).toEqual([[s.ids[0]]]);
    const nonces = channelPostBodies(s.h, s.h.channel.id).map((b) => b.nonce);
    expect(nonces).toHaveLength(2);
    expect(nonces[0]).toBe(nonces[1]);
  }, 20_000);

  it('leaves a row another dispatcher holds (its post hung) alone until the lease runs out, then posts it once', async () => {
    const s = await setupWithHungPost();

    // A second dispatcher on the same database (say, a second process started on the same volume).
    const rest = createRest(s.h.discord.apiUrl, DISCORD_TOKEN);
    const other = createDispatcher({
      store: s.h.bot.store,
      rest,
      urls: createRaUrls({ mediaUrl: s.h.ra.mediaUrl, siteUrl: s.h.ra.siteUrl }),
      logger: silentLogger(),
      now: s.clock.now,
    });
    try {
      await other.drain();
      expect(channelPostBodies(s.h, s.h.channel.id)).toHaveLength(1); // leased: left alone
      s.clock.advance(DEFAULT_CLAIM_LEASE_MS + 1_000);
      await other.drain(); // the lease ran out: as if the first had died
      expect(postsTo(s.h, s.h.channel.id).map(announcedAchievementIds)).toEqual([[s.ids[0]]]);
      const nonces = channelPostBodies(s.h, s.h.channel.id).map((b) => b.nonce);
      expect(nonces).toHaveLength(2);
      expect(nonces[0]).toBe(nonces[1]);
    } finally {
      stopRest(rest);
    }
  }, 20_000);

  it('holds rows Discord refuses with 50013 for an hour (one probe per 10 minutes), then fails them and shows why', async () => {
    const s = await setupOne();
    const channel = s.h.channel;
    revokeInChannel(s.h, Permission.SendMessages);
    s.world.unlock('Scott', s.ids[0]!);
    s.world.unlock('Scott', s.ids[1]!);
    await s.h.pollAndDrain();
    expect(channelPostBodies(s.h, channel.id)).toHaveLength(1);
    for (let i = 0; i < 3; i++) await s.h.bot.dispatcher.drain();
    expect(channelPostBodies(s.h, channel.id)).toHaveLength(1);
    expect(await settingsShow(s.h)).toContain('2 waiting · 0 failed for good');

    // While the hour runs: one probe per cool-down, and the admin is told why after 15 minutes.
    for (let minutes = 10; minutes <= 60; minutes += 10) {
      s.clock.advance(10 * MINUTE + 1_000);
      await s.h.bot.dispatcher.drain();
      if (minutes === 20) {
        const show = await settingsShow(s.h);
        expect(show).toContain('2 waiting');
        expect(show).toContain('lacks permission');
      }
    }
    const probes = channelPostBodies(s.h, channel.id).length;
    expect(probes).toBeGreaterThanOrEqual(6);
    expect(probes).toBeLessThanOrEqual(8);

    // After the hour: both rows failed with that one refused request.
    const show = await settingsShow(s.h);
    expect(show).toContain('0 waiting · 2 failed for good');
    expect(show).toContain('lacks permission');
    expect(show).toContain('code 50013');
    expect(show).toContain(`<#${channel.id}>`);

    // Fixed: new events post again (after the channel's cool-down: one probe per 10 minutes).
    s.h.discord.setChannelOverwrites(channel.id, []);
    s.clock.advance(10 * MINUTE);
    s.world.unlock('Scott', s.ids[2]!);
    await s.h.pollAndDrain();
    expect(postsTo(s.h, channel.id).map(announcedAchievementIds)).toEqual([[s.ids[2]]]);
  });

  it('fails a row whose channel was deleted (10003) without retrying it', async () => {
    const s = await setupOne();
    const gone = s.h.discord.addChannel(s.h.guild.id, { name: 'temporary' });
    s.world.addUser({ username: 'Amy' });
    await s.h.slash(s.h.admin, 'track', { subcommand: 'add', options: { user: 'Amy', channel: gone.id } });
    s.h.discord.removeChannel(gone.id);
    s.world.unlock('Amy', s.ids[0]!);
    s.world.unlock('Scott', s.ids[1]!);
    await s.h.pollAndDrain();
    await s.h.bot.dispatcher.drain();
    expect(channelPostBodies(s.h, gone.id)).toHaveLength(1);
    expect(postsTo(s.h, s.h.channel.id).map(announcedAchievementIds)).toEqual([[s.ids[1]]]);
    const show = await settingsShow(s.h);
    expect(show).toContain('no longer exists');
    expect(show).toContain('code 10003');
  });
});

describe('what the nonce guarantees, and permissions revoked after tracking started', () => {
  /** Posts one unlock whose answer Discord never sends (it did create the message), then restarts. */
  async function loseAnswerAndRestart(
    s: Awaited<ReturnType<typeof setupOne>>,
    id: number,
    downtimeMs: number,
  ) {
    const route = `/channels/${s.h.channel.id}/messages`;
    const before = postsTo(s.h, s.h.channel.id).length;
    s.h.discord.faults.add({ method: 'POST', route, loseAnswer: true });
    s.world.unlock('Scott', id);
    await s.h.bot.poller.runCycle();
    void s.h.bot.dispatcher.drain();
    await s.h.discord.waitUntil(() => postsTo(s.h, s.h.channel.id).length === before + 1, 5_000);
    await s.h.restart(); // the unanswered post is abandoned; its row is still pending
    s.clock.advance(downtimeMs);
    await s.h.bot.dispatcher.drain();
  }

  it('a post whose answer was lost: one message after a quick restart, a second copy after a long one (at least once)', async () => {
    const s = await setupOne();
    // Back within Discord's nonce memory: the repeat returns the first message.
    await loseAnswerAndRestart(s, s.ids[0]!, 30_000);
    expect(postsTo(s.h, s.h.channel.id).map(announcedAchievementIds)).toEqual([[s.ids[0]]]);
    // Back after Discord forgot the nonce: the announcement appears twice, never zero times.
    await loseAnswerAndRestart(s, s.ids[1]!, DEFAULT_NONCE_WINDOW_MS + MINUTE);
    expect(postsTo(s.h, s.h.channel.id).map(announcedAchievementIds)).toEqual([
      [s.ids[0]],
      [s.ids[1]],
      [s.ids[1]],
    ]);
    const nonces = channelPostBodies(s.h, s.h.channel.id).map((b) => b.nonce);
    expect(nonces).toHaveLength(4);
    expect(new Set(nonces).size).toBe(2);
    await s.h.bot.dispatcher.drain();
    expect(postsTo(s.h, s.h.channel.id)).toHaveLength(3);
  }, 40_000);

  it('holds announcements while Embed Links is revoked, tells the admin why, and posts them in order once restored', async () => {
    const s = await setupOne();
    const channel = s.h.channel;
    revokeInChannel(s.h, Permission.EmbedLinks);
    s.world.unlock('Scott', s.ids[0]!);
    s.world.unlock('Scott', s.ids[1]!);
    await s.h.pollAndDrain();
    // Discord refuses an embed-only message without Embed Links: nothing appears, one refused request.
    expect(postsTo(s.h, channel.id)).toEqual([]);
    expect(
      s.h.discord.requests.filter((r) => r.path === `/channels/${channel.id}/messages`).map((r) => r.status),
    ).toEqual([403]);

    for (let i = 0; i < 3; i++) await s.h.bot.dispatcher.drain();
    expect(s.h.discord.invalidRequests).toBe(1); // Discord's ban counter: one per cool-down, not per row
    s.clock.advance(16 * MINUTE);
    await s.h.bot.dispatcher.drain();
    const show = await settingsShow(s.h);
    expect(show).toContain('2 waiting · 0 failed for good');
    expect(show).toContain(`<#${channel.id}> 2 waiting since`);
    expect(show).toContain('lacks permission to post there');
    expect(show).toContain('code 50013');

    s.h.discord.setChannelOverwrites(channel.id, []);
    s.clock.advance(10 * MINUTE);
    await s.h.bot.dispatcher.drain();
    expect(postsTo(s.h, channel.id).map(announcedAchievementIds)).toEqual([[s.ids[0]], [s.ids[1]]]);
    expect(await settingsShow(s.h)).toContain('0 waiting · 0 failed for good');
  });

  it('keeps posting when Attach Files is revoked (announcements upload nothing); /track add then names it', async () => {
    const s = await setupOne();
    const channel = s.h.channel;
    revokeInChannel(s.h, Permission.AttachFiles);
    s.world.unlock('Scott', s.ids[0]!);
    await s.h.pollAndDrain();
    const posts = postsTo(s.h, channel.id);
    expect(posts.map(announcedAchievementIds)).toEqual([[s.ids[0]]]);
    expect(posts[0]!.attachments).toEqual([]);
    expect(await settingsShow(s.h)).toContain('0 waiting · 0 failed for good');

    s.world.addUser({ username: 'Amy' });
    const refused = await s.h.slash(s.h.admin, 'track', { subcommand: 'add', options: { user: 'Amy' } });
    expect(messageText(refused)).toContain('Attach Files');
    const list = await s.h.slash(s.h.admin, 'track', { subcommand: 'list' });
    expect(messageText(list)).not.toContain('Amy');
  });
});

describe('when a channel breaks for good', () => {
  /** Amy announces into her own channel; Scott into #achievements. */
  async function setupTwo() {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    const ids = addGame(s.world, 60, 'Sonic', 40);
    const own = s.h.discord.addChannel(s.h.guild.id, { name: 'amy-cheevos' });
    await s.h.slash(s.h.admin, 'track', { subcommand: 'add', options: { user: 'Scott' } });
    await s.h.slash(s.h.admin, 'track', { subcommand: 'add', options: { user: 'Amy', channel: own.id } });
    return { ...s, ids, own };
  }

  /** `n` single-unlock rows for Amy, one poll cycle each (no drain: they queue up). */
  async function queueAmy(s: Awaited<ReturnType<typeof setupTwo>>, from: number, n: number) {
    for (let i = from; i < from + n; i++) {
      s.world.unlock('Amy', s.ids[i]!);
      await s.h.bot.poller.runCycle();
    }
  }

  it('fails all 20 queued rows of a deleted channel with one request, and probes it once per cool-down', async () => {
    const s = await setupTwo();
    await queueAmy(s, 0, 20);
    s.world.unlock('Scott', s.ids[30]!);
    s.h.discord.removeChannel(s.own.id);
    await s.h.pollAndDrain();

    expect(channelPostBodies(s.h, s.own.id)).toHaveLength(1);
    expect(postsTo(s.h, s.h.channel.id).map(announcedAchievementIds)).toEqual([[s.ids[30]]]);
    const show = await settingsShow(s.h);
    expect(show).toContain('0 waiting · 20 failed for good');
    expect(show).toContain('no longer exists');
    expect(show).toContain('code 10003');
    expect(show).toContain(`<#${s.own.id}>`);
    expect(show).toContain('20×');

    // Later rows for the broken channel wait out the cool-down, then one probe decides for all.
    s.clock.advance(MINUTE);
    await queueAmy(s, 20, 2);
    await s.h.bot.dispatcher.drain();
    await s.h.bot.dispatcher.drain();
    expect(channelPostBodies(s.h, s.own.id)).toHaveLength(1);
    expect(await settingsShow(s.h)).toContain('2 waiting · 20 failed for good');

    s.clock.advance(10 * MINUTE);
    await s.h.bot.dispatcher.drain();
    await s.h.bot.dispatcher.drain();
    expect(channelPostBodies(s.h, s.own.id)).toHaveLength(2);
    expect(await settingsShow(s.h)).toContain('0 waiting · 22 failed for good');

    // #achievements never waited on the broken channel.
    s.world.unlock('Scott', s.ids[31]!);
    await s.h.pollAndDrain();
    expect(postsTo(s.h, s.h.channel.id).map(announcedAchievementIds)).toEqual([[s.ids[30]], [s.ids[31]]]);
  });

  it('keeps every queued row when access is lost (50001) and posts them all, in order, once it is back', async () => {
    const s = await setupTwo();
    await queueAmy(s, 0, 5);
    const hide = [{ id: s.h.guild.botRoleId, type: 'role' as const, deny: Permission.ViewChannel }];
    s.h.discord.setChannelOverwrites(s.own.id, hide);
    await s.h.bot.dispatcher.drain();
    await s.h.bot.dispatcher.drain();
    expect(channelPostBodies(s.h, s.own.id)).toHaveLength(1);
    expect(await settingsShow(s.h)).toContain('5 waiting · 0 failed for good');

    s.h.discord.setChannelOverwrites(s.own.id, []);
    s.clock.advance(11 * MINUTE);
    await s.h.bot.dispatcher.drain();
    expect(postsTo(s.h, s.own.id).map(announcedAchievementIds)).toEqual(s.ids.slice(0, 5).map((id) => [id]));
    expect(await settingsShow(s.h)).toContain('0 waiting · 0 failed for good');
  });

  it('fails the queued rows after an hour without access (50001)', async () => {
    const s = await setupTwo();
    await queueAmy(s, 0, 5);
    const hide = [{ id: s.h.guild.botRoleId, type: 'role' as const, deny: Permission.ViewChannel }];
    s.h.discord.setChannelOverwrites(s.own.id, hide);
    await s.h.bot.dispatcher.drain();
    for (let i = 0; i < 7; i++) {
      s.clock.advance(10 * MINUTE + 1_000);
      await s.h.bot.dispatcher.drain();
    }
    const show = await settingsShow(s.h);
    expect(show).toContain('0 waiting · 5 failed for good');
    expect(show).toContain('code 50001');
    expect(channelPostBodies(s.h, s.own.id).length).toBeLessThanOrEqual(8);
  });

  it('fails only the row Discord rejects as invalid (50035); the channel’s other rows still post', async () => {
    const s = await setupTwo();
    await queueAmy(s, 0, 3);
    s.h.discord.faults.add({
      method: 'POST',
      route: `/channels/${s.own.id}/messages`,
      status: 400,
      times: 1,
    });
    await s.h.bot.dispatcher.drain();
    expect(channelPostBodies(s.h, s.own.id)).toHaveLength(3);
    expect(postsTo(s.h, s.own.id).map(announcedAchievementIds)).toEqual([[s.ids[1]], [s.ids[2]]]);
    const show = await settingsShow(s.h);
    expect(show).toContain('0 waiting · 1 failed for good');
    expect(show).toContain('code 50035');
  });

  it('shows why rows have been waiting over 15 minutes and when they are tried next', async () => {
    const s = await setupTwo();
    const route = `/channels/${s.own.id}/messages`;
    s.h.discord.faults.add({ method: 'POST', route, status: 503, times: Number.POSITIVE_INFINITY });
    await queueAmy(s, 0, 2);
    await s.h.bot.dispatcher.drain();
    // Young retries are normal: no detail yet.
    let show = await settingsShow(s.h);
    expect(show).toContain('2 waiting');
    // (Not "no 503 anywhere": a random snowflake id may contain those digits.)
    expect(show).not.toContain('Waiting over');
    expect(show).not.toContain('HTTP 503');

    s.clock.advance(16 * MINUTE);
    await s.h.bot.dispatcher.drain();
    const embed = (await s.h.slash(s.h.admin, 'settings', { subcommand: 'show' })).embeds[0] as {
      fields: { name: string; value: string }[];
    };
    const waiting = embed.fields.find((f) => f.name.startsWith('Waiting'));
    expect(waiting?.value).toContain(`<#${s.own.id}>`);
    expect(waiting?.value).toMatch(/2 waiting since <t:\d+:R>/);
    expect(waiting?.value).toMatch(/next try <t:\d+:R>/);
    expect(waiting?.value).toContain('HTTP 503');
    const nextTry = Number(/next try <t:(\d+):R>/.exec(waiting!.value)![1]) * 1000;
    expect(nextTry).toBeGreaterThan(s.clock.now().getTime());

    // Outside text in the error is escaped, and many channels stay within the field limit.
    const [pendingRow] = s.h.bot.store.claimDueOutbox(s.clock.now().getTime() + 3_600_000, 1);
    s.h.bot.store.markRetry(pendingRow!.id, s.clock.now(), `@everyone **boom** <@&123> ${'x'.repeat(2000)}`);
    for (let i = 0; i < 30; i++) {
      const extra = s.h.discord.addChannel(s.h.guild.id, { name: `extra-${i}` });
      s.h.bot.store.db
        .prepare(
          `INSERT INTO outbox (guild_id, channel_id, ulid, kind, payload, nonce, next_attempt_at, created_at, last_error)
           SELECT guild_id, ?, ulid, kind, payload, ?, next_attempt_at, created_at, last_error FROM outbox WHERE id = ?`,
        )
        .run(extra.id, `n-extra-${i}`, pendingRow!.id);
    }
    const embeds = (await s.h.slash(s.h.admin, 'settings', { subcommand: 'show' })).embeds as {
      fields: { name: string; value: string }[];
    }[];
    const field = embeds[0]!.fields.find((f) => f.name.startsWith('Waiting'))!;
    expect(field.value.length).toBeLessThanOrEqual(1024);
    expect(embedCharacters(embeds)).toBeLessThanOrEqual(6000);
    show = JSON.stringify(embeds);
    expect(show).not.toContain('@everyone');
    expect(show).not.toContain('**boom**');
    expect(show).toContain('more channel');
    s.h.discord.faults.clear();
  });
});

describe('outbox housekeeping', () => {
  it('prunes sent rows after 30 days and keeps failures visible longer', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 50, 'Alex Kidd', 3);
    const broken = h.discord.addChannel(h.guild.id, { name: 'broken' });
    s.world.addUser({ username: 'Amy' });
    await h.slash(h.admin, 'track', { subcommand: 'add', options: { user: 'Scott' } });
    await h.slash(h.admin, 'track', { subcommand: 'add', options: { user: 'Amy', channel: broken.id } });
    h.discord.removeChannel(broken.id); // 10003: fails for good at once
    s.world.unlock('Scott', ids[0]!);
    s.world.unlock('Amy', ids[0]!);
    await h.pollAndDrain();
    const statuses = () =>
      (
        h!.bot.store.db.prepare('SELECT status FROM outbox ORDER BY status').all() as { status: string }[]
      ).map((r) => r.status);
    expect(statuses()).toEqual(['failed', 'sent']);

    s.clock.advance(31 * DAY);
    await h.bot.dispatcher.drain();
    expect(statuses()).toEqual(['failed']);
    expect(await settingsShow(h)).toContain('1 failed for good');

    s.clock.advance(60 * DAY);
    await h.bot.dispatcher.drain();
    expect(statuses()).toEqual([]);
    expect(await settingsShow(h)).toContain('0 waiting · 0 failed for good');
    expect(messageText(postsTo(h, h.channel.id)[0]!)).toContain('Scott');
  });
});
