/**
 * Which language a command speaks: a reply to a person follows their Discord locale when the bot
 * speaks it, else the server's language (chosen with `/settings language`, else the server's
 * preferred locale), else English.
 */
import type { BaseInteraction, LocalizationMap } from 'discord.js';
import type { CommandContext } from '../../src/discord/command.js';
import type { PlainMessageKey } from '../../src/i18n/catalogue.js';
import {
  DEFAULT_LOCALE,
  type Messages,
  messagesFor,
  replyLocale,
  SUPPORTED_LOCALES,
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

const ENGLISH = messagesFor(DEFAULT_LOCALE);

/** A description or choice name in every language the bot speaks but English (Discord shows the reader's). */
export function localizations(key: PlainMessageKey): LocalizationMap {
  const map: LocalizationMap = {};
  for (const locale of SUPPORTED_LOCALES) {
    if (locale !== DEFAULT_LOCALE) map[locale] = messagesFor(locale).t(key);
  }
  return map;
}

interface Describable<T> {
  setDescription(description: string): T;
  setDescriptionLocalizations(localizations: LocalizationMap | null): T;
}

/** Sets a builder's English description and its translations from the catalogue. */
export function describe<T extends Describable<T>>(builder: T, key: PlainMessageKey): T {
  return builder.setDescription(ENGLISH.t(key)).setDescriptionLocalizations(localizations(key));
}

/** A choice named from the catalogue, in every language the bot speaks. */
export function localizedChoice<V extends string>(key: PlainMessageKey, value: V) {
  return { name: ENGLISH.t(key), name_localizations: localizations(key), value };
}
