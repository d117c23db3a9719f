/** `/settings members`: the server's switches for linked members (managers only, checked by the caller). */
import type { ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext } from '../src/discord/command.js';
import { replyMessages } from './shared/locale.js';

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
  const m = replyMessages(interaction, ctx);
  const onOff = (v: boolean) => m.t(v ? 'admin.on' : 'admin.off');
  return [
    updated.selfTracking
      ? m.t('settings.selfTrackingCapped', {
          state: onOff(true),
          cap: ctx.config.MAX_TRACKED_USERS_PER_SERVER,
        })
      : m.t('settings.selfTracking', { state: onOff(false) }),
    m.t('settings.nameMembers', { state: onOff(updated.nameMembers) }),
  ].join('\n');
}
