import { createHash } from 'node:crypto';
import type { REST } from '@discordjs/rest';
import { type RESTPostAPIChatInputApplicationCommandsJSONBody, Routes } from 'discord.js';

/** meta key under which the fingerprint of the last registered commands is kept. */
export const COMMANDS_HASH_META_KEY = 'commands_hash';

/**
 * A stable fingerprint of the command definitions and where they go: the application (a database
 * reused with another bot's token must register again) and the guild, if any.
 */
export function commandsHash(
  applicationId: string,
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
  guildId?: string,
): string {
  return createHash('sha256')
    .update(JSON.stringify({ applicationId, guildId: guildId ?? null, definitions }))
    .digest('hex');
}

/** Replaces the application's commands (globally, or in one guild for instant development updates). */
export async function registerCommands(options: {
  rest: REST;
  applicationId: string;
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[];
  guildId?: string | undefined;
}): Promise<number> {
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  const result = (await options.rest.put(route, { body: options.definitions })) as unknown[];
  return result.length;
}
