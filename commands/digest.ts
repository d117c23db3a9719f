import { SlashCommandBuilder } from '@discordjs/builders';
import { ChannelType, type ChatInputCommandInteraction, InteractionContextType } from 'discord.js';
import { isValidTimeZone, latestSlot, nextDigestAt, WEEKDAYS } from '../src/community/digest-schedule.js';
import { type Command, type CommandContext, UserFacingError } from '../src/discord/command.js';
import { safeText } from '../src/render/text.js';
import { requireAnnounceChannel, requireGuild, requireManager } from './shared/guards.js';
import { replyMessages } from './shared/locale.js';

const data = new SlashCommandBuilder()
  .setName('digest')
  .setDescription('A weekly recap of this server’s tracked users')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub
      .setName('on')
      .setDescription('Post the weekly digest on this day and hour')
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('Text or announcement channel')
          .setRequired(true)
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      )
      .addIntegerOption((o) =>
        o
          .setName('weekday')
          .setDescription('Day of the week')
          .setRequired(true)
          .addChoices(...WEEKDAYS.map((name, value) => ({ name, value }))),
      )
      .addIntegerOption((o) =>
        o
          .setName('hour')
          .setDescription('Hour of the day, 0-23')
          .setRequired(true)
          .setMinValue(0)
          .setMaxValue(23),
      )
      .addStringOption((o) =>
        o
          .setName('timezone')
          .setDescription('IANA time zone, e.g. Europe/Berlin (default UTC)')
          .setAutocomplete(true)
          .setMaxLength(64),
      ),
  )
  .addSubcommand((sub) => sub.setName('off').setDescription('Stop posting the weekly digest'))
  .addSubcommand((sub) => sub.setName('show').setDescription('When and where the digest is posted'))
  .toJSON();

const ts = (ms: number, style: 'F' | 'R') => `<t:${Math.floor(ms / 1000)}:${style}>`;

async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const guild = requireGuild(interaction);
  requireManager(interaction, ctx, guild.id, 'digest');
  const sub = interaction.options.getSubcommand();
  const now = ctx.now();
  const m = replyMessages(interaction, ctx);
  const weekday = (day: number) => m.t(`cmd.digest.on.weekday.choice.${day as 0 | 1 | 2 | 3 | 4 | 5 | 6}`);
  if (sub === 'off') {
    ctx.store.community.setDigest(guild.id, null, null, now);
    await interaction.editReply(m.t('digest.off'));
    return;
  }
  if (sub === 'show') {
    const { digest, digestLastPeriod } = ctx.store.community.get(guild.id);
    const next = digest ? nextDigestAt(digest, digestLastPeriod, now.getTime()) : 0;
    await interaction.editReply(
      digest
        ? m.t('digest.show', {
            channel: `<#${digest.channelId}>`,
            weekday: weekday(digest.weekday),
            hour: String(digest.hour),
            zone: safeText(digest.timeZone, 64, { singleLine: true }),
            next: ts(next, 'F'),
            relative: ts(next, 'R'),
          })
        : m.t('digest.isOff'),
    );
    return;
  }
  const channel = await requireAnnounceChannel(interaction, guild, 'channel');
  if (!channel) throw new UserFacingError((t) => t.t('digest.pickChannel'));
  const timeZone = interaction.options.getString('timezone')?.trim() || 'UTC';
  if (!isValidTimeZone(timeZone)) {
    const zone = safeText(timeZone, 64, { singleLine: true });
    throw new UserFacingError((t) => t.t('digest.badZone', { zone }));
  }
  const schedule = {
    channelId: channel.id,
    weekday: interaction.options.getInteger('weekday', true),
    hour: interaction.options.getInteger('hour', true),
    timeZone,
  };
  // Turned on: the slot that already passed is done, the first digest is the next one. Moved
  // while on: the next digest starts where the last one ended (see dueDigest).
  const before = ctx.store.community.get(guild.id);
  const moved = before.digest !== null && before.digestLastPeriod !== null;
  const lastPeriod = moved ? before.digestLastPeriod : latestSlot(schedule, now.getTime());
  ctx.store.community.setDigest(guild.id, schedule, lastPeriod, now);
  const next = nextDigestAt(schedule, lastPeriod, now.getTime());
  await interaction.editReply(
    m.t(moved ? 'digest.moved' : 'digest.on', {
      channel: `<#${channel.id}>`,
      weekday: weekday(schedule.weekday),
      hour: String(schedule.hour),
      zone: safeText(timeZone, 64, { singleLine: true }),
      next: ts(next, 'F'),
      relative: ts(next, 'R'),
    }),
  );
}

let zones: string[] | undefined;

export const digestCommand: Command = {
  data,
  deferMode: () => 'ephemeral',
  execute,
  async autocomplete(interaction) {
    zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
    const typed = interaction.options.getFocused().trim().toLowerCase();
    return zones
      .filter((z) => z.toLowerCase().includes(typed))
      .slice(0, 25)
      .map((z) => ({ name: z, value: z }));
  },
};
