import { SlashCommandBuilder } from '@discordjs/builders';
import {
  type ApplicationCommandOptionChoiceData,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  MessageFlags,
} from 'discord.js';
import type { Command, CommandContext } from '../src/discord/command.js';
import type { Messages } from '../src/i18n/index.js';
import { RaNotFoundError } from '../src/ra/errors.js';
import type { GameProgress, RecentlyPlayedGame, UserProfile } from '../src/ra/types.js';
import { isRaUser, parseGameId } from '../src/ra/validate.js';
import {
  BROWSE_ID_PREFIX,
  decodeBrowseId,
  renderAchievementPage,
  renderProgress,
} from '../src/render/progress.js';
import { orAfter } from '../src/util/deadline.js';
import { TtlCache } from '../src/util/ttl-cache.js';
import {
  AmbiguousGameError,
  decodePickId,
  encodePickId,
  gameChoices,
  gameOption,
  gamePickerReply,
  resolveGame,
} from './shared/game-option.js';
import { replyMessages } from './shared/locale.js';
import { userChoices, userOption, userOrLink } from './shared/who.js';

/** Interactions live 15 minutes; so do the buttons of a /progress reply. */
export const BROWSE_LIFETIME_MS = 15 * 60_000;
/** Badge grids are nice to have: past this budget the reply goes out without one. */
const BADGE_BUDGET_MS = 2_000;
const RECENT_GAMES = 50;

const data = new SlashCommandBuilder()
  .setName('progress')
  .setDescription('Show a RetroAchievements user’s progress in a game')
  // `game` first: Discord lists required options before optional ones, and `user` may be left
  // out to mean the invoker's linked account.
  .addStringOption((o) =>
    gameOption(o, 'Game title (the user’s recent games are suggested first), abbreviation like ff7, or id'),
  )
  .addStringOption(userOption)
  .toJSON();

/**
 * One instance per running bot: its caches live as long as the bot.
 * - progress: fetched data reused by the browse buttons instead of asking RA again;
 * - recent games: autocomplete fires on every keystroke, and RA allows about one request a second.
 */
