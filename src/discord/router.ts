import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  DiscordAPIError,
  type Interaction,
  MessageFlags,
} from 'discord.js';
import { DEFAULT_LOCALE, type Messages, messagesFor } from '../i18n/index.js';
import {
  RaAuthError,
  RaError,
  RaInvalidInputError,
  RaMalformedResponseError,
  RaMemberAllowanceError,
  RaNotFoundError,
  RaRateLimitedError,
  RaUnavailableError,
} from '../ra/errors.js';
import { truncate } from '../render/text.js';
import { orAfter } from '../util/deadline.js';
import { type Command, type CommandContext, UserFacingError } from './command.js';
import { replyMessagesOf } from './locale.js';

/** Autocomplete must answer within 3 s and can't be deferred: leave room for the round trip. */
export const AUTOCOMPLETE_BUDGET_MS = 2_500;

/** What RA's errors say, in the reader's language (RaError's own `userMessage` is the English). */
function raMessage(error: RaError, m: Messages): string {
  if (error instanceof RaNotFoundError) {
    if (error.what === 'user') return m.t('errors.raNoUser', { query: error.query });
    if (error.what === 'game') return m.t('errors.raNoGame', { id: error.query });
    return m.t('errors.raNothing', { query: error.query });
  }
  if (error instanceof RaMemberAllowanceError) {
    return m.t('errors.raMemberAllowance', { count: Math.max(1, Math.ceil(error.retryAfterMs / 1000)) });
  }
  if (error instanceof RaRateLimitedError) return m.t('errors.raRateLimited');
  if (error instanceof RaUnavailableError) return m.t('errors.raUnavailable');
  if (error instanceof RaMalformedResponseError) return m.t('errors.raMalformed');
  if (error instanceof RaAuthError) return m.t('errors.raAuth');
  if (error instanceof RaInvalidInputError) {
    if (error.reason === 'user-format') return m.t('errors.invalidUser');
    if (error.reason === 'game-id-format') return m.t('errors.invalidGameId');
    if (error.reason === 'refused' && error.field === 'user') return m.t('errors.refusedUser');
    if (error.reason === 'refused' && error.field === 'game id') return m.t('errors.refusedGameId');
  }
  // The rest are the bot's own calls (dates, counts), never a member's typing: English detail.
  return error.userMessage;
}

/** The message a user sees for an error: typed errors explain themselves, others stay generic. */
export function userMessageFor(error: unknown, m: Messages = messagesFor(DEFAULT_LOCALE)): string {
  if (error instanceof UserFacingError) return error.say(m);
  if (error instanceof RaError) return raMessage(error, m);
  if (error instanceof DiscordAPIError && (error.code === 50013 || error.code === 50001)) {
    return m.t('errors.missingPermission');
  }
  return m.t('errors.generic');
}

