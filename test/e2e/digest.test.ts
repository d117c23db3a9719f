/**
 * The weekly digest: posted once per week at the server's chosen weekday and hour (in its time
 * zone), through the outbox: never twice across a restart in the middle of its hour, and a
 * digest missed while the bot was down posted late once, not once per missed week.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { zonedParts } from '../../src/community/digest-schedule.js';
import type { FakeChannel, FakeGuild, FakeMember } from '../fakes/discord/index.js';
import { Permission } from '../fakes/discord/index.js';
import { startCommunity, stopCommunity } from './community-helpers.js';
import {
  addGame,
  DAY,
  HOUR,
  isEphemeral,
  MINUTE,
  messageText,
  type TrackingSetup,
  track,
} from './tracking-helpers.js';

afterEach(stopCommunity);

const ZONE = 'America/New_York';
const BOGOTA = 'America/Bogota';

/**
 * The local weekday and hour of a full hour that starts 5 to 65 minutes from now: never within
 * the minute the test advances before the slot, whatever the wall clock the test starts at.
 */
function nextHourSlot(nowMs: number) {
  const target = nowMs + HOUR + 5 * MINUTE;
  const p = zonedParts(target, ZONE);
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  const slotMs = target - (p.minute * MINUTE + p.second * 1000 + (target % 1000));
  return { weekday, hour: p.hour, slotMs };
}

async function digests(s: TrackingSetup) {
  await s.h.bot.community.tick();
  await s.h.bot.dispatcher.drain();
  return s.h.discord.channelMessages(s.h.channel.id).filter((m) => m.embeds[0]?.title === '📰 Weekly digest');
}

