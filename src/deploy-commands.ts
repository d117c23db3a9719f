import { createCommands } from '../commands/index.js';
import { ConfigError, loadConfigFromProcess } from './config.js';
import { commandsHash, registerCommands } from './discord/register.js';
import { createRest, whoAmI } from './discord/rest.js';
import { openDatabase } from './store/db.js';
import { Store } from './store/index.js';
import { isMain } from './util/is-main.js';

/**
 * `npm run deploy-commands`: registers the slash commands (globally, or to DEV_GUILD_ID) without
 * starting the bot, and records what was registered so the next start doesn't repeat it.
 */
export async function deployCommands(
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<number> {
  let config: ReturnType<typeof loadConfigFromProcess>;
  try {
    config = loadConfigFromProcess('.env', env);
  } catch (error) {
    if (error instanceof ConfigError) {
      out(error.message);
      return 78;
    }
    throw error;
  }
  const rest = createRest(config.DISCORD_API_URL, config.DISCORD_TOKEN);
  try {
    const { application } = await whoAmI(rest);
    const definitions = createCommands().map((c) => c.data);
    const count = await registerCommands({
      rest,
      applicationId: application.id,
      definitions,
      guildId: config.DEV_GUILD_ID,
    });
    const store = new Store(openDatabase(config.DATABASE_PATH));
    store.setMeta('commands_hash', commandsHash(definitions, config.DEV_GUILD_ID));
    store.close();
    out(
      `Registered ${count} commands ${config.DEV_GUILD_ID ? `to server ${config.DEV_GUILD_ID} (available now)` : 'globally (Discord may take up to an hour to show changes)'}.`,
    );
    return 0;
  } catch (error) {
    out(`Could not register commands: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (isMain(import.meta.url)) {
  deployCommands(process.env, (line) => process.stdout.write(`${line}\n`)).then((code) => process.exit(code));
}
