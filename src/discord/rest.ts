import { REST } from '@discordjs/rest';
import { type APIApplication, type APIUser, Routes } from 'discord.js';

/** A REST client alone (no gateway) for one-shot tools: doctor, deploy-commands. */
export function createRest(apiUrl: string, token: string): REST {
  return new REST({ api: apiUrl, timeout: 15_000, retries: 1 }).setToken(token);
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
