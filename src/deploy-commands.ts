import { DiscordAPIError } from '@discordjs/rest';
import { createCommands } from '../commands/index.js';
import { ConfigError, loadConfigFromProcess } from './config.js';
import { COMMANDS_HASH_META_KEY, commandsHash, registerCommands } from './discord/register.js';
import { createRest, discordFailure, stopRest, type ToolOptions, whoAmI } from './discord/rest.js';
import { openDatabase } from './store/db.js';
import { Store } from './store/index.js';
import { errorMessage } from './util/error-message.js';
import { isMain } from './util/is-main.js';

/**
 * `npm run deploy-commands`: registers the slash commands (globally, or to DEV_GUILD_ID) without
 * starting the bot, and records what was registered so the next start doesn't repeat it.
 * Returns the exit code: 0 done, 1 Discord refused or could not be reached, 78 bad configuration.
 */
export async function deployCommands(
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  options: ToolOptions = {},
): Promise<number> {
  let config: ReturnType<typeof loadConfigFromProcess>;
  try {
    config = loadConfigFromProcess(options.envFile ?? '.env', env);
  } catch (error) {
    if (error instanceof ConfigError) {
      out(error.message);
      return 78;
    }
    throw error;
  }
  const definitions = createCommands().map((c) => c.data);
  const rest = createRest(config.DISCORD_API_URL, config.DISCORD_TOKEN);
  let count: number;
  let applicationId: string;
  try {
    const { application } = await whoAmI(rest);
    applicationId = application.id;
    count = await registerCommands({
      rest,
      applicationId,
      definitions,
      guildId: config.DEV_GUILD_ID,
    });
  } catch (error) {
    const notInGuild =
      config.DEV_GUILD_ID &&
      error instanceof DiscordAPIError &&
      (error.code === 50001 || error.code === 10004);
    out(
      `Could not register commands: ${
        notInGuild
          ? `the bot is not in the server DEV_GUILD_ID=${config.DEV_GUILD_ID}. Invite it there first (\`npm run doctor\` prints the invite link), or check DEV_GUILD_ID.`
          : discordFailure(error, config.DISCORD_API_URL, config.DISCORD_TOKEN)
      }`,
    );
    return 1;
  } finally {
    stopRest(rest);
  }
  out(
    `Registered ${count} commands ${config.DEV_GUILD_ID ? `to server ${config.DEV_GUILD_ID} (available now)` : 'globally (Discord may take up to an hour to show changes)'}.`,
  );
  // Remembered so the bot's next start sees nothing changed and doesn't register them again.
  // The commands are registered either way: a database problem only costs a repeat at start.
  try {
    const store = new Store(openDatabase(config.DATABASE_PATH));
    try {
      store.setMeta(COMMANDS_HASH_META_KEY, commandsHash(applicationId, definitions, config.DEV_GUILD_ID));
    } finally {
      store.close();
    }
  } catch (error) {
    out(
      `Note: could not record this in ${config.DATABASE_PATH} (${errorMessage(error)}); the bot will register the commands again when it starts.`,
    );
  }
  return 0;
}

if (isMain(import.meta.url)) {
  deployCommands(process.env, (line) => process.stdout.write(`${line}\n`)).then((code) => process.exit(code));
}
