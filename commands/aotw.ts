import { SlashCommandBuilder } from '@discordjs/builders';
import { ChannelType, type ChatInputCommandInteraction, InteractionContextType } from 'discord.js';
import { readAotwSnapshot } from '../src/community/aotw.js';
import { type Command, type CommandContext, UserFacingError } from '../src/discord/command.js';
import { type AotwHolder, renderAotwStatus } from '../src/render/community.js';
import { requireAnnounceChannel, requireGuild, requireManager } from './shared/guards.js';
import { replyMessages } from './shared/locale.js';

const data = new SlashCommandBuilder()
  .setName('aotw')
  .setDescription('RetroAchievements’ Achievement of the Week')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub.setName('show').setDescription('The current Achievement of the Week and who here has it'),
  )
  .addSubcommand((sub) =>
    sub
      .setName('announce')
      .setDescription('Post here when a new Achievement of the Week starts (omit the channel to stop)')
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('Text or announcement channel')
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      ),
  )
  .toJSON();

/** RA's unlock list (since the AotW started) and what the bot stored, by tracked user. */
function holders(
  ctx: CommandContext,
  guildId: string,
  achievementId: number,
  raUnlocks: readonly { user: string; ulid: string | null; hardcore: boolean }[],
): AotwHolder[] {
  const found = new Map<string, AotwHolder>();
  for (const holder of ctx.store.leaderboard.holdersOf(guildId, achievementId))
    found.set(holder.ulid, holder);
  for (const unlock of raUnlocks) {
    const tracked = ctx.store.findTrackedUser(guildId, unlock.ulid ?? unlock.user);
    if (!tracked) continue;
    const known = found.get(tracked.ulid);
    found.set(tracked.ulid, {
      ulid: tracked.ulid,
      displayName: tracked.displayName,
      hardcore: unlock.hardcore || (known?.hardcore ?? false),
    });
  }
  return [...found.values()].sort((a, b) =>
    a.displayName.localeCompare(b.displayName, 'en', { sensitivity: 'base' }),
  );
}

async function show(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const guild = requireGuild(interaction);
  // The stored copy (read from RA once an hour for all servers): no request here.
  const snapshot = readAotwSnapshot(ctx.store);
  const aotw = snapshot?.current ?? null;
  const embed = renderAotwStatus({
    aotw,
    holders: aotw ? holders(ctx, guild.id, aotw.achievement.id, aotw.unlocks) : [],
    trackedCount: ctx.store.countTrackedUsers(guild.id),
    checkedAt: snapshot ? new Date(snapshot.checkedAt) : null,
    urls: ctx.urls,
    messages: replyMessages(interaction, ctx),
  });
  await interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
}

async function announce(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const guild = requireGuild(interaction);
  requireManager(interaction, ctx, guild.id, 'aotw');
  const channel = await requireAnnounceChannel(interaction, guild, 'channel');
  ctx.store.community.setAotwChannel(guild.id, channel?.id ?? null, ctx.now());
  const m = replyMessages(interaction, ctx);
  await interaction.editReply(
    channel ? m.t('aotw.postsOn', { channel: `<#${channel.id}>` }) : m.t('aotw.postsOff'),
  );
}

export const aotwCommand: Command = {
  data,
  // Everyone sees the AotW; a manager's settings change answers privately.
  deferMode: (interaction) =>
    interaction.options.getSubcommand(false) === 'announce' ? 'ephemeral' : 'public',
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    if (sub === 'announce') return announce(interaction, ctx);
    if (sub === 'show') return show(interaction, ctx);
    throw new UserFacingError((m) => m.t('errors.unknownCommand'));
  },
};
