import { SlashCommandBuilder, type SlashCommandStringOption } from '@discordjs/builders';
import { type ChatInputCommandInteraction, InteractionContextType } from 'discord.js';
import { toArcadeBoard } from '../src/arcade/feature.js';
import { competitionChannel, serverTimeZone } from '../src/challenges/feature.js';
import { type Command, type CommandContext, UserFacingError } from '../src/discord/command.js';
import type { ArcadeBoard } from '../src/domain/challenges.js';
import type { Messages } from '../src/i18n/index.js';
import { renderArcadeBoard, renderArcadeBoards } from '../src/render/arcade.js';
import { plainText, safeText } from '../src/render/text.js';
import { readEnds } from './shared/ends.js';
import { gameChoices, gameOption, resolveGame } from './shared/game-option.js';
import { requireGuild, requireManagerTo } from './shared/guards.js';
import { replyMessages } from './shared/locale.js';

/** The `leaderboard` option; the caller sets its description (the catalogue localizes it). */
const boardOption = (o: SlashCommandStringOption, required: boolean) =>
  o.setName('leaderboard').setRequired(required).setAutocomplete(true).setMaxLength(100);

const data = new SlashCommandBuilder()
  .setName('arcade')
  .setDescription('Arcade boards: RA leaderboards this server follows, with server records')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub
      .setName('add')
      .setDescription('Follow one RA leaderboard in this server (managers)')
      .addStringOption((o) => gameOption(o))
      .addStringOption((o) =>
        boardOption(o, true).setDescription('One of the game’s leaderboards (suggested), or its id'),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('remove')
      .setDescription('Stop following a leaderboard (managers)')
      .addStringOption((o) =>
        boardOption(o, true).setDescription('A followed leaderboard (suggested), or its id'),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('race')
      .setDescription(
        'A race on one followed leaderboard until `ends`; the podium is posted at the end (managers)',
      )
      .addStringOption((o) =>
        boardOption(o, true).setDescription('A followed leaderboard (suggested), or its id'),
      )
      .addStringOption((o) =>
        o
          .setName('ends')
          .setDescription('A duration (90m, 12h, 3d) or a date (2027-01-31)')
          .setRequired(true)
          .setMaxLength(20),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('show')
      .setDescription('The server’s boards, or one board’s ranking of this server’s tracked users')
      .addStringOption((o) =>
        boardOption(o, false).setDescription('A followed leaderboard (suggested), or its id'),
      ),
  )
  .toJSON();

const bold = (board: ArcadeBoard) => safeText(board.title, 100, { singleLine: true });

function boardId(interaction: ChatInputCommandInteraction, m: Messages): number {
  const text = interaction.options.getString('leaderboard', true).trim();
  if (!/^\d{1,9}$/.test(text)) throw new UserFacingError(m.t('arcade.errUnknownBoard'));
  return Number(text);
}

function followed(ctx: CommandContext, guildId: string, id: number, m: Messages): ArcadeBoard {
  const board = ctx.store.arcade.boards(guildId).find((b) => b.id === id);
  if (!board) throw new UserFacingError(m.t('arcade.errNotFollowed'));
  return board;
}

const trackedUlids = (ctx: CommandContext, guildId: string) =>
  new Set(ctx.store.listTrackedUsers(guildId).map((u) => u.ulid));

async function add(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  m: Messages,
): Promise<void> {
  const guild = requireGuild(interaction);
  requireManagerTo(interaction, ctx, guild.id, m.t('arcade.errManager'));
  const gameId = resolveGame(ctx, interaction.options.getString('game', true));
  const id = boardId(interaction, m);
  const known = ctx.store.arcade.boards(guild.id).find((b) => b.id === id);
  if (known) throw new UserFacingError(m.t('arcade.errAlready', { board: bold(known) }));
  const channelId = competitionChannel(ctx.store, guild.id, 'arcade', null);
  if (!channelId) throw new UserFacingError(m.t('arcade.errNoChannel'));
  const boards = (await ctx.arcade?.boardsOfGame(gameId)) ?? [];
  const found = boards.find((b) => b.id === id);
  if (!found) throw new UserFacingError(m.t('arcade.errUnknownBoard'));
  const game = ctx.catalogue.game(gameId)?.title ?? (await ctx.ra.getGameExtended(gameId)).title;
  const board = toArcadeBoard(found, gameId, game);
  const entries = (await ctx.arcade?.entriesFor(id, trackedUlids(ctx, guild.id))) ?? [];
  ctx.store.arcade.follow(guild.id, board, channelId, entries, ctx.now());
  await interaction.editReply({
    content: m.t('arcade.added', {
      board: bold(board),
      game: safeText(game, 100, { singleLine: true }),
      channel: `<#${channelId}>`,
    }),
    allowedMentions: { parse: [] },
  });
}

async function remove(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  m: Messages,
): Promise<void> {
  const guild = requireGuild(interaction);
  requireManagerTo(interaction, ctx, guild.id, m.t('arcade.errManager'));
  const board = followed(ctx, guild.id, boardId(interaction, m), m);
  ctx.store.arcade.unfollow(guild.id, board.id);
  await interaction.editReply({
    content: m.t('arcade.removed', { board: bold(board) }),
    allowedMentions: { parse: [] },
  });
}

async function race(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  m: Messages,
): Promise<void> {
  const guild = requireGuild(interaction);
  requireManagerTo(interaction, ctx, guild.id, m.t('arcade.errManager'));
  const board = followed(ctx, guild.id, boardId(interaction, m), m);
  const nowMs = ctx.now().getTime();
  const endsAt = readEnds(interaction, m, nowMs, serverTimeZone(ctx.store, guild.id), nowMs);
  const channelId = competitionChannel(ctx.store, guild.id, 'arcade', null);
  if (!channelId) throw new UserFacingError(m.t('arcade.errNoChannel'));
  if (!ctx.store.arcade.startRace(guild.id, board, channelId, nowMs, endsAt)) {
    throw new UserFacingError(m.t('arcade.errRaceRunning', { board: bold(board) }));
  }
  await interaction.editReply({
    content: m.t('arcade.raceStarted', {
      board: bold(board),
      end: `<t:${Math.floor(endsAt / 1000)}:f>`,
      channel: `<#${channelId}>`,
    }),
    allowedMentions: { parse: [] },
  });
}

async function show(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  m: Messages,
): Promise<void> {
  const guild = requireGuild(interaction);
  if (!interaction.options.getString('leaderboard')) {
    const boards = ctx.store.arcade.boards(guild.id).map((board) => ({
      board,
      best: ctx.store.arcade.standings(guild.id, board)[0] ?? null,
    }));
    await interaction.editReply({
      embeds: [renderArcadeBoards({ boards, urls: ctx.urls, messages: m })],
      allowedMentions: { parse: [] },
    });
    return;
  }
  const board = followed(ctx, guild.id, boardId(interaction, m), m);
  // One read of the board per 5 minutes for everyone (cached), paged only as far as needed.
  await ctx.arcade?.readBoard(board.id, trackedUlids(ctx, guild.id));
  const running = ctx.store.arcade.runningRaces(guild.id).find((r) => r.board.id === board.id) ?? null;
  await interaction.editReply({
    embeds: [
      renderArcadeBoard({
        board,
        standings: ctx.store.arcade.standings(guild.id, board),
        race: running ? { endsAt: running.endsAt, standings: ctx.store.arcade.raceStandings(running) } : null,
        urls: ctx.urls,
        messages: m,
      }),
    ],
    allowedMentions: { parse: [] },
  });
}

export const arcadeCommand: Command = {
  data,
  deferMode: (interaction) => (interaction.options.getSubcommand(false) === 'show' ? 'public' : 'ephemeral'),
  async execute(interaction, ctx) {
    const m = replyMessages(interaction, ctx);
    const sub = interaction.options.getSubcommand();
    if (sub === 'add') return add(interaction, ctx, m);
    if (sub === 'remove') return remove(interaction, ctx, m);
    if (sub === 'show') return show(interaction, ctx, m);
    if (sub === 'race') return race(interaction, ctx, m);
    throw new Error(`unknown /arcade subcommand: ${sub}`);
  },
  async autocomplete(interaction, ctx) {
    const focused = interaction.options.getFocused(true);
    if (focused.name === 'game') return gameChoices(ctx, focused.value);
    const typed = focused.value.trim().toLowerCase();
    const matches = (title: string, id: number) =>
      !typed || title.toLowerCase().includes(typed) || String(id).startsWith(typed);
    const sub = interaction.options.getSubcommand(false);
    if (sub === 'add') {
      // The chosen game's boards (read once per 5 minutes per game).
      const game = interaction.options.getString('game')?.trim() ?? '';
      if (!/^\d{1,9}$/.test(game)) return [];
      const boards = (await ctx.arcade?.boardsOfGame(Number(game))) ?? [];
      return boards
        .filter((b) => matches(b.title, b.id))
        .map((b) => ({
          name: plainText(`${b.title} · ${b.description}`, 100, String(b.id)),
          value: String(b.id),
        }));
    }
    if (!interaction.guildId) return [];
    return ctx.store.arcade
      .boards(interaction.guildId)
      .filter((b) => matches(b.title, b.id))
      .map((b) => ({
        name: plainText(`${b.title} · ${b.gameTitle}`, 100, String(b.id)),
        value: String(b.id),
      }));
  },
};
