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
import type { GameDetails } from '../src/ra/types.js';
import { renderGameCard } from '../src/render/game.js';
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

/** custom_id prefix of this command's picker buttons. */
const PICK_PREFIX = 'game';
/** A set's card changes rarely; one RA request per game per half hour at most. */
const CARD_TTL_MS = 30 * 60_000;

const data = new SlashCommandBuilder()
  .setName('game')
  .setDescription('A RetroAchievements set: its card, and who in this server plays it')
  .addStringOption((o) => gameOption(o))
  .toJSON();

/** One instance per running bot (the card cache lives as long as the bot). */
export function createGameCommand(): Command {
  const cards = new TtlCache<number, GameDetails>(300, CARD_TTL_MS);

  async function card(ctx: CommandContext, gameId: number): Promise<GameDetails> {
    const cached = cards.get(gameId);
    if (cached) return cached;
    const details = await ctx.ra.getGameExtended(gameId);
    cards.set(gameId, details);
    return details;
  }

  async function reply(
    ctx: CommandContext,
    gameId: number,
    guildId: string | null,
    guildName: string | null,
    messages: Messages,
  ) {
    const game = await card(ctx, gameId);
    const players = guildId ? ctx.store.gamePlayersInGuild(guildId, gameId) : [];
    return {
      content: '',
      components: [],
      ...renderGameCard({
        game,
        players,
        urls: ctx.urls,
        guildName: guildId ? guildName : null,
        messages,
      }),
      allowedMentions: { parse: [] as const },
    };
  }

  async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
    const input = interaction.options.getString('game', true);
    let gameId: number;
    try {
      gameId = resolveGame(ctx, input);
    } catch (error) {
      if (!(error instanceof AmbiguousGameError)) throw error;
      const invoker = interaction.user.id;
      await interaction.editReply(
        gamePickerReply(
          error,
          (id) => encodePickId(PICK_PREFIX, invoker, id),
          replyMessages(interaction, ctx),
        ),
      );
      return;
    }
    await interaction.editReply(
      await reply(
        ctx,
        gameId,
        interaction.guildId,
        interaction.guild?.name ?? '',
        replyMessages(interaction, ctx),
      ),
    );
  }

  async function handleButton(interaction: ButtonInteraction, ctx: CommandContext): Promise<void> {
    const pick = decodePickId(PICK_PREFIX, interaction.customId);
    if (!pick || pick.invokerId !== interaction.user.id) {
      await interaction.reply({
        content: replyMessages(interaction, ctx).t(pick ? 'game.onlyInvokerPick' : 'game.invalidButton'),
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      });
      return;
    }
    await interaction.deferUpdate();
    await interaction.editReply(
      await reply(
        ctx,
        pick.gameId,
        interaction.guildId,
        interaction.guild?.name ?? '',
        replyMessages(interaction, ctx),
      ),
    );
  }

  async function autocomplete(
    interaction: AutocompleteInteraction,
    ctx: CommandContext,
  ): Promise<ApplicationCommandOptionChoiceData<string>[]> {
    return gameChoices(ctx, interaction.options.getFocused());
  }

  return {
    data,
    deferMode: () => 'public',
    execute,
    autocomplete,
    componentPrefix: PICK_PREFIX,
    handleButton,
  };
}
