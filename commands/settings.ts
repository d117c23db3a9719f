import { SlashCommandBuilder } from '@discordjs/builders';
import {
  ApplicationCommandOptionType,
  ChannelType,
  type ChatInputCommandInteraction,
  InteractionContextType,
} from 'discord.js';
import { type Command, type CommandContext, UserFacingError } from '../src/discord/command.js';
import { isSupportedLocale, LOCALE_NAMES, type Messages, SUPPORTED_LOCALES } from '../src/i18n/index.js';
import { renderSettings } from '../src/render/admin.js';
import { botAccount, renderSpeedEmbed } from '../src/render/speed.js';
import { GAME_FAILING_WARN_MS } from '../src/tracking/poller.js';
import { membersSettings } from './settings-members.js';
import { requireAnnounceChannel, requireGuild, requireManager } from './shared/guards.js';
import { english, replyMessages, serverLanguageOf } from './shared/locale.js';

/** `/settings language locale:auto` forgets the choice: posts follow the server's Discord language. */
const AUTO = 'auto';

/** `/settings retry` sends again what failed this recently. */
const RETRY_WINDOW_MS = 7 * 24 * 60 * 60_000;

const data = new SlashCommandBuilder()
  .setName('settings')
  .setDescription('Where and what this server announces')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub
      .setName('channel')
      .setDescription('Set the default channel for announcements')
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('Text or announcement channel')
          .setRequired(true)
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      ),
  )
  .addSubcommand((sub) =>
    sub.setName('show').setDescription('Show this server’s settings and delivery problems'),
  )
  .addSubcommand((sub) =>
    sub.setName('retry').setDescription('Send again the announcements that failed in the last 7 days'),
  )
  .addSubcommand((sub) =>
    sub
      .setName('manager-role')
      .setDescription('Let members with this role manage tracking (omit the role to clear)')
      .addRoleOption((o) => o.setName('role').setDescription('The manager role').setRequired(false)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('announce')
      .setDescription('Choose what gets announced')
      .addBooleanOption((o) => o.setName('unlocks').setDescription('Announce achievement unlocks'))
      .addBooleanOption((o) =>
        o.setName('awards').setDescription('Announce beaten/completed/mastered awards'),
      )
      .addBooleanOption((o) => o.setName('softcore').setDescription('Also announce softcore unlocks')),
  )
  .addSubcommand((sub) =>
    sub
      .setName('members')
      .setDescription('What linked members may do here (omit both to see the current choice)')
      .addBooleanOption((o) =>
        o
          .setName('self-tracking')
          .setDescription('Linked members may /track me (within the cap); off by default'),
      )
      .addBooleanOption((o) =>
        o
          .setName('name-members')
          .setDescription('Announcements name the linked Discord member (never a ping); off by default'),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('language')
      .setDescription(english('cmd.settings.language'))
      .addStringOption((o) =>
        o
          .setName('locale')
          .setDescription(english('cmd.settings.language.locale'))
          .addChoices(...SUPPORTED_LOCALES.map((locale) => ({ name: LOCALE_NAMES[locale], value: locale })), {
            name: english('cmd.settings.language.locale.choice.auto'),
            value: AUTO,
          }),
      ),
  )
  .toJSON();

async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const guild = requireGuild(interaction);
  const settings = requireManager(interaction, ctx, guild.id, 'settings');
  const sub = interaction.options.getSubcommand();
  const now = ctx.now();
  const m = replyMessages(interaction, ctx);
  if (sub === 'channel') {
    const channel = await requireAnnounceChannel(interaction, guild, 'channel');
    if (!channel) throw new UserFacingError((t) => t.t('settings.pickChannel'));
    ctx.store.updateGuildSettings(guild.id, { defaultChannelId: channel.id }, now);
    await interaction.editReply(m.t('settings.channelSet', { channel: `<#${channel.id}>` }));
    return;
  }
  if (sub === 'manager-role') {
    const role = interaction.options.get('role');
    const roleId = role?.type === ApplicationCommandOptionType.Role ? String(role.value) : null;
    ctx.store.updateGuildSettings(guild.id, { managerRoleId: roleId }, now);
    await interaction.editReply({
      content: roleId ? m.t('settings.roleSet', { role: `<@&${roleId}>` }) : m.t('settings.roleCleared'),
      allowedMentions: { parse: [] },
    });
    return;
  }
  if (sub === 'announce') {
    const patch = {
      announceUnlocks: interaction.options.getBoolean('unlocks') ?? undefined,
      announceAwards: interaction.options.getBoolean('awards') ?? undefined,
      announceSoftcore: interaction.options.getBoolean('softcore') ?? undefined,
    };
    const updated = ctx.store.updateGuildSettings(guild.id, patch, now);
    const onOff = (v: boolean) => m.t(v ? 'admin.on' : 'admin.off');
    await interaction.editReply(
      m.t('settings.announceSet', {
        unlocks: onOff(updated.announceUnlocks),
        awards: onOff(updated.announceAwards),
        softcore: onOff(updated.announceSoftcore),
      }),
    );
    return;
  }
  if (sub === 'language') {
    const chosen = interaction.options.getString('locale');
    if (chosen !== null) {
      ctx.store.setGuildLanguage(guild.id, isSupportedLocale(chosen) ? chosen : null, now);
    }
    const language = LOCALE_NAMES[serverLanguageOf(interaction, ctx)];
    const auto = ctx.store.guildLanguage(guild.id) === null;
    const key =
      chosen === null
        ? auto
          ? 'settings.languageIsAuto'
          : 'settings.languageIs'
        : auto
          ? 'settings.languageSetAuto'
          : 'settings.languageSet';
    await interaction.editReply(m.t(key, { language }));
    return;
  }
  if (sub === 'members') {
    await interaction.editReply(membersSettings(interaction, ctx, guild.id, now));
    return;
  }
  if (sub === 'retry') {
    const count = ctx.store.retryFailedOutbox(guild.id, now.getTime() - RETRY_WINDOW_MS, now);
    await interaction.editReply(count === 0 ? m.t('settings.retryNone') : m.t('settings.retried', { count }));
    return;
  }
  // show
  const tracked = ctx.store.countTrackedUsers(guild.id);
  const outbox = ctx.store.outboxStatus(guild.id, now);
  await interaction.editReply({
    embeds: [
      renderSettings({
        messages: m,
        language: {
          name: LOCALE_NAMES[serverLanguageOf(interaction, ctx)],
          chosen: ctx.store.guildLanguage(guild.id) !== null,
        },
        settings,
        tracked,
        outbox,
        cap: ctx.config.MAX_TRACKED_USERS_PER_SERVER,
        now: now.getTime(),
        failingGames: ctx.store.gameFailuresOf(guild.id, now.getTime() - GAME_FAILING_WARN_MS),
      }),
      speedEmbed(ctx, guild.id, tracked, now, m),
    ],
  });
}

/** Unlock-to-post over 24 hours, how often this server's users are polled, who follows the bot. */
function speedEmbed(ctx: CommandContext, guildId: string, tracked: number, now: Date, messages: Messages) {
  const ulids = ctx.store.listTrackedUsers(guildId).map((u) => u.ulid);
  const watcher = ctx.followers;
  return renderSpeedEmbed({
    latency: ctx.store.latency.unlockToPost(guildId, now.getTime() - 24 * 60 * 60_000),
    polling: ctx.polling?.summary(ulids) ?? null,
    pollCron: ctx.config.POLL_CRON,
    trackedFollowers:
      watcher && watcher.count !== null ? ulids.filter((u) => watcher.isFollower(u)).length : null,
    tracked,
    bot: botAccount(ctx.config.RA_USERNAME, ctx.urls),
    messages,
  });
}

export const settingsCommand: Command = {
  data,
  deferMode: () => 'ephemeral',
  execute,
};
