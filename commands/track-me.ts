/**
 * `/track me [remove]`: a linked member starts or stops announcements of their own RA account,
 * when the server allows it (`/settings members self-tracking:`), within the server's cap.
 */
import type { ChatInputCommandInteraction } from 'discord.js';
import { type CommandContext, UserFacingError } from '../src/discord/command.js';
import { safeText } from '../src/render/text.js';
import { checkAnnounceChannel, profilePoints, requireGuild } from './shared/guards.js';
import { replyMessages } from './shared/locale.js';

const bold = (text: string) => `**${safeText(text, 64, { singleLine: true })}**`;

export async function trackMe(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const guild = requireGuild(interaction);
  const link = ctx.store.linkOf(interaction.user.id);
  if (!link) throw new UserFacingError((m) => m.t('trackMe.needsLink', { hint: m.t('errors.linkHint') }));
  const tracked = ctx.store.findTrackedUser(guild.id, link.ulid);

  if (interaction.options.getBoolean('remove')) {
    // Always allowed: a member can stop announcements about themselves even when the server
    // no longer offers self-service tracking.
    if (!tracked)
      throw new UserFacingError((m) => m.t('trackMe.notTracked', { account: bold(link.displayName) }));
    ctx.store.untrackUser(guild.id, link.ulid);
    await interaction.editReply(
      replyMessages(interaction, ctx).t('trackMe.stopped', { account: bold(tracked.displayName) }),
    );
    return;
  }

  if (!ctx.store.getMemberSettings(guild.id).selfTracking) {
    throw new UserFacingError((m) => m.t('trackMe.notAllowed'));
  }
  if (tracked) {
    await interaction.editReply(
      replyMessages(interaction, ctx).t('trackMe.already', { account: bold(tracked.displayName) }),
    );
    return;
  }
  const channelId = ctx.store.getGuildSettings(guild.id).defaultChannelId;
  if (!channelId) {
    throw new UserFacingError((m) => m.t('trackMe.noChannel'));
  }
  const cap = ctx.config.MAX_TRACKED_USERS_PER_SERVER;
  const refuseWhenFull = () => {
    if (ctx.store.countTrackedUsers(guild.id) >= cap) {
      throw new UserFacingError((m) => m.t('trackMe.full', { cap }));
    }
  };
  refuseWhenFull();
  await checkAnnounceChannel(guild, channelId);
  // A fresh name and avatar for the announcements (one RA request).
  const profile = await ctx.ra.getUserProfile(link.ulid);
  // Checked again with no await before the write: another /track me may have taken the last place
  // meanwhile (this very member's in another command too: then it is already tracked).
  if (!ctx.store.findTrackedUser(guild.id, profile.ulid)) refuseWhenFull();
  ctx.store.trackUser({
    guildId: guild.id,
    ulid: profile.ulid,
    displayName: profile.user,
    userPic: profile.userPic,
    addedBy: interaction.user.id,
    // On RA's clock, as `/track add`: a skewed clock must neither announce what was earned before
    // nor hide what comes next.
    now: new Date(ctx.ra.raNow(ctx.now().getTime())),
    points: profilePoints(profile),
  });
  await interaction.editReply(
    replyMessages(interaction, ctx).t('trackMe.started', {
      account: bold(profile.user),
      channel: `<#${channelId}>`,
    }),
  );
}
