import { SlashCommandBuilder } from '@discordjs/builders';
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  InteractionContextType,
  MessageFlags,
} from 'discord.js';
import { periodStart, rankEntries } from '../src/community/ranking.js';
import { type Command, type CommandContext, UserFacingError } from '../src/discord/command.js';
import { PERIODS, type Period, RANK_BY, type RankBy } from '../src/domain/community.js';
import type { Messages } from '../src/i18n/index.js';
import {
  decodeLeaderboardId,
  LEADERBOARD_ID_PREFIX,
  type LeaderboardState,
  renderLeaderboard,
} from '../src/render/leaderboard.js';
import { requireGuild, trackedUserChoices } from './shared/guards.js';
import { replyMessages } from './shared/locale.js';

/** Buttons work this long after the command (Discord's interaction token lives 15 minutes). */
export const LEADERBOARD_LIFETIME_MS = 15 * 60_000;

const data = new SlashCommandBuilder()
  .setName('leaderboard')
  .setDescription('Rank this server’s tracked users')
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) =>
    o
      .setName('period')
      .setDescription('Last 7 days (default), last 30 days, or all time')
      .addChoices(
        { name: 'week (last 7 days)', value: 'week' },
        { name: 'month (last 30 days)', value: 'month' },
        { name: 'all time', value: 'all' },
      ),
  )
  .addStringOption((o) =>
    o
      .setName('by')
      .setDescription('What to rank by (default: hardcore points)')
      .addChoices(
        { name: 'hardcore points', value: 'points' },
        { name: 'awards (mastered, beaten)', value: 'awards' },
        { name: 'unlocks', value: 'unlocks' },
      ),
  )
  .addStringOption((o) =>
    o
      .setName('user')
      .setDescription('A tracked user whose position to show (default: yours, if known)')
      .setAutocomplete(true)
      .setMaxLength(40),
  )
  .toJSON();

function build(ctx: CommandContext, guildId: string, state: LeaderboardState, messages: Messages) {
  if (state.period === 'all' && state.by === 'unlocks') {
    throw new UserFacingError(messages.t('leaderboard.noAllTimeUnlocks'));
  }
  const now = ctx.now();
  const entries =
    state.period === 'all'
      ? ctx.store.leaderboard.allTime(guildId)
      : ctx.store.leaderboard.period(guildId, periodStart(state.period, now), now);
  const loaded = entries.filter((e) => e.refreshedAt !== null);
  const ranked = rankEntries(state.period === 'all' ? loaded : entries, state.by);
  const highlighted = state.highlight ? entries.find((e) => e.ulid === state.highlight) : undefined;
  return renderLeaderboard({
    ranked,
    state,
    urls: ctx.urls,
    trackedCount: entries.length,
    highlightName: highlighted?.displayName ?? null,
    messages,
    ...(state.period === 'all'
      ? {
          allTime: {
            // 0: only the points are known yet (from /track add or the follower list).
            oldestRefresh: loaded.reduce<number | null>(
              (min, e) =>
                e.refreshedAt! > 0 && (min === null || e.refreshedAt! < min) ? e.refreshedAt : min,
              null,
            ),
            notLoaded: entries.length - loaded.length,
          },
        }
      : {}),
  });
}

export function createLeaderboardCommand(): Command {
  async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
    const guild = requireGuild(interaction);
    const period = (interaction.options.getString('period') ?? 'week') as Period;
    const by = (interaction.options.getString('by') ?? 'points') as RankBy;
    if (!PERIODS.includes(period) || !RANK_BY.includes(by))
      throw new UserFacingError(replyMessages(interaction, ctx).t('leaderboard.pickFromList'));
    const typed = interaction.options.getString('user')?.trim();
    let highlight: string | null = null;
    if (typed) {
      const tracked = ctx.store.findTrackedUser(guild.id, typed);
      if (!tracked) throw new UserFacingError(replyMessages(interaction, ctx).t('leaderboard.notTracked'));
      highlight = tracked.ulid;
    } else {
      // Without `user`: the invoker's own line, through their linked RA account.
      highlight = ctx.store.linkOf(interaction.user.id)?.ulid ?? null;
    }
    const view = build(
      ctx,
      guild.id,
      {
        period,
        by,
        page: 0,
        invokerId: interaction.user.id,
        issuedAt: Math.floor(ctx.now().getTime() / 1000),
        highlight,
      },
      replyMessages(interaction, ctx),
    );
    await interaction.editReply({ ...view, allowedMentions: { parse: [] } });
  }

  async function handleButton(interaction: ButtonInteraction, ctx: CommandContext): Promise<void> {
    const state = decodeLeaderboardId(interaction.customId);
    const m = replyMessages(interaction, ctx);
    const privately = (content: string) =>
      interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    if (!state || !interaction.guildId) {
      await privately(m.t('leaderboard.invalidButton'));
      return;
    }
    if (state.invokerId !== interaction.user.id) {
      await privately(m.t('leaderboard.onlyInvoker'));
      return;
    }
    if (ctx.now().getTime() - state.issuedAt * 1000 > LEADERBOARD_LIFETIME_MS) {
      await privately(m.t('leaderboard.expired'));
      return;
    }
    // Answered from SQLite at once: an update (type 7) rather than a deferral.
    const view = build(ctx, interaction.guildId, state, m);
    await interaction.update({ ...view, allowedMentions: { parse: [] } });
  }

  return {
    data,
    deferMode: () => 'public',
    execute,
    componentPrefix: LEADERBOARD_ID_PREFIX,
    handleButton,
    async autocomplete(interaction, ctx) {
      return trackedUserChoices(ctx, interaction.guildId, interaction.options.getFocused());
    },
  };
}