describe('weekly digest', () => {
  it('posts once per week at its hour, across a restart mid-hour and after downtime', async () => {
    const s = await startCommunity();
    addGame(s.world, 1, 'Tiny <@here> Tale', 2);
    addGame(s.world, 2, 'Long Road', [
      { id: 201, points: 50, title: 'Hard Thing' },
      { id: 202, points: 5 },
      { id: 203, points: 5 },
    ]);
    for (const name of ['Ann', 'Bob']) s.world.addUser({ username: name });
    // Many players already have the easy ones; only Ann gets the hard one (rarest).
    s.world.addUser({ username: 'Crowd' });
    s.world.unlock('Crowd', 202);
    s.world.unlock('Crowd', 203);
    for (const name of ['Ann', 'Bob']) await track(s.h, name);
    const digestChannel = s.h.discord.addChannel(s.h.guild.id, { name: 'digest' });

    const { weekday, hour, slotMs } = nextHourSlot(s.clock.now().getTime());
    const refused = await s.h.slash(s.h.member, 'digest', {
      subcommand: 'on',
      options: { channel: digestChannel.id, weekday, hour, timezone: ZONE },
    });
    expect(refused.content).toContain('Only members with **Manage Server**');
    const on = await s.h.slash(s.h.admin, 'digest', {
      subcommand: 'on',
      options: { channel: digestChannel.id, weekday, hour, timezone: ZONE },
    });
    expect(isEphemeral(on)).toBe(true);
    expect(on.content).toContain(`<t:${slotMs / 1000}:F>`);

    s.clock.advance(MINUTE);
    s.world.unlock('Ann', 101, { hardcore: true });
    s.world.unlock('Ann', 102, { hardcore: true }); // mastered Tiny
    s.world.unlock('Ann', 201, { hardcore: true });
    s.world.unlock('Bob', 202, { hardcore: true });
    s.world.unlock('Bob', 203);
    await s.h.pollAndDrain();

    const list = () => s.h.discord.channelMessages(digestChannel.id);
    const tickAndDrain = async () => {
      await s.h.bot.community.tick();
      await s.h.bot.dispatcher.drain();
      return list();
    };
    expect(await tickAndDrain()).toEqual([]); // before its hour

    s.clock.advance(slotMs - s.clock.now().getTime() + 20 * MINUTE); // the middle of its hour
    // Queued, then the bot restarts before posting it: it goes out once after the restart.
    await s.h.bot.community.tick();
    await s.h.restart();
    const posted = await tickAndDrain();
    expect(posted).toHaveLength(1);
    const text = messageText(posted[0]!);
    expect(text).toMatch(/🥇 \[Ann\].* · 60 points · 3 unlocks/);
    expect(text).toMatch(/🥈 \[Bob\].* · 5 points · 2 unlocks/);
    expect(text).toMatch(/👑 Ann: \[Tiny .*here.* Tale\]\(.*\) · Mastered/);
    expect(text).not.toContain('<@here>');
    expect(text).toMatch(/Rarest unlock\n\[\*\*Hard Thing\*\*\].* by Ann in \[Long Road\]/);
    expect(text).toMatch(/Most played game\n\[Long Road\].* · 2 players, 3 unlocks/);
    expect(posted[0]!.embeds[0]?.description).toContain(`<t:${(slotMs - 7 * DAY) / 1000}:f>`);

    await s.h.restart(); // still in the middle of the hour
    expect(await tickAndDrain()).toHaveLength(1);

    // Down for over two weeks: two slots missed, ONE digest posted late (the latest week).
    await s.h.restart();
    s.clock.advance(15 * DAY);
    expect(await tickAndDrain()).toHaveLength(2);
    expect(await tickAndDrain()).toHaveLength(2);
    expect(list()[1]!.embeds[0]?.description).toContain(`<t:${(slotMs + 7 * DAY) / 1000}:f>`);

    const off = await s.h.slash(s.h.admin, 'digest', { subcommand: 'off' });
    expect(off.content).toContain('off');
    s.clock.advance(7 * DAY);
    expect(await tickAndDrain()).toHaveLength(2);
    expect(await digests(s)).toEqual([]); // nothing in the main channel
  });

  it('moving the digest to another zone, day or hour never posts twice in a day nor skips a week', async () => {
    const s = await startCommunity();
    s.world.addUser({ username: 'Ann' });
    await track(s.h, 'Ann');
    // To the next Monday 08:00 UTC.
    const nowMs = s.clock.now().getTime();
    const sinceMonday = (nowMs - Date.UTC(2026, 0, 5)) % (7 * DAY); // 2026-01-05 is a Monday
    s.clock.advance(7 * DAY - sinceMonday + 8 * HOUR);
    const monday9 = s.clock.now().getTime() + HOUR;
    const on = (hour: number, timezone: string, weekday = 1) =>
      s.h.slash(s.h.admin, 'digest', {
        subcommand: 'on',
        options: { channel: s.h.channel.id, weekday, hour, timezone },
      });
    await on(9, 'UTC');
    s.clock.advance(HOUR + 10 * MINUTE);
    expect(await digests(s)).toHaveLength(1); // Monday 09:00 UTC

    // Moved to 09:00 Bogotá (14:00 UTC, no daylight saving) the same Monday: the next digest is next Monday's,
    // and it covers the days since the last one ended.
    const moved = await on(9, BOGOTA);
    expect(moved.content).toContain(`<t:${(monday9 + 7 * DAY + 5 * HOUR) / 1000}:F>`);
    s.clock.advance(5 * HOUR);
    expect(await digests(s)).toHaveLength(1);
    s.clock.advance(7 * DAY);
    const posted = await digests(s);
    expect(posted).toHaveLength(2);
    expect(posted[1]!.embeds[0]?.description).toContain(`<t:${monday9 / 1000}:f>`);
    expect(posted[1]!.embeds[0]?.description).toContain(`<t:${(monday9 + 7 * DAY + 5 * HOUR) / 1000}:f>`);

    // Moved on Tuesday to Wednesday 08:00 Bogotá: posted the next day, from where the last ended.
    s.clock.advance(DAY);
    await on(8, BOGOTA, 3);
    s.clock.advance(DAY);
    const third = await digests(s);
    expect(third).toHaveLength(3);
    expect(third[2]!.embeds[0]?.description).toContain(`<t:${(monday9 + 7 * DAY + 5 * HOUR) / 1000}:f>`);
  });

  it('across a daylight-saving change each week starts where the last ended, and a skipped hour comes just after the jump', async () => {
    const s = await startCommunity();
    s.world.addUser({ username: 'Ann' });
    await track(s.h, 'Ann');
    // New York moves to daylight time on Sunday 14 March 2027 at 02:00 (07:00 UTC).
    s.clock.advance(Date.parse('2027-03-07T12:00:00Z') - s.clock.now().getTime());
    const skipped = await s.h.slash(s.h.admin, 'digest', {
      subcommand: 'on',
      options: { channel: s.h.channel.id, weekday: 0, hour: 2, timezone: ZONE },
    });
    // 02:00 doesn't exist that night: the digest goes at 03:00 daylight time, not 01:00 standard.
    expect(skipped.content).toContain(`<t:${Date.parse('2027-03-14T07:00:00Z') / 1000}:F>`);

    await s.h.slash(s.h.admin, 'digest', {
      subcommand: 'on',
      options: { channel: s.h.channel.id, weekday: 1, hour: 9, timezone: ZONE },
    });
    s.clock.advance(Date.parse('2027-03-08T14:10:00Z') - s.clock.now().getTime()); // 09:10 EST
    expect(await digests(s)).toHaveLength(1);
    s.clock.advance(Date.parse('2027-03-15T13:10:00Z') - s.clock.now().getTime()); // 09:10 EDT
    const posted = await digests(s);
    expect(posted).toHaveLength(2);
    const firstEnd = Date.parse('2027-03-08T14:00:00Z') / 1000;
    expect(posted[0]!.embeds[0]?.description).toContain(`– <t:${firstEnd}:f>`);
    expect(posted[1]!.embeds[0]?.description).toMatch(
      new RegExp(`^<t:${firstEnd}:f> – <t:${Date.parse('2027-03-15T13:00:00Z') / 1000}:f>`),
    );
  });

  it('one server whose digest fails does not hold up another server’s', async () => {
    let other!: { guild: FakeGuild; channel: FakeChannel; admin: FakeMember };
    const s = await startCommunity({
      beforeLogin: (discord) => {
        const guild = discord.addGuild({ name: 'Other Club' });
        const channel = discord.addChannel(guild.id, { name: 'digest' });
        const admin = discord.addMember(guild.id, {
          username: 'admin2',
          permissions: Permission.ManageGuild,
        });
        other = { guild, channel, admin };
      },
    });
    const { weekday, hour, slotMs } = nextHourSlot(s.clock.now().getTime());
    const options = { weekday, hour, timezone: ZONE };
    await s.h.slash(s.h.admin, 'digest', {
      subcommand: 'on',
      options: { channel: s.h.channel.id, ...options },
    });
    await s.h.slash(other.admin, 'digest', {
      subcommand: 'on',
      options: { channel: other.channel.id, ...options },
      guild: other.guild,
      channel: other.channel,
    });
    // The first server's zone became unknown to this runtime (an ICU update dropped it), so its
    // digest can't be scheduled; it is listed first.
    s.h.bot.store.db
      .prepare('UPDATE guild_community SET digest_time_zone = ? WHERE guild_id = ?')
      .run('Gone/Zone', s.h.guild.id);
    s.clock.advance(slotMs - s.clock.now().getTime() + 20 * MINUTE);
    await s.h.bot.community.tick();
    await s.h.bot.dispatcher.drain();
    expect(s.h.discord.channelMessages(other.channel.id).map((m) => m.embeds[0]?.title)).toEqual([
      '📰 Weekly digest',
    ]);
    expect(s.h.logs.some((l) => l.includes(s.h.guild.id) && l.includes('digest'))).toBe(true);
  });

  it('refuses an unknown time zone and suggests known ones', async () => {
    const s = await startCommunity();
    const reply = await s.h.slash(s.h.admin, 'digest', {
      subcommand: 'on',
      options: { channel: s.h.channel.id, weekday: 1, hour: 18, timezone: 'Mars/Olympus' },
    });
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toContain('isn’t a time zone I know');
    const show = await s.h.slash(s.h.admin, 'digest', { subcommand: 'show' });
    expect(show.content).toContain('off');
    const choices = await s.h.discord
      .sendAutocomplete({
        guildId: s.h.guild.id,
        channelId: s.h.channel.id,
        userId: s.h.admin.user.id,
        name: 'digest',
        subcommand: 'on',
        focused: 'timezone',
        options: { timezone: 'berl' },
      })
      .waitForChoices();
    expect(choices.map((c) => c.value)).toEqual(['Europe/Berlin']);
  });
});
