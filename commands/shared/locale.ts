/**
 * Which language a command speaks: a reply to a person follows their Discord locale when the bot
 * speaks it, else the server's language (chosen with `/settings language`, else the server's
 * preferred locale), else English.
 */
import type { BaseInteraction } from 'discord.js';
import type { CommandContext } from '../../src/discord/command.js';
import {
  type Messages,
  messagesFor,
  replyLocale,
  type SupportedLocale,
  serverLocale,
} from '../../src/i18n/index.js';

/** The language of the server's posts (for an interaction outside a server: English). */
export function serverLanguageOf(
  interaction: BaseInteraction,
  ctx: Pick<CommandContext, 'store'>,
): SupportedLocale {
  if (!interaction.guildId) return serverLocale(null, null);
  return serverLocale(ctx.store.guildLanguage(interaction.guildId), interaction.guildLocale);
}

/** The invoker's `Messages`. */
export function replyMessages(interaction: BaseInteraction, ctx: Pick<CommandContext, 'store'>): Messages {
  return messagesFor(replyLocale(interaction.locale, serverLanguageOf(interaction, ctx)));
}
