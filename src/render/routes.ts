/** Issue 20 as admins read it: routes, unlock filters, milestones (`/settings show`, replies). */
import type { APIEmbed } from 'discord.js';
import { ROUTE_KINDS, type RouteKind, type Routes, type UnlockFilters } from '../domain/routing.js';
import type { Messages } from '../i18n/index.js';
import { ADMIN_COLOR } from './admin.js';
import type { AnnouncementMessage } from './announce.js';
import { safeText } from './text.js';

export function routeKindLabel(kind: RouteKind, m: Messages): string {
  return m.t(`route.kind.${kind}`);
}

/** "Hardcore unlocks only · at least 10 points · earned by fewer than 5% of the game's players". */
export function describeFilters(filters: UnlockFilters, m: Messages): string {
  const parts: string[] = [];
  if (filters.hardcoreOnly) parts.push(m.t('filter.hardcoreOnly'));
  if (filters.minPoints !== null) parts.push(m.t('filter.minPoints', { count: filters.minPoints }));
  if (filters.rarerThanPercent !== null) {
    const whole = Number.isInteger(filters.rarerThanPercent);
    parts.push(m.t('filter.rarerThan', { percent: m.percent(filters.rarerThanPercent, whole ? 0 : 1) }));
  }
  return parts.length === 0 ? m.t('filter.none') : parts.join(' · ');
}

/** The `/settings show` embed of issue 20's settings. */
export function renderRoutesEmbed(
  input: { routes: Routes; filters: UnlockFilters; milestones: boolean },
  m: Messages,
): APIEmbed {
  const lines = ROUTE_KINDS.map((kind) => {
    const channel = input.routes[kind];
    return m.t('routes.line', {
      kind: routeKindLabel(kind, m),
      channel: channel ? `<#${channel}>` : m.t('routes.default'),
    });
  });
  return {
    title: m.t('routes.title'),
    color: ADMIN_COLOR,
    fields: [
      { name: m.t('routes.where'), value: lines.join('\n') },
      { name: m.t('routes.filters'), value: describeFilters(input.filters, m) },
      {
        name: m.t('routes.milestones'),
        value: input.milestones ? m.t('routes.milestonesOn') : m.t('routes.milestonesOff'),
      },
    ],
  };
}

/**
 * A `/settings test` sample: the kind's real look (`message`, rendered by its own renderer) marked
 * as a test; a plain marked embed when the kind has nothing to show yet.
 */
export function markSample(
  kind: RouteKind,
  message: AnnouncementMessage | null,
  m: Messages,
): AnnouncementMessage {
  const label = routeKindLabel(kind, m);
  const banner = m.t('test.banner', { kind: label });
  if (message) return { ...message, content: message.content ? `${banner}\n${message.content}` : banner };
  return { content: banner, embeds: [{ title: label, description: banner, color: ADMIN_COLOR }] };
}

/** What happened to one kind's sample. */
export type TestOutcome =
  | { kind: 'posted' }
  | { kind: 'missing'; permissions: readonly string[] }
  | { kind: 'unknown-channel' }
  | { kind: 'no-channel' }
  | { kind: 'failed'; reason: string };

/** The `/settings test` answer: one line per enabled kind, its channel and what failed. */
export function renderTestReport(
  lines: readonly { kind: RouteKind; channelId: string | null; outcome: TestOutcome }[],
  m: Messages,
): APIEmbed {
  const text = lines.map(({ kind, channelId, outcome }) =>
    m.t('test.line', {
      kind: routeKindLabel(kind, m),
      channel: channelId ? `<#${channelId}>` : '—',
      result: describeOutcome(outcome, m),
    }),
  );
  return {
    title: m.t('test.title'),
    description: text.length > 0 ? text.join('\n') : m.t('test.nothingOn'),
    color: ADMIN_COLOR,
  };
}

function describeOutcome(outcome: TestOutcome, m: Messages): string {
  switch (outcome.kind) {
    case 'posted':
      return m.t('test.posted');
    case 'missing':
      return m.t('test.missing', { permissions: outcome.permissions.join(', ') });
    case 'unknown-channel':
      return m.t('test.unknownChannel');
    case 'no-channel':
      return m.t('test.noChannel');
    case 'failed':
      return m.t('test.failed', { reason: safeText(outcome.reason, 200, { singleLine: true }) });
  }
}
