/**
 * /profile end to end: the player card as a Discord user sees it, at most two RA requests, and
 * answers from the cache for a few minutes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeEmbed } from '../fakes/discord/index.js';
import type { Harness } from './harness.js';
import { ephemeralError, expectNoPings, expectWithinLimits, runCommand } from './progress-helpers.js';
import { addGame, MINUTE, startTracking } from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  if (h) {
    expect(h.discord.violations).toEqual([]);
    expect(h.discord.errors).toEqual([]);
  }
  await h?.stop();
  h = undefined;
});

const field = (embed: FakeEmbed | undefined, name: string) =>
  (embed as { fields?: { name: string; value: string }[] } | undefined)?.fields?.find((f) => f.name === name)
    ?.value ?? '';

describe('/profile', () => {
  it('shows the player card from two RA requests, then from the cache', async () => {
    const s = await startTracking();
    h = s.h;
    const scott = s.world.addUser({
      username: 'Scott',
      motto: '**Gotta** go fast @everyone',
      richPresenceMsg: 'Green Hill Zone, 3 lives',
    });
    s.world.addUser({ username: 'Amy' });
    const sonic = addGame(s.world, 3, 'Sonic the Hedgehog', 2);
    const tails = addGame(s.world, 4, 'Tails Adventure', 3);
    for (const id of sonic) s.world.unlock('Scott', id, { hardcore: true });
    s.world.unlock('Scott', tails[0]!, { at: new Date(Date.now() + MINUTE) });
    for (const id of [...sonic, ...tails]) s.world.unlock('Amy', id, { hardcore: true });

    const reply = await h.slash(h.member, 'profile', { options: { user: 'scott' } });
    expect(reply.flags & 64).toBe(0); // public
    const embed = reply.embeds[0];
    expect(embed?.title).toBe('Scott on RetroAchievements');
    expect(embed?.url).toBe(`${h.ra.siteUrl}/u/${scott.ulid}`);
    expect(JSON.stringify(embed)).toContain(`${h.ra.mediaUrl}/UserPic/Scott.png`);
    // Motto escaped and unable to ping; rich presence and the last game.
    expect(embed?.description).toContain('\\*\\*Gotta\\*\\* go fast');
    expect(embed?.description).not.toContain('@everyone');
    expect(embed?.description).toContain('Green Hill Zone, 3 lives');
    expect(embed?.description).toContain('Tails Adventure');
    expect(field(embed, 'Points')).toContain('**10** hardcore');
    expect(field(embed, 'Points')).toContain('5 softcore');
    expect(field(embed, 'Points')).toContain('20 RetroPoints');
    expect(field(embed, 'Site rank')).toBe('#2 of 2');
    expect(field(embed, 'Awards')).toContain('1 mastered');
    expect(field(embed, 'Awards')).toContain('0 completed');
    // Newest unlock first; the mastery listed.
    expect(field(embed, 'Latest unlocks').split('\n')[0]).toContain('Tails Adventure cheevo 1');
    expect(field(embed, 'Latest awards')).toContain('Mastered');
    expect(field(embed, 'Latest awards')).toContain('Sonic the Hedgehog');
    expectWithinLimits(reply);
    expectNoPings(h);

    expect(h.ra.requests.count()).toBe(2);
    expect(h.ra.requests.count('GetUserSummary')).toBe(1);
    expect(h.ra.requests.count('GetUserAwards')).toBe(1);
    // Asked again by name or by ULID within minutes: no RA request.
    await h.slash(h.member, 'profile', { options: { user: 'Scott' } });
    await h.slash(h.member, 'profile', { options: { user: scott.ulid } });
    expect(h.ra.requests.count()).toBe(2);
  });

  it('says so, privately, for an unknown user', async () => {
    const s = await startTracking();
    h = s.h;
    const error = await ephemeralError(runCommand(h, h.member, 'profile', { user: 'Nobody' }));
    expect(error.content).toContain('no user called “Nobody”');
  });
});
