import { SlashCommandBuilder } from '@discordjs/builders';
import {
  type ApplicationCommandOptionChoiceData,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  MessageFlags,
} from 'discord.js';
import { type Command, type CommandContext, UserFacingError } from '../src/discord/command.js';
import { RaNotFoundError } from '../src/ra/errors.js';
import type { GameProgress, RecentlyPlayedGame, UserProfile } from '../src/ra/types.js';
import { isRaUser, parseGameId } from '../src/ra/validate.js';
import {
  BROWSE_ID_PREFIX,
  decodeBrowseId,
  renderAchievementPage,
  renderProgress,
} from '../src/render/progress.js';
import { plainText, safeText } from '../src/render/text.js';
import { orAfter } from '../src/util/deadline.js';
import { TtlCache } from '../src/util/ttl-cache.js';
import { userChoices, userOrLink } from './who.js';

/** Interactions live 15 minutes; so do the buttons of a /progress reply. */
export const BROWSE_LIFETIME_MS = 15 * 60_000;
/** Badge grids are nice to have: past this budget the reply goes out without one. */
const BADGE_BUDGET_MS = 2_000;
const RECENT_GAMES = 50;
/** Games listed when a typed title matches several. */
const AMBIGUOUS_LISTED = 5;

/** What autocomplete shows for a game, and what a typed title is also compared against. */
function choiceLabel(game: RecentlyPlayedGame): string {
  return `${game.title} · ${game.consoleName}`;
}

/** Case-, accent- and spacing-insensitive form for comparing titles. */
function normalizeTitle(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

const data = new SlashCommandBuilder()
  .setName('progress')
  .setDescription('Show a RetroAchievements user’s progress in a game')
  // `game` first: Discord lists required options before optional ones, and `user` may be left
  // out to mean the invoker's linked account.
  .addStringOption((o) =>
    o
      .setName('game')
      .setDescription('Game id, or a title from the user’s recently played games')
      .setRequired(true)
      .setAutocomplete(true)
      .setMaxLength(200),
  )
  .addStringOption((o) =>
    o
      .setName('user')
      .setDescription('RA username, display name or ULID (default: your linked account)')
      .setAutocomplete(true)
      .setMaxLength(40),
  )
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

  /**
   * A title typed instead of picked: matched among the user's recently played games. The
   * suggestion text itself (`Title · Console`) matches exactly; then a whole title; then part of
   * one. Several equally good matches are listed for the user to pick from, never guessed.
   */
  function matchTitle(games: readonly RecentlyPlayedGame[], input: string, who: string): number {
    const wanted = normalizeTitle(input);
    if (!wanted) throw new UserFacingError('Give a game id or title.');
    const byLabel = games.filter((g) => normalizeTitle(choiceLabel(g)) === wanted);
    const exact = games.filter((g) => normalizeTitle(g.title) === wanted);
    const partial = games.filter((g) => normalizeTitle(g.title).includes(wanted));
    const best = [byLabel, exact, partial].find((list) => list.length > 0) ?? [];
    const unique = [...new Map(best.map((g) => [g.gameId, g])).values()];
    if (unique.length === 1) return unique[0]!.gameId;
    const shown = safeText(input, 80, { singleLine: true });
    if (unique.length === 0) {
      throw new UserFacingError(
        `No game matching “${shown}” among ${safeText(who, 40, { singleLine: true })}’s ${RECENT_GAMES} most recently played games. Use the game id (the number in the game page’s address) or pick one of the suggestions.`,
      );
    }
    const listed = unique
      .slice(0, AMBIGUOUS_LISTED)
      .map(
        (g) =>
          `• ${safeText(g.title, 80, { singleLine: true })} (${safeText(g.consoleName, 40, { singleLine: true })}) · id ${g.gameId}`,
      );
    if (unique.length > AMBIGUOUS_LISTED) listed.push(`…and ${unique.length - AMBIGUOUS_LISTED} more`);
    throw new UserFacingError(
      `“${shown}” matches ${unique.length} games; run \`/progress\` again with one of these ids (or pick from the suggestions):\n${listed.join('\n')}`,
    );
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
      if (games.status === 'rejected') throw games.reason;
      known = profile.value;
      gameId = matchTitle(games.value, gameInput, known.user);
    }
    const { profile, game } = await loadProgress(ctx, user, gameId, known);
    if (interaction.guildId && ctx.store.findTrackedUser(interaction.guildId, profile.ulid)) {
      // Keep tracked users' names fresh: a rename shows up here first.
      // Also counts as the poller's periodic name check: no second GetUserProfile within the hour.
      ctx.store.renameUser(profile.ulid, profile.user, profile.userPic, ctx.now());
    }
    await interaction.editReply(await summaryReply(ctx, profile, game, interaction.user.id, ctx.now()));
  }

  async function handleButton(interaction: ButtonInteraction, ctx: CommandContext): Promise<void> {
    const state = decodeBrowseId(interaction.customId);
    if (!state) {
      await replyPrivately(interaction, 'This button is no longer valid. Run `/progress` again.');
      return;
    }
    if (state.invokerId !== interaction.user.id) {
      await replyPrivately(
        interaction,
        'Only the person who ran this `/progress` can page through it. Run `/progress` yourself to browse.',
      );
      return;
    }
    const age = ctx.now().getTime() - state.issuedAt * 1000;
    if (age > BROWSE_LIFETIME_MS) {
      await replyPrivately(
        interaction,
        'These buttons have expired (they work for 15 minutes). Run `/progress` again for a fresh view.',
      );
      return;
    }
    await interaction.deferUpdate();
    const cached = progressCache.get(`${state.user}:${state.gameId}`);
    const { profile, game } = cached ?? (await loadProgress(ctx, state.user, state.gameId));
    // The next buttons keep the original issue time: browsing lasts 15 minutes from /progress,
    // not 15 minutes from the latest click.
    const issued = new Date(state.issuedAt * 1000);
    if (state.action === 'summary') {
      await interaction.editReply(await summaryReply(ctx, profile, game, state.invokerId, issued));
      return;
    }
    const view = renderAchievementPage({
      profile,
      game,
      urls: ctx.urls,
      state,
      now: issued,
      summaryButton: true,
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
    // No user typed: the invoker's linked account, as /progress itself will use.
    const user =
      interaction.options.getString('user')?.trim() || ctx.store.linkOf(interaction.user.id)?.ulid || '';
    if (!isRaUser(user)) return [];
    const wanted = normalizeTitle(typed);
    const games = await recentGames(ctx, user.trim());
    return games
      .filter(
        (g) =>
          !wanted || normalizeTitle(choiceLabel(g)).includes(wanted) || String(g.gameId).startsWith(wanted),
      )
      .slice(0, 25)
      .map((g) => ({
        name: plainText(choiceLabel(g), 100, `Game ${g.gameId}`),
        value: String(g.gameId),
      }));
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
