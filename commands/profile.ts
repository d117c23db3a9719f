import { SlashCommandBuilder } from '@discordjs/builders';
import type { ChatInputCommandInteraction } from 'discord.js';
import type { Command, CommandContext } from '../src/discord/command.js';
import type { UserAwards, UserSummary } from '../src/ra/types.js';
import { renderProfileCard } from '../src/render/profile.js';
import { TtlCache } from '../src/util/ttl-cache.js';
import { replyMessages } from './shared/locale.js';
import { userChoices, userOption, userOrLink } from './shared/who.js';

/** A card is at most this old: RA's summary is heavy (rank per call), so repeats are served from here. */
export const PROFILE_CACHE_MS = 5 * 60_000;

const data = new SlashCommandBuilder()
  .setName('profile')
  .setDescription('A RetroAchievements player card (yours if you linked your account)')
  .addStringOption(userOption)
  .toJSON();

interface Card {
  summary: UserSummary;
  awards: UserAwards;
}

/** One instance per running bot: the cache lives as long as the bot. */
export function createProfileCommand(): Command {
  // Keyed by what was asked (lowercased) and by ULID, so a name and a ULID share one entry.
  const cache = new TtlCache<string, Card>(300, PROFILE_CACHE_MS);

  /** Two RA requests at most (summary and awards, in parallel); none when cached. */
  async function load(ctx: CommandContext, user: string): Promise<Card> {
    const key = user.toLowerCase();
    const cached = cache.get(key);
    if (cached) return cached;
    const [summary, awards] = await Promise.all([ctx.ra.getUserSummary(user), ctx.ra.getUserAwards(user)]);
    const card = { summary, awards };
    cache.set(key, card);
    if (summary.ulid) cache.set(summary.ulid.toLowerCase(), card);
    cache.set(summary.user.toLowerCase(), card);
    return card;
  }

  async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
    const user = userOrLink(interaction, ctx);
    const { summary, awards } = await load(ctx, user);
    // Only a member seen in this server is named: elsewhere the link stays private.
    const member =
      summary.ulid && interaction.guildId
        ? ctx.store.linkedMemberIn(interaction.guildId, summary.ulid)
        : null;
    await interaction.editReply({
      ...renderProfileCard({
        summary,
        awards,
        urls: ctx.urls,
        messages: replyMessages(interaction, ctx),
        linkedMemberId: member,
      }),
      allowedMentions: { parse: [] },
    });
  }

  return {
    data,
    deferMode: () => 'public',
    execute,
    async autocomplete(interaction, ctx) {
      return userChoices(interaction, ctx);
    },
  };
}
