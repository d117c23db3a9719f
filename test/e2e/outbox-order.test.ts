/**
 * Order and fairness of the outbox under retries and backlogs, through the real bot against both
 * fakes: a channel's posts keep their order across retries, a user's unlocks across games go out
 * in the order earned, a row failing for a day gives up and releases its channel, and a huge
 * backlog in one channel neither delays another channel nor pruning.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Permission } from '../fakes/discord/index.js';
import type { Harness } from './harness.js';
import {
  addGame,
  announcedAchievementIds,
  channelPostBodies,
  DAY,
  MINUTE,
  settingsShow,
  startTracking,
  track,
} from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  if (h) expect(h.discord.violations).toEqual([]);
  await h?.stop();
  h = undefined;
});

describe('order per channel', () => {
  it('never posts a later announcement before an earlier one of the channel that waits for a retry', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 80, 'Gunstar Heroes', 3);
    await track(h, 'Scott');
    // More 5xx than @discordjs/rest retries (1 + 3): the first row goes back for 30 s.
    h.discord.faults.add({
      method: 'POST',
      route: `/channels/${h.channel.id}/messages`,
      status: 503,
      times: 4,
    });
    s.world.unlock('Scott', ids[0]!);
    await h.pollAndDrain();
    expect(h.discord.channelMessages(h.channel.id)).toEqual([]);

    // A new unlock is queued while the first waits: it waits behind it.
    s.clock.advance(5_000);
    s.world.unlock('Scott', ids[1]!);
    await h.pollAndDrain();
    await h.bot.dispatcher.drain();
    expect(h.discord.channelMessages(h.channel.id)).toEqual([]);

    s.clock.advance(30_000);
    await h.bot.dispatcher.drain();
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([
      [ids[0]],
      [ids[1]],
    ]);
  });

  it('queues a user’s unlocks across games in the order they were earned', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const a = addGame(s.world, 81, 'Game A', 3);
    const b = addGame(s.world, 82, 'Game B', 3);
    await track(h, 'Scott');
    const base = s.clock.now().getTime();
    s.world.unlock('Scott', a[0]!, { at: new Date(base + 1_000) });
    s.world.unlock('Scott', b[0]!, { at: new Date(base + 2_000) });
    s.world.unlock('Scott', a[1]!, { at: new Date(base + 3_000) });
    s.world.unlock('Scott', b[1]!, { at: new Date(base + 4_000) });
    s.clock.advance(MINUTE);
    await h.pollAndDrain();
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([
      [a[0]],
      [b[0]],
      [a[1]],
      [b[1]],
    ]);
  });
});

describe('a row Discord keeps failing', () => {
  it('gives up after a bounded number of tries over about a day, shows why, and releases its channel', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 83, 'Ranger X', 3);
    await track(h, 'Scott');
    const route = `/channels/${h.channel.id}/messages`;
    h.discord.faults.add({ method: 'POST', route, status: 502, times: Number.POSITIVE_INFINITY });
    s.world.unlock('Scott', ids[0]!);
    s.world.unlock('Scott', ids[1]!);
    await h.pollAndDrain();
    const startedAt = s.clock.now().getTime();
    let hours = 0;
    while (!(await settingsShow(h)).includes('1 failed for good')) {
      s.clock.advance(30 * MINUTE + 1_000);
      await h.bot.dispatcher.drain();
      hours += 0.5;
      expect(hours).toBeLessThan(30);
    }
    expect(s.clock.now().getTime() - startedAt).toBeGreaterThan(20 * 60 * MINUTE);
    const tries = channelPostBodies(h, h.channel.id).length / 4; // each try is 1 + 3 REST retries
    expect(tries).toBeLessThanOrEqual(60);
    const show = await settingsShow(h);
    expect(show).toContain('gave up after');
    expect(show).toContain('HTTP 502');

    // The channel is released: the next row goes out once Discord answers.
    h.discord.faults.clear();
    s.clock.advance(30 * MINUTE);
    await h.bot.dispatcher.drain();
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([[ids[1]]]);
  }, 60_000);
});

describe('a backlog in one channel', () => {
  it('does not delay a quiet channel: with 10,000 rows pending elsewhere, its post goes out within seconds; pruning still runs', async () => {
    const s = await startTracking();
    h = s.h;
    const quiet = h.discord.addChannel(h.guild.id, { name: 'quiet' });
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    const ids = addGame(s.world, 84, 'Dynamite Headdy', 3);
    await track(h, 'Scott');
    await track(h, 'Amy', { channel: quiet.id });
    s.world.unlock('Scott', ids[0]!);
    await h.pollAndDrain(); // one sent row; this drain also ran the first prune

    const db = h.bot.store.db;
    // The sent row is now 31 days old, and 10,000 rows wait for #achievements.
    db.prepare("UPDATE outbox SET sent_at = sent_at - ? WHERE status = 'sent'").run(31 * DAY);
    const [template] = db.prepare("SELECT id FROM outbox WHERE status = 'sent'").all() as { id: number }[];
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
       INSERT INTO outbox (guild_id, channel_id, ulid, kind, payload, nonce, next_attempt_at, created_at)
       SELECT guild_id, channel_id, ulid, kind, payload, 'backlog-' || i, ?, ? FROM n, outbox WHERE outbox.id = ?`,
    ).run(s.clock.now().getTime(), s.clock.now().getTime(), template!.id);
    s.world.unlock('Amy', ids[1]!);
    await h.bot.poller.runCycle();
    s.clock.advance(61 * MINUTE); // the hourly prune is due

    const started = Date.now();
    void h.bot.dispatcher.drain();
    await h.discord.waitForMessages(quiet.id, 1, 20_000);
    const waitedMs = Date.now() - started;
    const backlogPosted = h.discord.channelMessages(h.channel.id).length - 1;
    expect(backlogPosted).toBeLessThan(100);
    expect(waitedMs).toBeLessThan(10_000);
    const sentRows = db
      .prepare("SELECT count(*) AS n FROM outbox WHERE status = 'sent' AND sent_at < ?")
      .get(s.clock.now().getTime() - 30 * DAY) as { n: number };
    expect(sentRows.n).toBe(0); // pruned on schedule, long before the backlog is through
    console.log(`quiet channel posted after ${waitedMs} ms, ${backlogPosted} backlog posts before it`);
  }, 60_000);
});

describe('admins’ changes apply to what is waiting', () => {
  const denySend = (harness: Harness) => [
    { id: harness.guild.botRoleId, type: 'role' as const, deny: Permission.SendMessages },
  ];

  it('re-routes a user’s held announcements, in order, when /track add points them at another channel', async () => {
    const s = await startTracking();
    h = s.h;
    const own = h.discord.addChannel(h.guild.id, { name: 'amy-old' });
    const fresh = h.discord.addChannel(h.guild.id, { name: 'amy-new' });
    s.world.addUser({ username: 'Amy' });
    const ids = addGame(s.world, 85, 'Alien Soldier', 4);
    await track(h, 'Amy', { channel: own.id });
    h.discord.setChannelOverwrites(own.id, denySend(h));
    for (const id of ids.slice(0, 3)) {
      s.world.unlock('Amy', id);
      s.clock.advance(MINUTE);
      await h.pollAndDrain();
    }
    expect(await settingsShow(h)).toContain('3 waiting · 0 failed for good');

    const reply = await track(h, 'Amy', { channel: fresh.id });
    expect(reply.content).toContain(`<#${fresh.id}>`);
    await h.bot.dispatcher.drain();
    expect(h.discord.channelMessages(fresh.id).map(announcedAchievementIds)).toEqual(
      ids.slice(0, 3).map((id) => [id]),
    );
    expect(h.discord.channelMessages(own.id)).toEqual([]);
    // Long after the old channel's grace hour: nothing was failed.
    s.clock.advance(2 * 60 * MINUTE);
    await h.bot.dispatcher.drain();
    expect(await settingsShow(h)).toContain('0 waiting · 0 failed for good');
  });

  it('re-routes the server’s waiting announcements when /settings channel changes the default', async () => {
    const s = await startTracking();
    h = s.h;
    const fresh = h.discord.addChannel(h.guild.id, { name: 'new-home' });
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 86, 'Contra', 3);
    await track(h, 'Scott');
    h.discord.setChannelOverwrites(h.channel.id, denySend(h));
    s.world.unlock('Scott', ids[0]!);
    s.world.unlock('Scott', ids[1]!);
    await h.pollAndDrain();
    await h.slash(h.admin, 'settings', { subcommand: 'channel', options: { channel: fresh.id } });
    await h.bot.dispatcher.drain();
    expect(h.discord.channelMessages(fresh.id).map(announcedAchievementIds)).toEqual([[ids[0]], [ids[1]]]);
  });

  it('sends again, once each, what failed recently when an admin runs /settings retry', async () => {
    const s = await startTracking();
    h = s.h;
    const gone = h.discord.addChannel(h.guild.id, { name: 'gone' });
    const fresh = h.discord.addChannel(h.guild.id, { name: 'fresh' });
    s.world.addUser({ username: 'Amy' });
    const ids = addGame(s.world, 87, 'Sparkster', 3);
    await track(h, 'Amy', { channel: gone.id });
    h.discord.removeChannel(gone.id);
    s.world.unlock('Amy', ids[0]!);
    s.world.unlock('Amy', ids[1]!);
    await h.pollAndDrain();
    expect(await settingsShow(h)).toContain('0 waiting · 2 failed for good');

    await track(h, 'Amy', { channel: fresh.id }); // the fix
    const retry = await h.slash(h.admin, 'settings', { subcommand: 'retry' });
    expect(retry.content).toContain('2 failed announcements will be sent again');
    await h.bot.dispatcher.drain();
    const again = await h.slash(h.admin, 'settings', { subcommand: 'retry' });
    expect(again.content).toContain('nothing to send again');
    await h.bot.dispatcher.drain();
    expect(h.discord.channelMessages(fresh.id).map(announcedAchievementIds)).toEqual([[ids[0]], [ids[1]]]);
    expect(await settingsShow(h)).toContain('0 waiting · 0 failed for good');
  });
});
