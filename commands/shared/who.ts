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
import { english, replyMessages } from './locale.js';

/** The typed `user` (checked), or the invoker's linked RA account (its ULID). */
/** The optional `user` option of commands that default to the invoker's linked account. */
export function userOption(o: SlashCommandStringOption): SlashCommandStringOption {
  return o.setName('user').setDescription(english('cmd.profile.user')).setAutocomplete(true).setMaxLength(40);
}

export function userOrLink(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  option = 'user',
): string {
  const typed = interaction.options.getString(option);
  if (typed?.trim()) return parseRaUser(typed);
  const link = ctx.store.linkOf(interaction.user.id);
  if (!link) {
    throw new UserFacingError((m) => m.t('errors.notLinked', { hint: m.t('errors.linkHint') }));
  }
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
  const you = (name: string) => replyMessages(interaction, ctx).t('errors.you', { name });
  const own = link?.displayName.toLowerCase().includes(lower)
    ? [{ name: plainText(you(link.displayName), 100, link.ulid), value: link.ulid }]
    : [];
  const tracked = trackedUserChoices(ctx, interaction.guildId, typed);
  const known = [...own, ...tracked];
  const isKnown = (c: { name: string; value: string }) =>
    c.name.toLowerCase() === lower || (c.value === link?.ulid && link.displayName.toLowerCase() === lower);
  const echo = isRaUser(typed) && !known.some(isKnown) ? [{ name: typed, value: typed }] : [];
  return [...echo, ...known];
}