export function createInteractionRouter(commands: readonly Command[], ctx: CommandContext) {
  const byName = new Map(commands.map((c) => [c.data.name, c]));
  const byPrefix = new Map(
    commands.filter((c) => c.componentPrefix && c.handleButton).map((c) => [c.componentPrefix!, c]),
  );

  async function onChatInput(interaction: ChatInputCommandInteraction): Promise<void> {
    const command = byName.get(interaction.commandName);
    if (!command) {
      await interaction.reply({
        content: replyMessagesOf(interaction, ctx.store).t('errors.unknownCommand'),
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      });
      return;
    }
    const mode = command.deferMode(interaction);
    try {
      if (mode !== 'none') {
        await interaction.deferReply(mode === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {});
      }
      // A linked member seen here may be named in this server's announcements (one cheap write).
      if (interaction.guildId) ctx.store.noteLinkedMemberIn(interaction.user.id, interaction.guildId);
      // RA requests made for this member spend their allowance (a clear "slow down" when spent).
      await ctx.ra.runAsMember(interaction.user.id, () => command.execute(interaction, ctx));
    } catch (error) {
      logFailure(error, interaction, `/${interaction.commandName}`);
      await replyWithError(
        interaction,
        userMessageFor(error, replyMessagesOf(interaction, ctx.store)),
        mode === 'public',
      );
    }
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const command = byName.get(interaction.commandName);
    let choices: { name: string; value: string }[] = [];
    if (command?.autocomplete) {
      try {
        const answered = await orAfter(
          ctx.ra.runAsMember(interaction.user.id, () => command.autocomplete!(interaction, ctx)),
          AUTOCOMPLETE_BUDGET_MS,
          null,
        );
        if (answered) choices = answered;
        else
          ctx.logger.debug(
            { command: interaction.commandName },
            'autocomplete over its time budget; no choices',
          );
      } catch (error) {
        ctx.logger.debug(
          { command: interaction.commandName, err: describe(error) },
          'autocomplete answered with no choices',
        );
      }
    }
    try {
      await interaction.respond(withinChoiceLimits(choices));
    } catch (error) {
      ctx.logger.debug({ err: describe(error) }, 'autocomplete response failed (probably expired)');
    }
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const prefix = interaction.customId.split(':', 1)[0] ?? '';
    const command = byPrefix.get(prefix);
    try {
      if (!command?.handleButton) {
        await interaction.reply({
          content: replyMessagesOf(interaction, ctx.store).t('errors.staleButton'),
          flags: MessageFlags.Ephemeral,
          allowedMentions: { parse: [] },
        });
        return;
      }
      // A button that must ask RA (a page not cached, a picked game) spends the presser's
      // allowance like the command did.
      await ctx.ra.runAsMember(interaction.user.id, () => command.handleButton!(interaction, ctx));
    } catch (error) {
      logFailure(error, interaction, `button ${prefix}`);
      await replyWithError(
        interaction,
        userMessageFor(error, replyMessagesOf(interaction, ctx.store)),
        false,
      );
    }
  }

  function logFailure(error: unknown, interaction: Interaction, what: string): void {
    const expected = error instanceof UserFacingError || (error instanceof RaError && !error.transient);
    ctx.logger[expected ? 'info' : 'error'](
      { what, guildId: interaction.guildId, userId: interaction.user.id, err: describe(error) },
      expected ? 'command refused' : 'command failed',
    );
  }

  async function replyWithError(
    interaction: ChatInputCommandInteraction | ButtonInteraction,
    message: string,
    deferredPublicly: boolean,
  ): Promise<void> {
    try {
      if (!interaction.deferred && !interaction.replied) {
        await interaction.reply({
          content: message,
          flags: MessageFlags.Ephemeral,
          allowedMentions: { parse: [] },
        });
      } else if (deferredPublicly && interaction.isChatInputCommand()) {
        // The public "thinking…" placeholder can't become ephemeral: remove it and answer privately.
        await interaction.deleteReply().catch(() => undefined);
        await interaction.followUp({
          content: message,
          flags: MessageFlags.Ephemeral,
          allowedMentions: { parse: [] },
        });
      } else if (interaction.isButton() && interaction.deferred) {
        await interaction.followUp({
          content: message,
          flags: MessageFlags.Ephemeral,
          allowedMentions: { parse: [] },
        });
      } else {
        await interaction.editReply({
          content: message,
          embeds: [],
          components: [],
          allowedMentions: { parse: [] },
        });
      }
    } catch (error) {
      ctx.logger.warn({ err: describe(error) }, 'could not deliver the error reply (interaction expired?)');
    }
  }

  return async function route(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) return onChatInput(interaction);
    if (interaction.isAutocomplete()) return onAutocomplete(interaction);
    if (interaction.isButton()) return onButton(interaction);
  };
}

/**
 * Discord refuses the whole answer (and the user sees "loading options failed") if one choice
 * breaks a limit: at most 25 choices, names 1-100 characters, string values up to 100.
 */
export function withinChoiceLimits(
  choices: readonly { name: string; value: string }[],
): { name: string; value: string }[] {
  const seen = new Set<string>();
  const out: { name: string; value: string }[] = [];
  for (const choice of choices) {
    const name = truncate(choice.name.trim(), 100);
    if (!name || choice.value.length === 0 || choice.value.length > 100 || seen.has(choice.value)) continue;
    seen.add(choice.value);
    out.push({ name, value: choice.value });
    if (out.length === 25) break;
  }
  return out;
}

/** A log-safe summary of an error (the logger scrubs secrets on top of this). */
export function describe(error: unknown): { name: string; message: string; code?: unknown; stack?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(code === undefined ? {} : { code }),
      stack: error.stack,
    };
  }
  return { name: 'NonError', message: String(error) };
}
