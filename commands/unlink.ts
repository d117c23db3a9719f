import { SlashCommandBuilder } from '@discordjs/builders';
import type { ChatInputCommandInteraction } from 'discord.js';
import type { Command, CommandContext } from '../src/discord/command.js';
import { safeText } from '../src/render/text.js';
import { requireGuild, requireManager } from './shared/guards.js';
import { replyMessages } from './shared/locale.js';

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
  const m = replyMessages(interaction, ctx);
  const member = `<@${memberId}>`;
  const content = removed
    ? other
      ? m.t('unlink.removedOther', { member, account: bold(removed.displayName) })
      : m.t('unlink.removed', { account: bold(removed.displayName) })
    : cancelled
      ? other
        ? m.t('unlink.cancelledOther', { member })
        : m.t('unlink.cancelled')
      : other
        ? m.t('unlink.noneOther', { member })
        : m.t('unlink.none');
  await interaction.editReply({ content, allowedMentions: { parse: [] } });
}

export const unlinkCommand: Command = {
  data,
  deferMode: () => 'ephemeral',
  execute,
};
