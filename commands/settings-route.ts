/**
 * `/settings route` and `/settings filter` (issue 20): where each kind of post goes, and which
 * unlocks are posted. Managers only, checked by the caller.
 */
import type { SlashCommandSubcommandBuilder } from '@discordjs/builders';
import { ChannelType, type ChatInputCommandInteraction, type Guild } from 'discord.js';
import { type CommandContext, UserFacingError } from '../src/discord/command.js';
import { isRouteKind, ROUTE_KINDS, type RouteKind } from '../src/domain/routing.js';
import type { Messages } from '../src/i18n/index.js';
import { describeFilters, routeKindLabel } from '../src/render/routes.js';
import { requireAnnounceChannel } from './shared/guards.js';

export function routeSubcommand(sub: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder {
  return sub
    .setName('route')
    .setDescription('Where one kind of post goes (omit the channel to send it back to the default)')
    .addStringOption((o) =>
      o
        .setName('kind')
        .setDescription('The kind of post')
        .setRequired(true)
        .addChoices(ROUTE_KINDS.map((kind) => ({ name: kind, value: kind }))),
    )
    .addChannelOption((o) =>
      o
        .setName('channel')
        .setDescription('Text or announcement channel')
        .setRequired(false)
        .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
    );
}

export function filterSubcommand(sub: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder {
  return sub
    .setName('filter')
    .setDescription('Which unlocks are posted (no option: show the filters)')
    .addBooleanOption((o) => o.setName('hardcore-only').setDescription('Post hardcore unlocks only'))
    .addIntegerOption((o) =>
      o
        .setName('min-points')
        .setDescription('Post only unlocks worth at least this many points (0: any)')
        .setMinValue(0)
        .setMaxValue(100),
    )
    .addNumberOption((o) =>
      o
        .setName('rarer-than')
        .setDescription('Post only unlocks earned by fewer than this % of the game’s players (100: any)')
        .setMinValue(0.01)
        .setMaxValue(100),
    )
    .addBooleanOption((o) => o.setName('reset').setDescription('Clear every filter'));
}

/** `/settings route kind [channel]`: checked at once, then what waits for the kind moves with it. */
export async function setRoute(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  guild: Guild,
  m: Messages,
): Promise<string> {
  const kind = interaction.options.getString('kind', true);
  if (!isRouteKind(kind)) throw new UserFacingError(m.t('route.unknownKind'));
  // Throws, naming the missing permission, before anything changes.
  const channel = await requireAnnounceChannel(interaction, guild, 'channel');
  const moved = ctx.store.routes.setRoute(guild.id, kind, channel?.id ?? null, ctx.now());
  const label = routeKindLabel(kind, m);
  const lines = [
    channel
      ? m.t('route.set', { kind: label, channel: `<#${channel.id}>` })
      : m.t('route.cleared', { kind: label, fallback: m.t(fallbackKey(kind)) }),
  ];
  if (moved > 0) lines.push(m.t('route.moved', { count: moved }));
  return lines.join('\n');
}

function fallbackKey(kind: RouteKind) {
  switch (kind) {
    case 'unlocks':
    case 'awards':
    case 'milestones':
      return 'route.fallback.user' as const;
    case 'digest':
      return 'route.fallback.digest' as const;
    case 'aotw':
      return 'route.fallback.aotw' as const;
    default:
      return 'route.fallback.server' as const;
  }
}

/** `/settings filter`: changes what is given (0 points / 100% clear theirs), then shows the filters. */
export function setFilters(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  guildId: string,
  m: Messages,
): string {
  const now = ctx.now();
  if (interaction.options.getBoolean('reset')) {
    ctx.store.routes.updateFilters(
      guildId,
      { hardcoreOnly: false, minPoints: null, rarerThanPercent: null },
      now,
    );
    return m.t('filter.reset');
  }
  const minPoints = interaction.options.getInteger('min-points');
  const rarerThan = interaction.options.getNumber('rarer-than');
  const filters = ctx.store.routes.updateFilters(
    guildId,
    {
      hardcoreOnly: interaction.options.getBoolean('hardcore-only') ?? undefined,
      minPoints: minPoints === null ? undefined : minPoints > 0 ? minPoints : null,
      rarerThanPercent: rarerThan === null ? undefined : rarerThan < 100 ? rarerThan : null,
    },
    now,
  );
  return m.t('filter.summary', { filters: describeFilters(filters, m) });
}
