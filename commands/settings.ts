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
import { renderRoutesEmbed } from '../src/render/routes.js';
import { botAccount, renderSpeedEmbed } from '../src/render/speed.js';
import { GAME_FAILING_WARN_MS } from '../src/tracking/poller.js';
import { membersSettings } from './settings-members.js';
import { filterSubcommand, routeSubcommand, setFilters, setRoute } from './settings-route.js';
import { testPosts } from './settings-test.js';
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
      .addBooleanOption((o) => o.setName('softcore').setDescription('Also announce softcore unlocks'))
      .addBooleanOption((o) =>
        o.setName('milestones').setDescription('Announce 25%, 50% and 75% of a set (off by default)'),
      ),
  )
  .addSubcommand(routeSubcommand)
  .addSubcommand(filterSubcommand)
  .addSubcommand((sub) =>
    sub.setName('test').setDescription('Post a marked sample of each enabled kind where it would go'),
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
    const milestones = interaction.options.getBoolean('milestones') ?? undefined;
    const filters =
      milestones === undefined
        ? ctx.store.routes.filters(guild.id)
        : ctx.store.routes.updateFilters(guild.id, { milestones }, now);
    await interaction.editReply(
      `${m.t('settings.announceSet', {
        unlocks: onOff(updated.announceUnlocks),
        awards: onOff(updated.announceAwards),
        softcore: onOff(updated.announceSoftcore),
      })}\n${m.t('routes.milestones')}: **${filters.milestones ? m.t('routes.milestonesOn') : m.t('routes.milestonesOff')}**`,
    );
    return;
  }
  if (sub === 'route') {
    await interaction.editReply(await setRoute(interaction, ctx, guild, m));
    return;
  }
  if (sub === 'test') {
    await interaction.editReply({ embeds: [await testPosts(interaction, ctx, guild)] });
    return;
  }
  if (sub === 'filter') {
    await interaction.editReply(setFilters(interaction, ctx, guild.id, m));
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
      routesEmbed(interaction, ctx, guild.id),
    ],
  });
}

/** Issue 20's routes, unlock filters and milestones switch. */
function routesEmbed(interaction: ChatInputCommandInteraction, ctx: CommandContext, guildId: string) {
  const { milestones, ...filters } = ctx.store.routes.filters(guildId);
  return renderRoutesEmbed(
    { routes: ctx.store.routes.routes(guildId), filters, milestones },
    replyMessages(interaction, ctx),
  );
}

/** Unlock-to-post over 24 hours, how often this server's users are polled, who is watched. */
function speedEmbed(ctx: CommandContext, guildId: string, tracked: number, now: Date, messages: Messages) {
  const ulids = ctx.store.listTrackedUsers(guildId).map((u) => u.ulid);
  const { followers, following } = ctx;
  const watched =
    followers && following && followers.count !== null && following.count !== null
      ? {
          follows: ulids.filter((u) => followers.isFollower(u)).length,
          followed: ulids.filter((u) => following.isFollower(u)).length,
          either: ulids.filter((u) => followers.isFollower(u) || following.isFollower(u)).length,
        }
      : null;
  return renderSpeedEmbed({
    latency: ctx.store.latency.unlockToPost(guildId, now.getTime() - 24 * 60 * 60_000),
    polling: ctx.polling?.summary(ulids) ?? null,
    pollCron: ctx.config.POLL_CRON,
    watched,
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
