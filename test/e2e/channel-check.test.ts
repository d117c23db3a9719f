/**
 * The announcement-channel check (/track add, /settings channel) as an admin sees it, with the
 * bot's lean caches: it keeps no channels or roles per server, so every answer here comes from
 * what Discord says now, including changes made after the bot came online.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BOT_PERMISSIONS, type FakeChannel, Permission } from '../fakes/discord/index.js';
import type { Harness } from './harness.js';
import { isEphemeral, startTracking, track } from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const setChannel = (harness: Harness, channelId: string) =>
  harness.slash(harness.admin, 'settings', { subcommand: 'channel', options: { channel: channelId } });

describe('announcement channel check', () => {
  it('respects channel overwrites: @everyone denied Send Messages is refused, unless the bot’s role is allowed it there', async () => {
    let muted!: FakeChannel;
    let botsOnly!: FakeChannel;
    const s = await startTracking({
      beforeLogin: (discord, base) => {
        const everyone = { id: base.guild.id, type: 'role' as const };
        muted = discord.addChannel(base.guild.id, {
          name: 'read-only',
          permissionOverwrites: [{ ...everyone, deny: Permission.SendMessages }],
        });
        botsOnly = discord.addChannel(base.guild.id, {
          name: 'bots-only',
          permissionOverwrites: [
            { ...everyone, deny: Permission.SendMessages },
            { id: base.guild.botRoleId, type: 'role', allow: Permission.SendMessages },
          ],
        });
      },
    });
    h = s.h;
    const refused = await setChannel(h, muted.id);
    expect(isEphemeral(refused)).toBe(true);
    expect(refused.content).toContain('**Send Messages**');
    expect(refused.content).not.toContain('Embed Links');
    expect(refused.content).toContain('Nothing was changed');

    const accepted = await setChannel(h, botsOnly.id);
    expect(accepted.content).toContain(`<#${botsOnly.id}>`);
    expect(accepted.content).not.toContain('missing');
  });

  it('sees the bot’s role lose and regain Embed Links after it came online', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    expect((await track(h, 'Scott')).content).toContain('Now tracking **Scott**');

    h.discord.setBotPermissions(h.guild.id, DEFAULT_BOT_PERMISSIONS & ~Permission.EmbedLinks);
    const refused = await track(h, 'Amy');
    expect(isEphemeral(refused)).toBe(true);
    expect(refused.content).toContain('**Embed Links**');
    expect(refused.content).not.toContain('Attach Files');

    h.discord.setBotPermissions(h.guild.id, DEFAULT_BOT_PERMISSIONS);
    expect((await track(h, 'Amy')).content).toContain('Now tracking **Amy**');
  });

  it('sees a channel overwrite added after it came online', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const later = h.discord.addChannel(h.guild.id, { name: 'later' });
    expect((await track(h, 'Scott', { channel: later.id })).content).toContain('Now tracking **Scott**');

    h.discord.setChannelOverwrites(later.id, [
      { id: h.guild.botRoleId, type: 'role', deny: Permission.AttachFiles },
    ]);
    const refused = await setChannel(h, later.id);
    expect(refused.content).toContain('**Attach Files**');
    expect(refused.content).not.toContain('Send Messages');
  });
});
