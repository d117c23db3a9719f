/**
 * `/settings test` (issue 20): one marked sample of each enabled kind, posted straight to where
 * that kind would go (never through the outbox, so a sample is never stored or counted), and a
 * table of what failed. Managers only, checked by the caller.
 */
import type { APIEmbed, ChatInputCommandInteraction, Guild } from 'discord.js';
import { readAotwSnapshot } from '../src/community/aotw.js';
import { buildDigest } from '../src/community/digest.js';
import { channelAccessOf } from '../src/discord/channel-access.js';
import type { CommandContext } from '../src/discord/command.js';
import type { AnnouncementPayload } from '../src/domain/announcements.js';
import type { RouteKind } from '../src/domain/routing.js';
import { type Messages, messagesFor } from '../src/i18n/index.js';
import { type AnnouncementMessage, renderAnnouncement } from '../src/render/announce.js';
import { renderAotwPost, renderDigest } from '../src/render/community.js';
import { markSample, renderTestReport, type TestOutcome } from '../src/render/routes.js';
import { type SampleSource, sampleAward, sampleMilestone, sampleUnlock } from '../src/routing/samples.js';
import { errorMessage } from '../src/util/error-message.js';
import { replyMessages, serverLanguageOf } from './shared/locale.js';

export async function testPosts(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  guild: Guild,
): Promise<APIEmbed> {
  const now = ctx.now();
  const tracked = ctx.store.listTrackedUsers(guild.id);
  const unlock = ctx.store.community.rarestUnlock(guild.id, 0, now);
  const post = messagesFor(serverLanguageOf(interaction, ctx));
  const source: SampleSource = {
    unlock,
    user: unlock ?? tracked[0] ?? null,
    placeholders: {
      user: post.t('test.sampleUser'),
      game: post.t('test.sampleGame'),
      achievement: post.t('test.sampleAchievement'),
    },
    now,
  };
  const lines: { kind: RouteKind; channelId: string | null; outcome: TestOutcome }[] = [];
  for (const { kind, channelId } of enabledKinds(ctx, guild.id, source.user?.ulid)) {
    const outcome = channelId
      ? await postSample(guild, channelId, () =>
          markSample(kind, sampleOf(kind, ctx, guild.id, source, post), post),
        )
      : ({ kind: 'no-channel' } as const);
    lines.push({ kind, channelId, outcome });
  }
  return renderTestReport(lines, replyMessages(interaction, ctx));
}

/** The kind's real look, from real data where there is some; null for a kind with nothing to show yet. */
function sampleOf(
  kind: RouteKind,
  ctx: CommandContext,
  guildId: string,
  source: SampleSource,
  m: Messages,
): AnnouncementMessage | null {
  const announcement = (payload: AnnouncementPayload) =>
    renderAnnouncement(payload, ctx.urls, { messages: m });
  switch (kind) {
    case 'unlocks':
      return announcement(sampleUnlock(source));
    case 'awards':
      return announcement(sampleAward(source));
    case 'milestones':
      return announcement(sampleMilestone(source));
    case 'digest': {
      const timeZone = ctx.store.community.get(guildId).digest?.timeZone ?? 'UTC';
      return renderDigest(
        buildDigest(
          ctx.store,
          guildId,
          { from: source.now.getTime() - 7 * 24 * 60 * 60_000, to: source.now.getTime() },
          timeZone,
        ),
        ctx.urls,
        m,
      );
    }
    case 'aotw': {
      const current = readAotwSnapshot(ctx.store)?.current;
      if (!current) return null;
      const { unlocks: _unlocks, ...aotw } = current;
      return renderAotwPost({ version: 1, kind: 'aotw', aotw }, ctx.urls, m);
    }
    default:
      return null;
  }
}

/** The kinds this server has switched on, each with where its posts go now. */
function enabledKinds(ctx: CommandContext, guildId: string, ulid: string | undefined) {
  const settings = ctx.store.getGuildSettings(guildId);
  const filters = ctx.store.routes.filters(guildId);
  const community = ctx.store.community.get(guildId);
  const routes = ctx.store.routes.routes(guildId);
  const kinds: { kind: RouteKind; channelId: string | null }[] = [];
  const user = (kind: RouteKind) => ({ kind, channelId: ctx.store.channelFor(guildId, kind, ulid) });
  if (settings.announceUnlocks) kinds.push(user('unlocks'));
  if (settings.announceAwards) kinds.push(user('awards'));
  if (filters.milestones) kinds.push(user('milestones'));
  if (community.digest)
    kinds.push({ kind: 'digest', channelId: routes.digest ?? community.digest.channelId });
  if (community.aotwChannelId)
    kinds.push({ kind: 'aotw', channelId: routes.aotw ?? community.aotwChannelId });
  return kinds;
}

async function postSample(
  guild: Guild,
  channelId: string,
  render: () => AnnouncementMessage,
): Promise<TestOutcome> {
  // Asked of Discord now (the client keeps no channels or roles): see src/discord/channel-access.ts.
  const verdict = await channelAccessOf(guild.client).check(guild, channelId);
  if (verdict.kind === 'not-announceable') return { kind: 'unknown-channel' };
  if (verdict.missing.length > 0) return { kind: 'missing', permissions: verdict.missing };
  const channel = await guild.client.channels.fetch(channelId, { cache: false }).catch(() => null);
  if (!channel?.isSendable()) return { kind: 'unknown-channel' };
  try {
    await channel.send({ ...render(), allowedMentions: { parse: [] } });
    return { kind: 'posted' };
  } catch (error) {
    return { kind: 'failed', reason: errorMessage(error) };
  }
}
