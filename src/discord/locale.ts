/**
 * The language of a reply: the invoker's Discord locale when the bot speaks it, else the
 * server's language (chosen with `/settings language`, else the server's Discord language),
 * else English. Used by the router (errors) and every command (commands/shared/locale.ts).
 */
import type { BaseInteraction } from 'discord.js';
import {
  type Messages,
  messagesFor,
  replyLocale,
  type SupportedLocale,
  serverLocale,
} from '../i18n/index.js';
import type { Store } from '../store/index.js';

/** The language of the server's posts (for an interaction outside a server: English). */
export function serverLanguageOf(
  interaction: BaseInteraction,
  store: Pick<Store, 'guildLanguage'>,
): SupportedLocale {
  if (!interaction.guildId) return serverLocale(null, null);
  return serverLocale(store.guildLanguage(interaction.guildId), interaction.guildLocale);
}

/** The invoker's `Messages`. */
export function replyMessagesOf(interaction: BaseInteraction, store: Pick<Store, 'guildLanguage'>): Messages {
  return messagesFor(replyLocale(interaction.locale, serverLanguageOf(interaction, store)));
}
