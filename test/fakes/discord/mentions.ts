import { isRecord, type JsonObject } from './http.js';
import type { MessageMentions } from './messages.js';

export interface MentionContext {
  /** Users the fake knows, as their payloads, by id. */
  user(id: string): JsonObject | undefined;
  /** A role of the channel's guild: whether it exists and anyone may mention it. */
  role(id: string): { mentionable: boolean } | undefined;
  /** Whether the author has Mention Everyone in the channel (pings @everyone/@here and any role). */
  mayMentionEveryone: boolean;
}

/**
 * The mentions Discord records (and pings) for a message: only from its content (never embeds),
 * filtered by `allowed_mentions`, which defaults to parsing users, roles and @everyone.
 * @everyone/@here ping only with Mention Everyone; a role only if it is mentionable or with it.
 */
export function deriveMentions(
  content: string,
  allowedMentions: unknown,
  context: MentionContext,
): MessageMentions {
  const allowed = isRecord(allowedMentions) ? allowedMentions : undefined;
  const parse = allowed === undefined ? ['users', 'roles', 'everyone'] : listOf(allowed.parse);
  const explicitUsers = listOf(allowed?.users);
  const explicitRoles = listOf(allowed?.roles);
  const userAllowed = (id: string) => parse.includes('users') || explicitUsers.includes(id);
  const roleAllowed = (id: string) => parse.includes('roles') || explicitRoles.includes(id);

  const mentions: JsonObject[] = [];
  for (const match of content.matchAll(/<@!?(\d{17,20})>/g)) {
    const id = match[1] ?? '';
    const user = context.user(id);
    if (user && userAllowed(id) && !mentions.some((m) => m.id === id)) mentions.push(user);
  }
  const mentionRoles: string[] = [];
  for (const match of content.matchAll(/<@&(\d{17,20})>/g)) {
    const id = match[1] ?? '';
    const role = context.role(id);
    if (!role || !roleAllowed(id) || mentionRoles.includes(id)) continue;
    if (role.mentionable || context.mayMentionEveryone) mentionRoles.push(id);
  }
  const mentionEveryone =
    /@(everyone|here)\b/.test(content) && parse.includes('everyone') && context.mayMentionEveryone;
  return { mentions, mention_roles: mentionRoles, mention_everyone: mentionEveryone };
}

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
