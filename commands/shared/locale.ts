/**
 * Which language a command speaks: a reply to a person follows their Discord locale when the bot
 * speaks it, else the server's language (chosen with `/settings language`, else the server's
 * preferred locale), else English.
 */
import type { BaseInteraction, LocalizationMap } from 'discord.js';
import type { CommandContext } from '../../src/discord/command.js';
import { replyMessagesOf, serverLanguageOf as serverLanguageIn } from '../../src/discord/locale.js';
import type { PlainMessageKey } from '../../src/i18n/catalogue.js';
import {
  DEFAULT_LOCALE,
  type Messages,
  messagesFor,
  SUPPORTED_LOCALES,
  type SupportedLocale,
} from '../../src/i18n/index.js';
import { en } from '../../src/i18n/locales/en.js';

/** The language of the server's posts (for an interaction outside a server: English). */
export function serverLanguageOf(
  interaction: BaseInteraction,
  ctx: Pick<CommandContext, 'store'>,
): SupportedLocale {
  return serverLanguageIn(interaction, ctx.store);
}

/** The invoker's `Messages`. */
export function replyMessages(interaction: BaseInteraction, ctx: Pick<CommandContext, 'store'>): Messages {
  return replyMessagesOf(interaction, ctx.store);
}

const ENGLISH = messagesFor(DEFAULT_LOCALE);

/** A sentence of the catalogue in English (Discord's default for a command's description). */
export function english(key: PlainMessageKey): string {
  return ENGLISH.t(key);
}

function hasKey(key: string): key is PlainMessageKey {
  return Object.hasOwn(en, key);
}

/** A sentence in every language the bot speaks but English (Discord shows the reader's). */
function localizations(key: PlainMessageKey): LocalizationMap {
  const map: LocalizationMap = {};
  for (const locale of SUPPORTED_LOCALES) {
    if (locale !== DEFAULT_LOCALE) map[locale] = messagesFor(locale).t(key);
  }
  return map;
}

interface OptionNode {
  name: string;
  description?: string;
  description_localizations?: LocalizationMap | null;
  options?: OptionNode[];
  choices?: { name: string; name_localizations?: LocalizationMap | null; value: string | number }[];
}

/**
 * A command's registration body with every description and choice name taken from the
 * catalogue, in English and every other language: `cmd.<command>[.<subcommand>][.<option>]`
 * for descriptions, `<option's key>.choice.<value>` for choices. Names stay English (Discord
 * matches options by name); a description or choice without a key is left as written (the
 * languages' own names in `/settings language`).
 */
export function localizeCommand<T extends { name: string }>(body: T): T {
  const copy = structuredClone(body) as T & OptionNode;
  const walk = (node: OptionNode, path: string) => {
    if (hasKey(path)) {
      node.description = english(path);
      node.description_localizations = localizations(path);
    }
    for (const choice of node.choices ?? []) {
      const key = `${path}.choice.${choice.value}`;
      if (hasKey(key)) {
        choice.name = english(key);
        choice.name_localizations = localizations(key);
      }
    }
    for (const option of node.options ?? []) walk(option, `${path}.${option.name}`);
  };
  walk(copy, `cmd.${copy.name}`);
  return copy;
}
