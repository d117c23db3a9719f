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
import { endOfMonth, yearIn } from '../src/challenges/moment.js';
import { type Command, type CommandContext, UserFacingError } from '../src/discord/command.js';
import { type ChallengeGame, startPayload } from '../src/domain/challenges.js';
import type { Messages } from '../src/i18n/index.js';
import {
  CHALLENGE_ID_PREFIX,
  type ChallengeShowState,
  decodeChallengeShowId,
  decodeVoteId,
  renderChallengeHistory,
  renderChallengeShow,
} from '../src/render/challenges.js';
import { safeText } from '../src/render/text.js';
import { readEnds } from './shared/ends.js';
import { gameChoices, gameOption, resolveGame } from './shared/game-option.js';
import { requireAnnounceChannel, requireGuild, requireManagerTo } from './shared/guards.js';
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
      .setName('nominate')
      .setDescription('Nominate a game for the next challenge (linked members; one each, replaceable)')
      .addStringOption((o) => gameOption(o)),
  )
  .addSubcommandGroup((group) =>
    group
      .setName('vote')
      .setDescription('A vote among the nominations for the next challenge')
      .addSubcommand((sub) =>
        sub
          .setName('open')
          .setDescription('Post the vote (managers)')
          .addStringOption((o) =>
            o
              .setName('ends')
              .setDescription('A duration (90m, 12h, 3d) or a date (2027-01-31); default: 3 days')
              .setMaxLength(20),
          ),
      )
      .addSubcommand((sub) => sub.setName('close').setDescription('Close the vote now (managers)')),
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

/** How long a vote runs when `ends` is left out. */
const DEFAULT_VOTE_MS = 3 * 86_400_000;

const title = (game: ChallengeGame) => `**${safeText(game.title, 100, { singleLine: true })}**`;
const when = (ms: number) => `<t:${Math.floor(ms / 1000)}:f>`;

async function start(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  m: Messages,
): Promise<void> {
  const guild = requireGuild(interaction);
  requireManagerTo(interaction, ctx, guild.id, m.t('challenge.errManager'));
  const running = ctx.store.challenges.running(guild.id);
  if (running)
    throw new UserFacingError(
      m.t('challenge.errRunning', { game: title(running.game), end: when(running.endsAt) }),
    );
  const nowMs = ctx.now().getTime();
  const zone = serverTimeZone(ctx.store, guild.id);
  const endsAt = readEnds(interaction, m, nowMs, zone, endOfMonth(nowMs, zone));
  const picked = await requireAnnounceChannel(interaction, guild, 'channel');
  const channelId = competitionChannel(ctx.store, guild.id, 'challenge', picked?.id ?? null);
  if (!channelId) throw new UserFacingError(m.t('challenge.errNoChannel'));
  const game = await gameCard(interaction, ctx);
  const softcore = interaction.options.getBoolean('softcore') ?? false;
  const payload = startPayload(game, nowMs, endsAt, softcore);
  const started = ctx.store.challenges.start(
    {
      guildId: guild.id,
      channelId,
      game,
      startsAt: nowMs,
      endsAt,
      softcore,
      startedBy: interaction.user.id,
      ownChannel: picked !== null,
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

/** The `game` option's card, read once (the person waits: the commands lane); posts render from this copy. */
async function gameCard(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
): Promise<ChallengeGame> {
  const gameId = resolveGame(ctx, interaction.options.getString('game', true));
  const details = await ctx.ra.getGameExtended(gameId);
  return {
    id: details.id,
    title: details.title,
    consoleName: details.consoleName,
    imageIcon: details.imageIcon,
    imageBoxArt: details.imageBoxArt,
    numAchievements: details.numAchievements,
    points: details.points,
  };
}

async function nominate(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  m: Messages,
): Promise<void> {
  const guild = requireGuild(interaction);
  if (!ctx.store.linkOf(interaction.user.id)) throw new UserFacingError(m.t('challenge.errNotLinked'));
  if (ctx.store.challengeVotes.openVote(guild.id)) throw new UserFacingError(m.t('challenge.errVoteOpen'));
  const game = await gameCard(interaction, ctx);
  const result = ctx.store.challengeVotes.nominate(guild.id, interaction.user.id, game, ctx.now());
  if (result === 'vote-open') throw new UserFacingError(m.t('challenge.errVoteOpen'));
  if (result === 'same')
    throw new UserFacingError(m.t('challenge.errAlreadyNominated', { game: title(game) }));
  await interaction.editReply({
    content: m.t(result === 'replaced' ? 'challenge.nominationReplaced' : 'challenge.nominated', {
      game: title(game),
    }),
    allowedMentions: { parse: [] },
  });
}

async function voteOpen(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  m: Messages,
): Promise<void> {
  const guild = requireGuild(interaction);
  requireManagerTo(interaction, ctx, guild.id, m.t('challenge.errManagerVote'));
  const open = ctx.store.challengeVotes.openVote(guild.id);
  if (open) throw new UserFacingError(m.t('challenge.errVoteAlreadyOpen', { end: when(open.endsAt) }));
  const nowMs = ctx.now().getTime();
  const endsAt = readEnds(
    interaction,
    m,
    nowMs,
    serverTimeZone(ctx.store, guild.id),
    nowMs + DEFAULT_VOTE_MS,
  );
  // The vote goes where the challenge posts go.
  const channelId = competitionChannel(
    ctx.store,
    guild.id,
    'challenge',
    ctx.store.challenges.running(guild.id)?.channelId ?? null,
  );
  if (!channelId) throw new UserFacingError(m.t('challenge.errNoChannel'));
  const vote = ctx.store.challengeVotes.open(guild.id, channelId, endsAt, nowMs);
  if (vote === 'empty') throw new UserFacingError(m.t('challenge.errNoNominations'));
  if (vote === 'open') {
    const other = ctx.store.challengeVotes.openVote(guild.id)!;
    throw new UserFacingError(m.t('challenge.errVoteAlreadyOpen', { end: when(other.endsAt) }));
  }
  ctx.challenges?.queued();
  await interaction.editReply({
    content: m.t('challenge.voteOpened', { end: when(endsAt), channel: `<#${channelId}>` }),
    allowedMentions: { parse: [] },
  });
}

async function voteClose(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  m: Messages,
): Promise<void> {
  const guild = requireGuild(interaction);
  requireManagerTo(interaction, ctx, guild.id, m.t('challenge.errManagerVote'));
  const closed = ctx.challenges?.closeVoteNow(guild.id) ?? null;
  if (!closed) throw new UserFacingError(m.t('challenge.errNoVote'));
  await interaction.editReply({
    content: m.t('challenge.voteClosedReply', { channel: `<#${closed.channelId}>` }),
    allowedMentions: { parse: [] },
  });
}

/** A vote button: one vote per member, changeable until the vote closes; answered privately. */
async function castVote(
  interaction: ButtonInteraction,
  ctx: CommandContext,
  m: Messages,
  pick: { voteId: number; gameId: number },
): Promise<void> {
  const privately = (content: string) =>
    interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  const vote = interaction.guildId ? ctx.store.challengeVotes.openVote(interaction.guildId) : null;
  const option = vote?.id === pick.voteId ? vote.options.find((o) => o.game.id === pick.gameId) : undefined;
  const result = option
    ? ctx.store.challengeVotes.cast(pick.voteId, interaction.user.id, pick.gameId, ctx.now())
    : 'closed';
  if (result === 'closed' || result === 'not-an-option' || !option) {
    await privately(m.t('challenge.errVoteClosed'));
    return;
  }
  const game = title(option.game);
  await privately(
    m.t(
      result === 'changed'
        ? 'challenge.voteChanged'
        : result === 'same'
          ? 'challenge.voteSame'
          : 'challenge.voted',
      {
        game,
      },
    ),
  );
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
  requireManagerTo(interaction, ctx, guild.id, m.t('challenge.errManager'));
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
  const pick = decodeVoteId(interaction.customId);
  if (pick) return castVote(interaction, ctx, m, pick);
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
    if (sub === 'nominate') return nominate(interaction, ctx, m);
    if (sub === 'open') return voteOpen(interaction, ctx, m);
    if (sub === 'close') return voteClose(interaction, ctx, m);
    throw new Error(`unknown /challenge subcommand: ${sub}`);
  },
  componentPrefix: CHALLENGE_ID_PREFIX,
  handleButton,
  async autocomplete(interaction, ctx) {
    return gameChoices(ctx, interaction.options.getFocused());
  },
};
