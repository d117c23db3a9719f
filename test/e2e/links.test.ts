/**
 * Linked accounts end to end: /link with the follow proof (read from the follower watcher's list),
 * its refusals, /unlink, managers linking by hand, and the link as the default user.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { PROOF_TIMEOUT_MS } from '../../src/tracking/link-proof.js';
import type { Harness } from './harness.js';
import { addFollowers, BOT_RA, followerTick, replyText, runFollowers, startLinks } from './links-helpers.js';
import { ephemeralError, runCommand } from './progress-helpers.js';
import { addGame, isEphemeral, MINUTE, messageText, startTracking } from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  if (h) {
    expect(h.discord.violations).toEqual([]);
    expect(h.discord.errors).toEqual([]);
  }
  await h?.stop();
  h = undefined;
});

const show = async (harness: Harness, who = harness.member) => (await harness.slash(who, 'link')).content;

describe('/link with the follow proof', () => {
  it('says whom to follow, links once the account follows the bot (the proof’s look asks RA nothing: the watcher reads), and the member sees it', async () => {
    const s = await startLinks();
    h = s.h;
    s.world.addUser({ username: 'Scott' });

    const handle = runCommand(h, h.member, 'link', { user: 'Scott' });
    const first = await handle.waitForReply(10_000);
    expect(isEphemeral(first)).toBe(true);
    expect(first.content).toContain(`**${BOT_RA}**`);
    expect(first.content).toContain(`${h.ra.siteUrl}/user/${BOT_RA}`);
    expect(first.content).toContain('follow');
    expect(first.content).toContain('15 minutes');

    // Not following yet: nothing happens, the member sees the request waiting.
    expect(await followerTick(s)).toBe(0);
    expect(replyText(handle)).not.toContain('Linked');
    expect(await show(h)).toContain('waiting for the follow proof');
    expect(await show(h)).toContain('isn’t linked');

    s.world.follow('Scott');
    expect(await followerTick(s)).toBe(0);
    expect(replyText(handle)).toContain('✅ Linked');
    expect(replyText(handle)).toContain('**Scott**');
    expect(await show(h)).toContain('linked to **Scott**');
    // Global to the bot: the same member sees it from another server.
    const other = h.discord.addGuild({ name: 'Other Club' });
    const otherChannel = h.discord.addChannel(other.id, { name: 'general' });
    h.discord.addMember(other.id, { userId: h.member.user.id, username: 'player' });
    const elsewhere = await h.slash(h.member, 'link', { guild: other, channel: otherChannel });
    expect(elsewhere.content).toContain('linked to **Scott**');
  });

  it('does not accept a follow that existed before the claim: the account must unfollow, then follow again', async () => {
    const s = await startLinks();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.follow('Scott');
    await followerTick(s);

    const handle = runCommand(h, h.member, 'link', { user: 'Scott' });
    expect((await handle.waitForReply(10_000)).content).toContain('**unfollow**');
    await followerTick(s);
    expect(replyText(handle)).not.toContain('Linked');

    s.world.unfollow('Scott');
    await followerTick(s);
    expect(replyText(handle)).toContain('no longer follows');
    s.world.follow('Scott');
    await followerTick(s);
    expect(replyText(handle)).toContain('✅ Linked');
  });

  it('at 10,000 followers, an account that followed minutes before someone else’s claim is not linked to the claimant', async () => {
    const s = await startLinks();
    h = s.h;
    addFollowers(s, 10_000);
    s.world.addUser({ username: 'Scott' });
    const watcher = h.bot.followers!;
    expect(await runFollowers(s, 10 * MINUTE, () => watcher.count !== null)).not.toBeNull();

    // Scott follows the bot (his own business), and three minutes later a rival claims him.
    s.world.follow('Scott');
    await runFollowers(s, 3 * MINUTE);
    const rival = h.discord.addMember(h.guild.id, { username: 'rival' });
    const handle = runCommand(h, rival, 'link', { user: 'Scott' });
    await handle.waitForReply(10_000);
    await runFollowers(s, 10 * MINUTE);
    // The follow is older than the claim: it proves nothing, the account must unfollow first.
    expect(replyText(handle)).not.toContain('Linked');
    expect(replyText(handle)).toContain('**unfollow**');
    expect(h.bot.store.linkOf(rival.user.id)).toBeNull();
  });

  it('at 10,000 followers, a member who already follows completes the unfollow/follow proof well within its time', async () => {
    const s = await startLinks();
    h = s.h;
    addFollowers(s, 10_000);
    s.world.addUser({ username: 'Scott' });
    s.world.follow('Scott');
    s.world.visit('Scott');
    const watcher = h.bot.followers!;
    expect(await runFollowers(s, 10 * MINUTE, () => watcher.count !== null)).not.toBeNull();
    // 700 others are active on the site since: Scott drifts down to page 2.
    await runFollowers(s, MINUTE);
    for (let i = 0; i < 700; i++) s.world.visit(`Fan${i}`);
    await runFollowers(s, 5 * MINUTE);

    const handle = runCommand(h, h.member, 'link', { user: 'Scott' });
    expect((await handle.waitForReply(10_000)).content).toContain('**unfollow**');
    await runFollowers(s, MINUTE);
    s.world.unfollow('Scott');
    const sawUnfollow = await runFollowers(s, 5 * MINUTE, () =>
      replyText(handle).includes('no longer follows'),
    );
    expect(sawUnfollow).not.toBeNull();
    s.world.follow('Scott');
    const sawFollow = await runFollowers(s, 5 * MINUTE, () => replyText(handle).includes('✅ Linked'));
    expect(sawFollow).not.toBeNull();
    expect(MINUTE + sawUnfollow! + sawFollow!).toBeLessThan(PROOF_TIMEOUT_MS);
    expect(h.bot.store.linkOf(h.member.user.id)?.displayName).toBe('Scott');
  });

  it('gives up after 15 minutes without the follow and says to try again', async () => {
    const s = await startLinks();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const handle = runCommand(h, h.member, 'link', { user: 'Scott' });
    await handle.waitForReply(10_000);
    // The proof gives up at 14.5 minutes (followerTick adds 10 s), while the reply can still be
    // edited: Discord's interaction token lives 15 minutes.
    s.clock.advance(PROOF_TIMEOUT_MS - 10_000);
    await followerTick(s);
    expect(replyText(handle)).toContain('within 15 minutes');
    expect(replyText(handle)).toContain('run `/link` again');
    // Following late changes nothing: the request is gone.
    s.world.follow('Scott');
    await followerTick(s);
    expect(await show(h)).toContain('isn’t linked');
  });

  it('refuses without RA_USERNAME, before asking RA anything', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const reply = await h.slash(h.member, 'link', { options: { user: 'Scott' } });
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toContain('RA_USERNAME');
    expect(reply.content).toContain('link you by hand');
    expect(h.ra.requests.count('GetUserProfile')).toBe(0);
  });

  it('refuses an RA account someone else linked, and one someone else is proving right now', async () => {
    const s = await startLinks();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    const rival = h.discord.addMember(h.guild.id, { username: 'rival' });

    // The admin links Scott to the member by hand; the rival can't claim Scott.
    await h.slash(h.admin, 'link', { options: { user: 'Scott', member: h.member.user.id } });
    const taken = await h.slash(rival, 'link', { options: { user: 'Scott' } });
    expect(isEphemeral(taken)).toBe(true);
    expect(taken.content).toContain('already linked to another Discord account');
    // Nor can a manager link Scott to someone else over it.
    const byHand = await h.slash(h.admin, 'link', { options: { user: 'Scott', member: rival.user.id } });
    expect(byHand.content).toContain('already linked to another member');

    // Amy is being proven by the member: the rival is turned away until that ends.
    const pending = runCommand(h, h.member, 'link', { user: 'Amy' });
    await pending.waitForReply(10_000);
    const busy = await h.slash(rival, 'link', { options: { user: 'Amy' } });
    expect(busy.content).toContain('Someone else is linking **Amy**');
    expect(await show(h, rival)).toContain('isn’t linked');
    // The bot's own account can't be linked.
    const own = await h.slash(rival, 'link', { options: { user: BOT_RA } });
    expect(own.content).toContain('bot’s own');
  });

  it('refuses to link the bot’s own account when RA_USERNAME is written in another letter case', async () => {
    const s = await startLinks({ env: { RA_USERNAME: BOT_RA.toLowerCase() } });
    h = s.h;
    for (const user of [BOT_RA, BOT_RA.toUpperCase()]) {
      const own = await h.slash(h.member, 'link', { options: { user } });
      expect(own.content).toContain('bot’s own');
    }
    expect(h.bot.store.linkOf(h.member.user.id)).toBeNull();
  });

  it('lets managers link and unlink members by hand; refuses others, ephemerally, changing nothing', async () => {
    const s = await startLinks();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const other = h.discord.addMember(h.guild.id, { username: 'other' });

    const refused = await h.slash(h.member, 'link', { options: { user: 'Scott', member: other.user.id } });
    expect(isEphemeral(refused)).toBe(true);
    expect(refused.content).toContain('Manage Server');
    expect(refused.content).toContain('Nothing was changed');
    expect(await show(h, other)).toContain('isn’t linked');

    const linked = await h.slash(h.admin, 'link', { options: { user: 'Scott', member: other.user.id } });
    expect(isEphemeral(linked)).toBe(true);
    expect(linked.content).toContain(`<@${other.user.id}>`);
    expect(await show(h, other)).toContain('linked to **Scott**');
    expect((await h.slash(h.admin, 'link', { options: { member: other.user.id } })).content).toContain(
      'is linked to **Scott**',
    );

    const unlinkRefused = await h.slash(h.member, 'unlink', { options: { member: other.user.id } });
    expect(unlinkRefused.content).toContain('Nothing was changed');
    expect(await show(h, other)).toContain('linked to **Scott**');
    const unlinked = await h.slash(h.admin, 'unlink', { options: { member: other.user.id } });
    expect(unlinked.content).toContain('link to **Scott** is removed');
    expect(await show(h, other)).toContain('isn’t linked');

    // A member unlinks themself.
    await h.slash(h.admin, 'link', { options: { user: 'Scott', member: h.member.user.id } });
    const self = await h.slash(h.member, 'unlink');
    expect(self.content).toContain('Your link to **Scott** is removed');
    expect((await h.slash(h.member, 'unlink')).content).toContain('no linked');
  });
});

describe('the link as the default user', () => {
  it('/progress and /profile use the invoker’s link when `user` is left out; unlinked members get a hint', async () => {
    const s = await startLinks();
    h = s.h;
    s.world.addUser({ username: 'Scott', motto: 'Blast processing' });
    const [first] = addGame(s.world, 3, 'Sonic', 2);
    s.world.unlock('Scott', first!, { hardcore: true });

    // Public commands: the "thinking…" placeholder goes, the hint comes privately.
    const hint = await ephemeralError(runCommand(h, h.member, 'progress', { game: '3' }));
    expect(hint.content).toContain('/link user:');
    const profileHint = await ephemeralError(runCommand(h, h.member, 'profile', {}));
    expect(profileHint.content).toContain('/link user:');
    expect(h.ra.requests.count('GetUserSummary')).toBe(0);

    await h.slash(h.admin, 'link', { options: { user: 'Scott', member: h.member.user.id } });
    const progress = await h.slash(h.member, 'progress', { options: { game: '3' } });
    expect(messageText(progress)).toContain('Scott');
    expect(messageText(progress)).toContain('Sonic');
    const profile = await h.slash(h.member, 'profile');
    expect(messageText(profile)).toContain('Scott');
    expect(messageText(profile)).toContain('Blast processing');

    // Autocomplete offers the member's own account first among the known ones.
    const choices = await h.discord
      .sendAutocomplete({
        guildId: h.guild.id,
        channelId: h.channel.id,
        userId: h.member.user.id,
        name: 'profile',
        focused: 'user',
        options: { user: '' },
      })
      .waitForChoices();
    expect(choices[0]?.name).toBe('Scott (you)');
  });
});
