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
import { isRaUser, parseGameId, parseRaUser } from '../src/ra/validate.js';
import { decodeBrowseId, renderAchievementPage, renderProgress } from '../src/render/progress.js';
import { safeText, truncate } from '../src/render/text.js';
import { TtlCache } from '../src/util/ttl-cache.js';

/** Interactions live 15 minutes; so do the buttons of a /progress reply. */
export const BROWSE_LIFETIME_MS = 15 * 60_000;
/** Badge grids are nice to have: past this budget the reply goes out without one. */
const BADGE_BUDGET_MS = 2_000;
const RECENT_GAMES = 50;

const data = new SlashCommandBuilder()
  .setName('progress')
  .setDescription('Show a RetroAchievements user’s progress in a game')
  .addStringOption((o) =>
    o
      .setName('user')
      .setDescription('RA username, display name or ULID')
      .setRequired(true)
      .setAutocomplete(true)
      .setMaxLength(40),
  )
  .addStringOption((o) =>
    o
      .setName('game')
      .setDescription('Game id, or a title from the user’s recently played games')
      .setRequired(true)
      .setAutocomplete(true)
      .setMaxLength(200),
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

  /** A game id, or a title matched among the user's recently played games. */
  async function resolveGameId(ctx: CommandContext, user: string, input: string): Promise<number> {
    const id = parseGameId(input);
    if (id !== null) return id;
    const wanted = input.trim().toLowerCase();
    if (!wanted) throw new UserFacingError('Give a game id or title.');
    const games = await recentGames(ctx, user);
    const exact = games.filter((g) => g.title.toLowerCase() === wanted);
    const partial = exact.length > 0 ? exact : games.filter((g) => g.title.toLowerCase().includes(wanted));
    if (partial.length === 1 || (partial.length > 1 && exact.length > 0)) return partial[0]!.gameId;
    const shown = safeText(input, 80, { singleLine: true });
    if (partial.length === 0) {
      throw new UserFacingError(
        `No game matching “${shown}” among ${safeText(user, 20, { singleLine: true })}’s ${RECENT_GAMES} most recently played games. Use the game id (the number in the game page’s address) or pick from the suggestions.`,
      );
    }
    const options = partial
      .slice(0, 5)
      .map(
        (g) =>
          `• ${safeText(g.title, 80, { singleLine: true })} (${safeText(g.consoleName, 40, { singleLine: true })}, id ${g.gameId})`,
      )
      .join('\n');
    throw new UserFacingError(`“${shown}” matches several games; pick one by id:\n${options}`);
  }

  async function loadProgress(ctx: CommandContext, user: string, gameId: number) {
    const [profile, game] = await Promise.allSettled([
      ctx.ra.getUserProfile(user),
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

  async function withBudget<T>(work: Promise<T>, ms: number): Promise<T | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    });
    try {
      return await Promise.race([work.catch(() => null), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
    const user = parseRaUser(interaction.options.getString('user', true));
    const gameId = await resolveGameId(ctx, user, interaction.options.getString('game', true));
    const { profile, game } = await loadProgress(ctx, user, gameId);
    if (interaction.guildId && ctx.store.findTrackedUser(interaction.guildId, profile.ulid)) {
      // Keep tracked users' names fresh: a rename shows up here first.
      ctx.store.renameUser(profile.ulid, profile.user, profile.userPic);
    }
    const png =
      game.achievements.length > 0
        ? await withBudget(ctx.badges.render(game.achievements, ctx.urls), BADGE_BUDGET_MS)
        : null;
    const view = renderProgress({
      profile,
      game,
      urls: ctx.urls,
      now: ctx.now(),
      invokerId: interaction.user.id,
      badgeGrid: png !== null,
    });
    await interaction.editReply({
      embeds: view.embeds,
      components: view.components,
      files: png && view.attachmentName ? [{ attachment: png, name: view.attachmentName }] : [],
      allowedMentions: { parse: [] },
    });
  }

  async function handleButton(interaction: ButtonInteraction, ctx: CommandContext): Promise<void> {
    const state = decodeBrowseId(interaction.customId);
    if (!state) {
      await interaction.reply({
        content: 'This button is no longer valid. Run `/progress` again.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    if (state.invokerId !== interaction.user.id) {
      await interaction.reply({
        content:
          'Only the person who ran this `/progress` can page through it. Run `/progress` yourself to browse.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    if (ctx.now().getTime() - state.issuedAt * 1000 > BROWSE_LIFETIME_MS) {
      await interaction.reply({
        content:
          'These buttons have expired (they work for 15 minutes). Run `/progress` again for a fresh view.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    await interaction.deferUpdate();
    const cached = progressCache.get(`${state.user}:${state.gameId}`);
    const { profile, game } = cached ?? (await loadProgress(ctx, state.user, state.gameId));
    const view = renderAchievementPage({ profile, game, urls: ctx.urls, state, now: ctx.now() });
    await interaction.editReply({
      embeds: view.embeds,
      components: view.components,
      attachments: [],
      allowedMentions: { parse: [] },
    });
  }

  async function autocomplete(
    interaction: AutocompleteInteraction,
    ctx: CommandContext,
  ): Promise<ApplicationCommandOptionChoiceData<string>[]> {
    const focused = interaction.options.getFocused(true);
    const typed = focused.value.trim();
    if (focused.name === 'user') {
      const lower = typed.toLowerCase();
      const tracked = interaction.guildId
        ? ctx.store
            .listTrackedUsers(interaction.guildId)
            .filter((u) => u.displayName.toLowerCase().includes(lower))
            .map((u) => ({ name: truncate(u.displayName, 100), value: u.ulid }))
        : [];
      const echo =
        isRaUser(typed) && !tracked.some((c) => c.name.toLowerCase() === lower)
          ? [{ name: typed, value: typed }]
          : [];
      return [...echo, ...tracked].slice(0, 25);
    }
    const user = interaction.options.getString('user') ?? '';
    if (!isRaUser(user)) return [];
    const lower = typed.toLowerCase();
    const games = await recentGames(ctx, user.trim());
    return games
      .filter((g) => !lower || g.title.toLowerCase().includes(lower) || String(g.gameId).startsWith(lower))
      .slice(0, 25)
      .map((g) => ({
        name: truncate(`${g.title} · ${g.consoleName}`.replace(/\s+/g, ' '), 100),
        value: String(g.gameId),
      }));
  }

  return {
    data,
    deferMode: () => 'public',
    execute,
    autocomplete,
    componentPrefix: 'progress',
    handleButton,
  };
}
