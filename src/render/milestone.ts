/** A progress milestone post (issue 20): "Scott has passed 50% of Sonic (hardcore): 3/6 achievements." */
import type { APIEmbed } from 'discord.js';
import type { MilestonePayload } from '../domain/announcements.js';
import type { Messages } from '../i18n/index.js';
import type { RaUrls } from '../ra/urls.js';
import { UNLOCK_COLORS } from './style.js';
import { EMBED_LIMITS, fitEmbeds, progressBar, safeText } from './text.js';

export function renderMilestone(
  payload: MilestonePayload,
  urls: RaUrls,
  m: Messages,
): { content: string; embeds: APIEmbed[] } {
  const { milestone, game, user } = payload;
  const name = `**${safeText(user.displayName, 64, { singleLine: true, fallback: m.t('common.someone') })}**`;
  const title = safeText(game.title, EMBED_LIMITS.title, {
    singleLine: true,
    fallback: m.t('common.game', { id: game.id }),
  });
  const content = m.t('milestone.post', {
    name,
    percent: m.percent(milestone.percent),
    game: `**${title}**`,
    mode: m.t(milestone.hardcore ? 'milestone.mode.hardcore' : 'milestone.mode.softcore'),
    earned: milestone.earned,
    total: milestone.total,
  });
  const embed: APIEmbed = {
    title,
    url: urls.game(game.id),
    thumbnail: { url: urls.image(game.imageIcon) },
    description: `${progressBar(milestone.total === 0 ? 0 : milestone.earned / milestone.total)} ${m.count(milestone.earned)}/${m.count(milestone.total)}`,
    color: milestone.hardcore ? UNLOCK_COLORS.hardcore : UNLOCK_COLORS.softcore,
    footer: { text: m.t('common.retroachievements') },
  };
  const at = Date.parse(milestone.at);
  if (Number.isFinite(at)) embed.timestamp = new Date(at).toISOString();
  return { content, embeds: fitEmbeds([embed]) };
}
