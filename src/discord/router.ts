import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  DiscordAPIError,
  type Interaction,
  MessageFlags,
} from 'discord.js';
import { RaError } from '../ra/errors.js';
import { truncate } from '../render/text.js';
import { orAfter } from '../util/deadline.js';
import { type Command, type CommandContext, UserFacingError } from './command.js';

/** Autocomplete must answer within 3 s and can't be deferred: leave room for the round trip. */
export const AUTOCOMPLETE_BUDGET_MS = 2_500;

const GENERIC_FAILURE =
  'Something went wrong while handling that command. It has been logged; please try again.';

/** The message a user sees for an error: typed errors explain themselves, others stay generic. */
export function userMessageFor(error: unknown): string {
  if (error instanceof UserFacingError) return error.message;
  if (error instanceof RaError) return error.userMessage;
  if (error instanceof DiscordAPIError && (error.code === 50013 || error.code === 50001)) {
    return 'I’m missing a permission in this channel to do that. Ask a server admin to check my role.';
  }
  return GENERIC_FAILURE;
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
        content: 'That command is no longer supported by this bot. Its command list may be out of date.',
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
      await replyWithError(interaction, userMessageFor(error), mode === 'public');
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
          content: 'This button is no longer active. Run the command again to get fresh buttons.',
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
      await replyWithError(interaction, userMessageFor(error), false);
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
