/** The `ends` option of the competition commands: a duration or a date (see src/challenges/moment.ts). */
import type { ChatInputCommandInteraction } from 'discord.js';
import { parseEnds } from '../../src/challenges/moment.js';
import { UserFacingError } from '../../src/discord/command.js';
import type { Messages } from '../../src/i18n/index.js';
import { safeText } from '../../src/render/text.js';

/** The `ends` option as an instant, or `fallback` when it is left out; a refusal says why. */
export function readEnds(
  interaction: ChatInputCommandInteraction,
  m: Messages,
  nowMs: number,
  zone: string,
  fallback: number,
): number {
  const text = interaction.options.getString('ends')?.trim();
  if (!text) return fallback;
  const parsed = parseEnds(text, nowMs, zone);
  if (parsed.ok) return parsed.at;
  throw new UserFacingError(
    parsed.why === 'format'
      ? m.t('challenge.errEndsFormat', { text: safeText(text, 20, { singleLine: true }) })
      : parsed.why === 'past'
        ? m.t('challenge.errEndsPast')
        : m.t('challenge.errEndsFar'),
  );
}
