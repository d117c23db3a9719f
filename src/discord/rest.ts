import { DiscordAPIError, REST } from '@discordjs/rest';
import { type APIApplication, type APIUser, Routes } from 'discord.js';
import { scrubSecrets } from '../log.js';
import { errorMessage } from '../util/error-message.js';
import { discordRestAgent } from './agent.js';

/** A REST client alone (no gateway) for one-shot tools: doctor, deploy-commands. */
export function createRest(apiUrl: string, token: string): REST {
  return new REST({ api: apiUrl, timeout: 15_000, retries: 1, agent: discordRestAgent() }).setToken(token);
}

export async function whoAmI(rest: REST): Promise<{ user: APIUser; application: APIApplication }> {
  const [user, application] = await Promise.all([
    rest.get(Routes.user('@me')) as Promise<APIUser>,
    rest.get(Routes.currentApplication()) as Promise<APIApplication>,
  ]);
  return { user, application };
}

/** The OAuth2 URL that adds the bot with exactly the scopes and permissions it uses. */
export function inviteUrl(applicationId: string, permissions: bigint): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot applications.commands',
    permissions: permissions.toString(),
  });
  return `https://discord.com/oauth2/authorize?${params}`;
}

/** Options of the one-shot tools (doctor, deploy-commands). */
export interface ToolOptions {
  /** The env file read on top of the environment (default `.env` in the working directory). */
  envFile?: string;
}

/** Stops the REST client's sweep timers so a one-shot tool can exit on its own. */
export function stopRest(rest: REST): void {
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
}

/** What to tell the person running a tool when a Discord call failed. */
export function discordFailure(error: unknown, apiUrl: string, token?: string): string {
  if (error instanceof DiscordAPIError && error.status === 401) {
    return 'Discord rejected DISCORD_TOKEN. In the developer portal open your application > Bot > Reset Token, and put the new token in DISCORD_TOKEN.';
  }
  if (error instanceof DiscordAPIError) {
    return `Discord refused the request (HTTP ${error.status}, code ${String(error.code)}): ${scrubSecrets(error.message, token ? [token] : [])}`;
  }
  const detail = errorMessage(error);
  return `Could not reach Discord at ${apiUrl}: ${scrubSecrets(detail, token ? [token] : [])}. Check the network and DISCORD_API_URL.`;
}
