import { createRequire } from 'node:module';
import type { REST } from '@discordjs/rest';

type RestAgent = Parameters<REST['setAgent']>[0];

/**
 * An HTTP agent from the undici that @discordjs/rest itself depends on (6.x), for its REST client.
 *
 * Why: every undici version shares one process-wide default dispatcher, and the first undici
 * loaded creates it. The bot's own code uses undici 7; if that loads first, discord.js's undici 6
 * sends through an undici 7 agent and every upload (a message with files) fails with
 * "action is not a function". Giving REST an agent of its own version makes import order irrelevant.
 */
export function discordRestAgent(): RestAgent {
  const requireFromRest = createRequire(createRequire(import.meta.url).resolve('@discordjs/rest'));
  const { Agent } = requireFromRest('undici') as { Agent: new (options?: object) => RestAgent };
  return new Agent({ connect: { timeout: 30_000 } });
}
