/** `/settings members`: the server's switches for linked members (managers only, checked by the caller). */
import type { ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext } from '../src/discord/command.js';

export function membersSettings(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  guildId: string,
  now: Date,
): string {
  const updated = ctx.store.updateMemberSettings(
    guildId,
    {
      selfTracking: interaction.options.getBoolean('self-tracking') ?? undefined,
      nameMembers: interaction.options.getBoolean('name-members') ?? undefined,
    },
    now,
  );
  const onOff = (v: boolean) => (v ? 'on' : 'off');
  return [
    `Self-service tracking (\`/track me\`): **${onOff(updated.selfTracking)}**${updated.selfTracking ? `, within the cap of ${ctx.config.MAX_TRACKED_USERS_PER_SERVER} tracked users` : ''}.`,
    `Name linked members in announcements: **${onOff(updated.nameMembers)}** (shown beside the RA name, never a ping).`,
  ].join('\n');
}
