import { SlashCommandBuilder } from '@discordjs/builders';
import type { ChatInputCommandInteraction } from 'discord.js';
import type { Command, CommandContext } from '../src/discord/command.js';
import { safeText } from '../src/render/text.js';
import { requireGuild, requireManager } from './shared/guards.js';

const data = new SlashCommandBuilder()
  .setName('unlink')
  .setDescription('Remove the link between your Discord and RetroAchievements accounts')
  .addUserOption((o) => o.setName('member').setDescription('Managers: unlink this member instead'))
  .toJSON();

const bold = (text: string) => `**${safeText(text, 64, { singleLine: true })}**`;

async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const target = interaction.options.getUser('member');
  const other = target && target.id !== interaction.user.id ? target : null;
  if (other) requireManager(interaction, ctx, requireGuild(interaction).id, 'unlink-others');
  const memberId = other?.id ?? interaction.user.id;
  const cancelled = ctx.linkProofs.cancel(memberId);
  const removed = ctx.store.unlinkAccount(memberId);
  const whose = other ? `<@${memberId}>’s` : 'Your';
  const content = removed
    ? `${whose} link to ${bold(removed.displayName)} is removed. Tracking on servers stays as it is.`
    : cancelled
      ? `${whose} pending link request is cancelled.`
      : `${whose === 'Your' ? 'You have' : `<@${memberId}> has`} no linked RetroAchievements account. Nothing was changed.`;
  await interaction.editReply({ content, allowedMentions: { parse: [] } });
}

export const unlinkCommand: Command = {
  data,
  deferMode: () => 'ephemeral',
  execute,
};
