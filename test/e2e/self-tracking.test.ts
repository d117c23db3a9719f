/**
 * Self-service tracking (`/track me`) and naming linked members in announcements, as members
 * and managers see them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { startLinks } from './links-helpers.js';
import { addGame, channelPostBodies, isEphemeral, track } from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  if (h) expect(h.discord.violations).toEqual([]);
  await h?.stop();
  h = undefined;
});

const trackMe = (harness: Harness, remove?: boolean) =>
  harness.slash(harness.member, 'track', {
    subcommand: 'me',
    ...(remove === undefined ? {} : { options: { remove } }),
  });
const members = (harness: Harness, who: Harness['admin'], options: Record<string, boolean> = {}) =>
  harness.slash(who, 'settings', { subcommand: 'members', options });
const trackedList = async (harness: Harness) =>
  (await harness.slash(harness.member, 'track', { subcommand: 'list' })).embeds[0]?.description ?? '';

describe('/track me', () => {
  it('is off by default; once a manager allows it, a linked member starts and stops their own tracking within the cap', async () => {
    const s = await startLinks({ env: { MAX_TRACKED_USERS_PER_SERVER: '1' } });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });

    const unlinked = await trackMe(h);
    expect(isEphemeral(unlinked)).toBe(true);
    expect(unlinked.content).toContain('needs a linked account');
    await h.slash(h.admin, 'link', { options: { user: 'Scott', member: h.member.user.id } });

    const off = await trackMe(h);
    expect(off.content).toContain('doesn’t let members start their own tracking');
    expect(await trackedList(h)).not.toContain('Scott');

    // Only managers change it.
    const refused = await members(h, h.member, { 'self-tracking': true });
    expect(refused.content).toContain('Manage Server');
    expect((await trackMe(h)).content).toContain('doesn’t let members');
    const on = await members(h, h.admin, { 'self-tracking': true });
    expect(isEphemeral(on)).toBe(true);
    expect(on.content).toContain('Self-service tracking (`/track me`): **on**');

    // The cap counts: Amy fills the only place.
    await track(h, 'Amy');
    const full = await trackMe(h);
    expect(full.content).toContain('already tracks 1 users');
    expect(await trackedList(h)).not.toContain('Scott');
    await h.slash(h.admin, 'track', { subcommand: 'remove', options: { user: 'Amy' } });

    const started = await trackMe(h);
    expect(isEphemeral(started)).toBe(true);
    expect(started.content).toContain('Now announcing **Scott**');
    expect(await trackedList(h)).toContain('Scott');
    expect((await trackMe(h)).content).toContain('already tracked');

    const stopped = await trackMe(h, true);
    expect(stopped.content).toContain('Stopped announcing **Scott**');
    expect(await trackedList(h)).not.toContain('Scott');
    expect((await trackMe(h, true)).content).toContain('isn’t tracked');

    // Turned off again: starting is refused, stopping one's own stays possible.
    await trackMe(h);
    await members(h, h.admin, { 'self-tracking': false });
    expect((await trackMe(h, true)).content).toContain('Stopped announcing');
    expect((await trackMe(h)).content).toContain('doesn’t let members');
  });

  it('keeps to the cap when two members start their own tracking at the same moment', async () => {
    const s = await startLinks({ env: { MAX_TRACKED_USERS_PER_SERVER: '1' } });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    await h.slash(h.admin, 'link', { options: { user: 'Scott', member: h.member.user.id } });
    const other = h.discord.addMember(h.guild.id, { username: 'amy' });
    await h.slash(h.admin, 'link', { options: { user: 'Amy', member: other.user.id } });
    await members(h, h.admin, { 'self-tracking': true });
    h.ra.latencyMs = 100; // both are checked before either is written
    const replies = await Promise.all(
      [h.member, other].map((who) => h!.slash(who, 'track', { subcommand: 'me' })),
    );
    const contents = replies.map((r) => r.content).sort();
    expect(contents[0]).toContain('Now announcing');
    expect(contents[1]).toContain('already tracks 1 users');
    expect(h.bot.store.countTrackedUsers(h.guild.id)).toBe(1);
  });
});

describe('naming linked members in announcements', () => {
  it('names the member beside the RA name only when the server turned it on, and never pings', async () => {
    const s = await startLinks();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const [a1, a2] = addGame(s.world, 7, 'Streets of Rage', 3);
    await h.slash(h.admin, 'link', { options: { user: 'Scott', member: h.member.user.id } });
    await track(h, 'Scott');

    s.world.unlock('Scott', a1!, { hardcore: true });
    await h.pollAndDrain();
    const plain = h.discord.channelMessages(h.channel.id).at(-1)!;
    expect(JSON.stringify(plain)).not.toContain(h.member.user.id);

    const on = await members(h, h.admin, { 'name-members': true });
    expect(on.content).toContain('Name linked members in announcements: **on**');
    s.world.unlock('Scott', a2!, { hardcore: true });
    await h.pollAndDrain();
    const named = h.discord.channelMessages(h.channel.id).at(-1)!;
    expect(named.content).toContain(`**Scott** (<@${h.member.user.id}>)`);
    // Named, never pinged: the post disables mentions and Discord records none.
    expect(named.mentions).toEqual([]);
    expect(channelPostBodies(h, h.channel.id).at(-1)?.allowed_mentions).toEqual({ parse: [] });
  });
});
