/** Issue 20 as admins read it: routes, unlock filters, milestones (`/settings show`, replies). */
import type { APIEmbed } from 'discord.js';
import { ROUTE_KINDS, type RouteKind, type Routes, type UnlockFilters } from '../domain/routing.js';
import type { Messages } from '../i18n/index.js';
import { ADMIN_COLOR } from './admin.js';

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