export function createProgressCommand(): Command {
  const progressCache = new TtlCache<string, { profile: UserProfile; game: GameProgress }>(
    200,
    BROWSE_LIFETIME_MS,
  );
  const recentGamesCache = new TtlCache<string, RecentlyPlayedGame[]>(500, 2 * 60_000);

  async function recentGames(ctx: CommandContext, user: string): Promise<RecentlyPlayedGame[]> {
    const key = user.toLowerCase();
    const cached = recentGamesCache.get(key);
    if (cached) return cached;
    const games = await ctx.ra.getUserRecentlyPlayedGames(user, { count: RECENT_GAMES });
    recentGamesCache.set(key, games);
    return games;
  }

  /** The profile and the game; an already fetched profile is reused instead of asked again. */
  async function loadProgress(ctx: CommandContext, user: string, gameId: number, known?: UserProfile) {
    const [profile, game] = await Promise.allSettled([
      known ?? ctx.ra.getUserProfile(user),
      ctx.ra.getGameInfoAndUserProgress(user, gameId),
    ]);
    // Report the user problem first: it is what the person most likely mistyped.
    if (profile.status === 'rejected') throw profile.reason;
    if (game.status === 'rejected') {
      if (game.reason instanceof RaNotFoundError) throw new RaNotFoundError('game', String(gameId));
      throw game.reason;
    }
    const result = { profile: profile.value, game: game.value };
    progressCache.set(`${profile.value.ulid}:${gameId}`, result);
    return result;
  }

  async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
    const user = userOrLink(interaction, ctx);
    const gameInput = interaction.options.getString('game', true);
    let gameId = parseGameId(gameInput);
    let known: UserProfile | undefined;
    if (gameId === null) {
      // A title: check the user too, so a mistyped name isn't reported as "no such game".
      const [profile, games] = await Promise.allSettled([
        ctx.ra.getUserProfile(user),
        recentGames(ctx, user),
      ]);
      if (profile.status === 'rejected') throw profile.reason;
      known = profile.value;
      // The catalogue still answers when the recent games can't be read.
      const recent = games.status === 'fulfilled' ? games.value : [];
      try {
        gameId = resolveGame(ctx, gameInput, recent);
      } catch (error) {
        if (!(error instanceof AmbiguousGameError)) throw error;
        const invoker = interaction.user.id;
        const ulid = known.ulid;
        await interaction.editReply(
          gamePickerReply(
            error,
            (id) => encodePickId(BROWSE_ID_PREFIX, invoker, id, ulid),
            replyMessages(interaction, ctx),
          ),
        );
        return;
      }
    }
    const { profile, game } = await loadProgress(ctx, user, gameId, known);
    if (interaction.guildId && ctx.store.findTrackedUser(interaction.guildId, profile.ulid)) {
      // Keep tracked users' names fresh: a rename shows up here first.
      // Also counts as the poller's periodic name check: no second GetUserProfile within the hour.
      ctx.store.renameUser(profile.ulid, profile.user, profile.userPic, ctx.now());
    }
    await interaction.editReply(
      await summaryReply(ctx, profile, game, interaction.user.id, ctx.now(), replyMessages(interaction, ctx)),
    );
  }

  /** A game picked from the "which one?" buttons: the picker message becomes the summary. */
  async function handlePick(
    interaction: ButtonInteraction,
    ctx: CommandContext,
    pick: { invokerId: string; gameId: number; extra: string },
  ): Promise<void> {
    if (pick.invokerId !== interaction.user.id) {
      await replyPrivately(interaction, replyMessages(interaction, ctx).t('progress.onlyInvokerPick'));
      return;
    }
    await interaction.deferUpdate();
    const { profile, game } = await loadProgress(ctx, pick.extra, pick.gameId);
    await interaction.editReply({
      content: '',
      ...(await summaryReply(ctx, profile, game, pick.invokerId, ctx.now(), replyMessages(interaction, ctx))),
    });
  }

  async function handleButton(interaction: ButtonInteraction, ctx: CommandContext): Promise<void> {
    const pick = decodePickId(BROWSE_ID_PREFIX, interaction.customId);
    if (pick) {
      await handlePick(interaction, ctx, pick);
      return;
    }
    const m = replyMessages(interaction, ctx);
    const state = decodeBrowseId(interaction.customId);
    if (!state) {
      await replyPrivately(interaction, m.t('progress.invalidButton'));
      return;
    }
    if (state.invokerId !== interaction.user.id) {
      await replyPrivately(interaction, m.t('progress.onlyInvokerBrowse'));
      return;
    }
    const age = ctx.now().getTime() - state.issuedAt * 1000;
    if (age > BROWSE_LIFETIME_MS) {
      await replyPrivately(interaction, m.t('progress.expired'));
      return;
    }
    await interaction.deferUpdate();
    const cached = progressCache.get(`${state.user}:${state.gameId}`);
    const { profile, game } = cached ?? (await loadProgress(ctx, state.user, state.gameId));
    // The next buttons keep the original issue time: browsing lasts 15 minutes from /progress,
    // not 15 minutes from the latest click.
    const issued = new Date(state.issuedAt * 1000);
    if (state.action === 'summary') {
      await interaction.editReply(await summaryReply(ctx, profile, game, state.invokerId, issued, m));
      return;
    }
    const view = renderAchievementPage({
      profile,
      game,
      urls: ctx.urls,
      state,
      now: issued,
      summaryButton: true,
      messages: m,
    });
    await interaction.editReply({
      embeds: view.embeds,
      components: view.components,
      attachments: [],
      allowedMentions: { parse: [] },
    });
  }

  /** The summary view: embed, buttons and (when the badges could be drawn in time) the grid. */
  async function summaryReply(
    ctx: CommandContext,
    profile: UserProfile,
    game: GameProgress,
    invokerId: string,
    issued: Date,
    messages: Messages,
  ) {
    const png =
      game.achievements.length > 0
        ? await orAfter(
            ctx.badges.render(game.achievements, ctx.urls).catch(() => null),
            BADGE_BUDGET_MS,
            null,
          )
        : null;
    const view = renderProgress({
      profile,
      game,
      urls: ctx.urls,
      now: issued,
      invokerId,
      badgeGrid: png !== null,
      messages,
    });
    return {
      embeds: view.embeds,
      components: view.components,
      files: png && view.attachmentName ? [{ attachment: png, name: view.attachmentName }] : [],
      attachments: [],
      allowedMentions: { parse: [] as const },
    };
  }

  async function autocomplete(
    interaction: AutocompleteInteraction,
    ctx: CommandContext,
  ): Promise<ApplicationCommandOptionChoiceData<string>[]> {
    const focused = interaction.options.getFocused(true);
    const typed = focused.value.trim();
    if (focused.name === 'user') return userChoices(interaction, ctx);
    // No user typed: the invoker's linked account, as /progress itself will use. The user's
    // recent games come first; without a valid user (or when RA can't say), the catalogue alone
    // answers.
    const user =
      interaction.options.getString('user')?.trim() || ctx.store.linkOf(interaction.user.id)?.ulid || '';
    const recent = isRaUser(user) ? await recentGames(ctx, user.trim()).catch(() => []) : [];
    return gameChoices(ctx, typed, recent);
  }

  /** Stranger/expired/invalid buttons: a private note, the message itself stays as it is. */
  async function replyPrivately(interaction: ButtonInteraction, content: string): Promise<void> {
    await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  }

  return {
    data,
    deferMode: () => 'public',
    execute,
    autocomplete,
    componentPrefix: BROWSE_ID_PREFIX,
    handleButton,
  };
}
