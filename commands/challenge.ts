import { SlashCommandBuilder } from '@discordjs/builders';
import {
  type ButtonInteraction,
  ChannelType,
  type ChatInputCommandInteraction,
  InteractionContextType,
  MessageFlags,
} from 'discord.js';
import {
  competitionChannel,
  readProgressAtStart,
  serverTimeZone,
  standingsOf,
} from '../src/challenges/feature.js';
import { endOfMonth, parseEnds, yearIn } from '../src/challenges/moment.js';
import { type Command, type CommandContext, UserFacingError } from '../src/discord/command.js';
import { isManager } from '../src/discord/permissions.js';
import type { ChallengeGame, ChallengeStartPayload } from '../src/domain/challenges.js';
import type { Messages } from '../src/i18n/index.js';
import {
  CHALLENGE_ID_PREFIX,
  type ChallengeShowState,
  decodeChallengeShowId,
  renderChallengeHistory,
  renderChallengeShow,
} from '../src/render/challenges.js';
import { safeText } from '../src/render/text.js';
import { gameChoices, gameOption, resolveGame } from './shared/game-option.js';
import { requireAnnounceChannel, requireGuild } from './shared/guards.js';
import { replyMessages } from './shared/locale.js';

/** Page buttons work this long after the command (Discord's interaction token lives 15 minutes). */
const SHOW_LIFETIME_MS = 15 * 60_000;

const data = new SlashCommandBuilder()
  .setName('challenge')
  .setDescription('Server challenges: one RA game, points for what is earned while it runs')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub
      .setName('start')
      .setDescription('Start a challenge on one game (managers)')
      .addStringOption((o) => gameOption(o))
      .addStringOption((o) =>
        o
          .setName('ends')
          .setDescription('A duration (90m, 12h, 3d) or a date (2027-01-31); default: end of this month')
          .setMaxLength(20),
      )
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('Where its posts go (default: the server’s announcement channel)')
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      )
      .addBooleanOption((o) =>
        o
          .setName('softcore')
          .setDescription('Count softcore unlocks and awards too (default: hardcore only)'),
      ),
  )
  .addSubcommand((sub) => sub.setName('show').setDescription('Standings of the running challenge'))
  .addSubcommand((sub) =>
    sub.setName('end').setDescription('End the running challenge now; the results are posted (managers)'),
  )
  .addSubcommand((sub) =>
    sub
      .setName('history')
      .setDescription('Past challenges and the yearly table')
      .addIntegerOption((o) =>
        o.setName('year').setDescription('Default: this year').setMinValue(2000).setMaxValue(2100),
      ),
  )
  .toJSON();

function requireChallengeManager(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  guildId: string,
  m: Messages,
) {
  if (!isManager(interaction, ctx.store.getGuildSettings(guildId).managerRoleId)) {
    throw new UserFacingError(m.t('challenge.errManager'));
  }
}

const title = (game: ChallengeGame) => `**${safeText(game.title, 100, { singleLine: true })}**`;
const when = (ms: number) => `<t:${Math.floor(ms / 1000)}:f>`;

async function start(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  m: Messages,
): Promise<void> {
  const guild = requireGuild(interaction);
  requireChallengeManager(interaction, ctx, guild.id, m);
  const running = ctx.store.challenges.running(guild.id);
  if (running)
    throw new UserFacingError(
      m.t('challenge.errRunning', { game: title(running.game), end: when(running.endsAt) }),
    );
  const nowMs = ctx.now().getTime();
  const zone = serverTimeZone(ctx.store, guild.id);
  const endsText = interaction.options.getString('ends')?.trim();
  let endsAt = endOfMonth(nowMs, zone);
  if (endsText) {
    const parsed = parseEnds(endsText, nowMs, zone);
    if (!parsed.ok) {
      throw new UserFacingError(
        parsed.why === 'format'
          ? m.t('challenge.errEndsFormat', { text: safeText(endsText, 20, { singleLine: true }) })
          : parsed.why === 'past'
            ? m.t('challenge.errEndsPast')
            : m.t('challenge.errEndsFar'),
      );
    }
    endsAt = parsed.at;
  }
  const picked = await requireAnnounceChannel(interaction, guild, 'channel');
  const channelId = competitionChannel(ctx.store, guild.id, 'challenge', picked?.id ?? null);
  if (!channelId) throw new UserFacingError(m.t('challenge.errNoChannel'));
  const gameId = resolveGame(ctx, interaction.options.getString('game', true));
  // The card is read once (the person waits: the commands lane); posts render from this copy.
  const details = await ctx.ra.getGameExtended(gameId);
  const game: ChallengeGame = {
    id: details.id,
    title: details.title,
    consoleName: details.consoleName,
    imageIcon: details.imageIcon,
    imageBoxArt: details.imageBoxArt,
    numAchievements: details.numAchievements,
    points: details.points,
  };
  const softcore = interaction.options.getBoolean('softcore') ?? false;
  const payload: ChallengeStartPayload = {
    version: 1,
    kind: 'challenge-start',
    game,
    startsAt: nowMs,
    endsAt,
    softcore,
  };
  const started = ctx.store.challenges.start(
    {
      guildId: guild.id,
      channelId,
      game,
      startsAt: nowMs,
      endsAt,
      softcore,
      startedBy: interaction.user.id,
      payload,
    },
    nowMs,
  );
  if (!started) {
    const other = ctx.store.challenges.running(guild.id)!;
    throw new UserFacingError(
      m.t('challenge.errRunning', { game: title(other.game), end: when(other.endsAt) }),
    );
  }
  readProgressAtStart(ctx.store, started, nowMs);
  ctx.challenges?.queued();
  await interaction.editReply({
    content: m.t('challenge.started', { game: title(game), end: when(endsAt), channel: `<#${channelId}>` }),
    allowedMentions: { parse: [] },
  });
}

