import { SlashCommandBuilder } from '@discordjs/builders';
import { ChannelType, type ChatInputCommandInteraction, InteractionContextType } from 'discord.js';
import { type Command, type CommandContext, UserFacingError } from '../src/discord/command.js';
import { parseRaUser } from '../src/ra/validate.js';
import { botAccount, followLine, renderTrackListReply } from '../src/render/speed.js';
import { safeText } from '../src/render/text.js';
import type { FollowerWatcher } from '../src/tracking/followers.js';
import {
  checkAnnounceChannel,
  profilePoints,
  requireAnnounceChannel,
  requireGuild,
  requireManager,
  trackedUserChoices,
} from './shared/guards.js';
import { replyMessages } from './shared/locale.js';
import { trackMe } from './track-me.js';

const data = new SlashCommandBuilder()
  .setName('track')
  .setDescription('Choose which RetroAchievements users this server follows')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub
      .setName('add')
      .setDescription('Announce this RetroAchievements user’s new unlocks and awards')
      .addStringOption((o) =>
        o
          .setName('user')
          .setDescription('RA username, display name or ULID')
          .setRequired(true)
          .setMaxLength(40),
      )
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('Where to announce (defaults to the server’s announcement channel)')
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('remove')
      .setDescription('Stop announcing a tracked user')
      .addStringOption((o) =>
        o
          .setName('user')
          .setDescription('A tracked user')
          .setRequired(true)
          .setAutocomplete(true)
          .setMaxLength(40),
      ),
  )
  .addSubcommand((sub) => sub.setName('list').setDescription('Show the users this server tracks'))
  .addSubcommand((sub) =>
    sub
      .setName('me')
      .setDescription('Announce your own linked RA account here (if this server allows it)')
      .addBooleanOption((o) => o.setName('remove').setDescription('Stop announcing your account instead')),
  )
  .toJSON();

const bold = (text: string) => `**${safeText(text, 64, { singleLine: true })}**`;

async function add(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const guild = requireGuild(interaction);
  const settings = requireManager(interaction, ctx, guild.id, 'tracking');
  const user = parseRaUser(interaction.options.getString('user', true));
  const picked = await requireAnnounceChannel(interaction, guild, 'channel');
  const noChannel = new UserFacingError((m) => m.t('track.noChannel'));
  // Refuse before asking RA when no channel can apply (a known user may have their own one).
  if (!picked && !settings.defaultChannelId && !ctx.store.findTrackedUser(guild.id, user)?.channelId) {
    throw noChannel;
  }

  const profile = await ctx.ra.getUserProfile(user);
  const existing = ctx.store.findTrackedUser(guild.id, profile.ulid);
  // Re-adding without `channel:` keeps the user's own channel (idempotent); with it, it changes.
  const channelId = picked?.id ?? existing?.channelId ?? settings.defaultChannelId;
  if (!channelId) throw noChannel;
  // Re-check a channel chosen earlier too: permissions may have changed since it was set.
  if (!picked) await checkAnnounceChannel(guild, channelId);
  if (!existing && ctx.store.countTrackedUsers(guild.id) >= ctx.config.MAX_TRACKED_USERS_PER_SERVER) {
    throw new UserFacingError((m) => m.t('track.full', { cap: ctx.config.MAX_TRACKED_USERS_PER_SERVER }));
  }
  const { created } = ctx.store.trackUser({
    guildId: guild.id,
    ulid: profile.ulid,
    displayName: profile.user,
    userPic: profile.userPic,
    channelId: picked ? picked.id : undefined,
    addedBy: interaction.user.id,
    points: profilePoints(profile),
    // On RA's clock: a skewed clock must neither announce what was earned before nor hide what comes next.
    now: new Date(ctx.ra.raNow(ctx.now().getTime())),
  });
  const m = replyMessages(interaction, ctx);
  const speed = followLine(
    profile.user,
    {
      follows: ctx.followers?.isFollower(profile.ulid) ?? null,
      followed: ctx.following?.isFollower(profile.ulid) ?? null,
    },
    botAccount(ctx.config.RA_USERNAME, ctx.urls),
    m,
  );
  const said = { account: bold(profile.user), channel: `<#${channelId}>` };
  await interaction.editReply(
    (created ? m.t('track.added', said) : m.t('track.already', said)) + (speed ? `\n${speed}` : ''),
  );
}

async function remove(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const guild = requireGuild(interaction);
  requireManager(interaction, ctx, guild.id, 'tracking');
  const input = interaction.options.getString('user', true).trim();
  const tracked = ctx.store.findTrackedUser(guild.id, input);
  if (!tracked) {
    throw new UserFacingError((m) => m.t('track.notTracked', { account: bold(input) }));
  }
  ctx.store.untrackUser(guild.id, tracked.ulid);
  await interaction.editReply(
    replyMessages(interaction, ctx).t('track.removed', { account: bold(tracked.displayName) }),
  );
}

async function list(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const guild = requireGuild(interaction);
  const settings = ctx.store.getGuildSettings(guild.id);
  const users = ctx.store.listTrackedUsers(guild.id);
  const listed = (watcher: FollowerWatcher | undefined) =>
    watcher && watcher.count !== null
      ? new Set(users.filter((u) => watcher.isFollower(u.ulid)).map((u) => u.ulid.toUpperCase()))
      : null;
  const m = replyMessages(interaction, ctx);
  await interaction.editReply({
    embeds: renderTrackListReply(
      { users, defaultChannelId: settings.defaultChannelId, urls: ctx.urls, messages: m },
      {
        users,
        followers: listed(ctx.followers),
        followed: listed(ctx.following),
        bot: botAccount(ctx.config.RA_USERNAME, ctx.urls),
        messages: m,
      },
    ),
  });
}

export const trackCommand: Command = {
  data,
  deferMode: () => 'ephemeral',
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    if (sub === 'add') return add(interaction, ctx);
    if (sub === 'remove') return remove(interaction, ctx);
    if (sub === 'me') return trackMe(interaction, ctx);
    return list(interaction, ctx);
  },
  async autocomplete(interaction, ctx) {
    return trackedUserChoices(ctx, interaction.guildId, interaction.options.getFocused());
  },
};
