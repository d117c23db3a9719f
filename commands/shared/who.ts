/**
 * "Which RA user?" for commands that take one: the `user` option when given, else the invoker's
 * linked account; and the suggestions shown while typing a user.
 */
import type { SlashCommandStringOption } from '@discordjs/builders';
import type { AutocompleteInteraction, ChatInputCommandInteraction } from 'discord.js';
import { type CommandContext, UserFacingError } from '../../src/discord/command.js';
import { isRaUser, parseRaUser } from '../../src/ra/validate.js';
import { plainText } from '../../src/render/text.js';
import { trackedUserChoices } from './guards.js';

/** Said to an unlinked member who left `user` out. */
export const LINK_HINT =
  'Name a RetroAchievements user with `user:`, or link your own account once with `/link user:` and leave it out from then on.';

/** The typed `user` (checked), or the invoker's linked RA account (its ULID). */
/** The optional `user` option of commands that default to the invoker's linked account. */
export function userOption(o: SlashCommandStringOption): SlashCommandStringOption {
  return o
    .setName('user')
    .setDescription('RA username, display name or ULID (default: your linked account)')
    .setAutocomplete(true)
    .setMaxLength(40);
}

export function userOrLink(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  option = 'user',
): string {
  const typed = interaction.options.getString(option);
  if (typed?.trim()) return parseRaUser(typed);
  const link = ctx.store.linkOf(interaction.user.id);
  if (!link) throw new UserFacingError(`You haven’t linked a RetroAchievements account. ${LINK_HINT}`);
  return link.ulid;
}

/**
 * Suggestions for a user option: what was typed (any RA user works), the invoker's own linked
 * account, then this server's tracked users. Values are ULIDs where known, so a pick survives a rename.
 */
export function userChoices(
  interaction: AutocompleteInteraction,
  ctx: CommandContext,
): { name: string; value: string }[] {
  const typed = interaction.options.getFocused().trim();
  const lower = typed.toLowerCase();
  const link = ctx.store.linkOf(interaction.user.id);
  const own = link?.displayName.toLowerCase().includes(lower)
    ? [{ name: plainText(`${link.displayName} (you)`, 100, link.ulid), value: link.ulid }]
    : [];
  const tracked = trackedUserChoices(ctx, interaction.guildId, typed);
  const known = [...own, ...tracked];
  const echo =
    isRaUser(typed) && !known.some((c) => c.name.toLowerCase().replace(/ \(you\)$/, '') === lower)
      ? [{ name: typed, value: typed }]
      : [];
  return [...echo, ...known];
}