function showView(ctx: CommandContext, guildId: string, state: ChallengeShowState, m: Messages) {
  const challenge = ctx.store.challenges.running(guildId);
  if (!challenge) throw new UserFacingError(m.t('challenge.errNone'));
  const nowMs = ctx.now().getTime();
  const standings = standingsOf(ctx.store, challenge, nowMs);
  const tracked = state.highlight ? ctx.store.findTrackedUser(guildId, state.highlight) : null;
  return renderChallengeShow({
    game: challenge.game,
    startsAt: challenge.startsAt,
    endsAt: challenge.endsAt,
    softcore: challenge.softcore,
    ended: challenge.endsAt <= nowMs,
    standings,
    trackedCount: ctx.store.countTrackedUsers(guildId),
    state,
    highlightName: tracked?.displayName ?? null,
    urls: ctx.urls,
    messages: m,
  });
}

async function show(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  m: Messages,
): Promise<void> {
  const guild = requireGuild(interaction);
  const view = showView(
    ctx,
    guild.id,
    {
      page: 0,
      invokerId: interaction.user.id,
      issuedAt: Math.floor(ctx.now().getTime() / 1000),
      highlight: ctx.store.linkOf(interaction.user.id)?.ulid ?? null,
    },
    m,
  );
  await interaction.editReply({ ...view, allowedMentions: { parse: [] } });
}

async function end(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  m: Messages,
): Promise<void> {
  const guild = requireGuild(interaction);
  requireChallengeManager(interaction, ctx, guild.id, m);
  const ended = ctx.challenges?.endNow(guild.id) ?? null;
  if (!ended) throw new UserFacingError(m.t('challenge.errNone'));
  await interaction.editReply({
    content: m.t('challenge.ended', { game: title(ended.game), channel: `<#${ended.channelId}>` }),
    allowedMentions: { parse: [] },
  });
}

async function history(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  m: Messages,
): Promise<void> {
  const guild = requireGuild(interaction);
  const year =
    interaction.options.getInteger('year') ??
    yearIn(ctx.now().getTime(), serverTimeZone(ctx.store, guild.id));
  const embed = renderChallengeHistory({
    year,
    challenges: ctx.store.challenges.history(guild.id, year),
    yearly: ctx.store.challenges.yearly(guild.id, year),
    urls: ctx.urls,
    messages: m,
  });
  await interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
}

async function handleButton(interaction: ButtonInteraction, ctx: CommandContext): Promise<void> {
  const m = replyMessages(interaction, ctx);
  const state = decodeChallengeShowId(interaction.customId);
  const privately = (content: string) =>
    interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  if (
    !state ||
    !interaction.guildId ||
    state.invokerId !== interaction.user.id ||
    ctx.now().getTime() - state.issuedAt * 1000 > SHOW_LIFETIME_MS
  ) {
    await privately(m.t('challenge.buttonExpired'));
    return;
  }
  try {
    const view = showView(ctx, interaction.guildId, state, m);
    await interaction.update({ ...view, allowedMentions: { parse: [] } });
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    await privately(error.message);
  }
}

export const challengeCommand: Command = {
  data,
  // Standings and history are for everyone; a manager's start/end answers privately.
  deferMode: (interaction) => {
    const sub = interaction.options.getSubcommand(false);
    return sub === 'show' || sub === 'history' ? 'public' : 'ephemeral';
  },
  async execute(interaction, ctx) {
    const m = replyMessages(interaction, ctx);
    const sub = interaction.options.getSubcommand();
    if (sub === 'start') return start(interaction, ctx, m);
    if (sub === 'show') return show(interaction, ctx, m);
    if (sub === 'end') return end(interaction, ctx, m);
    if (sub === 'history') return history(interaction, ctx, m);
    throw new UserFacingError('Unknown subcommand.');
  },
  componentPrefix: CHALLENGE_ID_PREFIX,
  handleButton,
  async autocomplete(interaction, ctx) {
    return gameChoices(ctx, interaction.options.getFocused());
  },
};
