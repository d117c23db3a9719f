import type { APIEmbed } from 'discord.js';
import { ANNOUNCE_PERMISSION_NAMES } from '../domain/permissions.js';
import type { RaUrls } from '../ra/urls.js';
import { safeText } from './text.js';

export const ADMIN_COLOR = 0x5865f2;
const FIELD_VALUE_MAX = 1024;

export interface TrackedUserView {
  ulid: string;
  displayName: string;
  channelId: string | null;
  trackedSince: number;
}

/** `/track list`: one line per user, within the description limit ("… and K more"). */
export function renderTrackList(input: {
  users: readonly TrackedUserView[];
  defaultChannelId: string | null;
  urls: RaUrls;
}): APIEmbed {
  const { users, defaultChannelId, urls } = input;
  if (users.length === 0) {
    return {
      title: 'Tracked users',
      description: 'Nobody is tracked on this server yet. A manager can add someone with `/track add`.',
      color: ADMIN_COLOR,
    };
  }
  const lines: string[] = [];
  let length = 0;
  for (const [index, user] of users.entries()) {
    const channel = user.channelId ?? defaultChannelId;
    const line = `• [${safeText(user.displayName, 40, { singleLine: true })}](${urls.userById(user.ulid)}) → ${
      channel ? `<#${channel}>` : '*no channel*'
    } · since <t:${Math.floor(user.trackedSince / 1000)}:d>`;
    const more = `\n… and ${users.length - index} more`;
    if (length + line.length + 1 + more.length > 4000) {
      lines.push(more.trim());
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return {
    title: `Tracked users (${users.length})`,
    description: lines.join('\n'),
    color: ADMIN_COLOR,
  };
}

export interface SettingsView {
  defaultChannelId: string | null;
  managerRoleId: string | null;
  announceUnlocks: boolean;
  announceAwards: boolean;
  announceSoftcore: boolean;
}

export interface OutboxView {
  pending: number;
  failed: number;
  /** Grouped by channel, code and reason; `count` rows each (1 when omitted). */
  recentFailures: readonly {
    channelId: string;
    code: number | null;
    reason: string;
    at: number;
    count?: number;
  }[];
  /** Channels whose rows have been pending a while (oldest first), with the last error. */
  delayed?: readonly {
    channelId: string;
    count: number;
    since: number;
    nextAttemptAt: number;
    lastError: string | null;
  }[];
}

/** Discord's relative timestamp for epoch ms. */
/** A (user, game) RA has kept failing on. */
export interface FailingGameView {
  displayName: string;
  gameId: number;
  since: number;
  failures: number;
  lastError: string;
}

function relative(ms: number): string {
  return `<t:${Math.floor(ms / 1000)}:R>`;
}

/** As many `lines` as fit in one field value, then "… and K more <noun>". */
function fitLines(lines: readonly string[], noun: string): string {
  const shown: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const left = lines.length - index;
    const more = `… and ${left} more ${noun}${left === 1 ? '' : 's'}`;
    const isLast = index === lines.length - 1;
    if (length + line.length + (isLast ? 0 : 1 + more.length) > FIELD_VALUE_MAX) {
      shown.push(more);
      break;
    }
    shown.push(line);
    length += line.length + 1;
  }
  return shown.join('\n');
}

/**
 * `/settings show`: the settings, the tracked count, deliveries that failed for good (and why),
 * and channels whose announcements have been waiting a while (the last error, the next try).
 */
export function renderSettings(input: {
  settings: SettingsView;
  tracked: number;
  cap: number;
  outbox: OutboxView;
  /** Epoch ms: a next try already due reads "next run" instead of a time in the past. */
  now?: number;
  /** Games RA has been failing on for a day or more (their unlocks wait until they read again). */
  failingGames?: readonly FailingGameView[];
}): APIEmbed {
  const { settings, tracked, cap, outbox } = input;
  const onOff = (v: boolean) => (v ? 'on' : 'off');
  const failures = outbox.recentFailures
    .slice(0, 5)
    .map(
      (f) =>
        `• <#${f.channelId}> ${(f.count ?? 1) > 1 ? `${f.count}× ` : ''}${relative(f.at)}: ${safeText(f.reason, 150, { singleLine: true })}${f.code ? ` (code ${f.code})` : ''}`,
    );
  const now = input.now ?? Date.now();
  const delayedLines = (outbox.delayed ?? []).map((d) => {
    const next =
      d.nextAttemptAt <= now ? 'next try on the next run' : `next try ${relative(d.nextAttemptAt)}`;
    const error = d.lastError ? `: ${safeText(d.lastError, 160, { singleLine: true })}` : ': not tried yet';
    return `• <#${d.channelId}> ${d.count} waiting since ${relative(d.since)}, ${next}${error}`;
  });
  const failingLines = (input.failingGames ?? []).map(
    (g) =>
      `• **${safeText(g.displayName, 40, { singleLine: true })}**, game ${g.gameId}: since ${relative(g.since)}, ${g.failures} tries (${safeText(g.lastError, 120, { singleLine: true })}); its unlocks are announced once RA answers for it again`,
  );
  const head = `${outbox.pending} waiting · ${outbox.failed} failed for good`;
  const hint = `Fix the channel permissions (${ANNOUNCE_PERMISSION_NAMES}) or pick another channel.`;
  // A field value holds 1024 characters: list as many failures as fit with the hint.
  let delivery = head;
  if (failures.length > 0) {
    const shown: string[] = [];
    for (const line of failures) {
      if ([head, ...shown, line, hint].join('\n').length > FIELD_VALUE_MAX) break;
      shown.push(line);
    }
    delivery = [head, ...shown, hint].join('\n');
  }
  return {
    title: 'cheevobot settings',
    color: ADMIN_COLOR,
    fields: [
      {
        name: 'Announcement channel',
        value: settings.defaultChannelId
          ? `<#${settings.defaultChannelId}>`
          : 'not set (`/settings channel`)',
        inline: true,
      },
      {
        name: 'Manager role',
        value: settings.managerRoleId ? `<@&${settings.managerRoleId}>` : 'none (Manage Server only)',
        inline: true,
      },
      { name: 'Tracked users', value: `${tracked} of ${cap}`, inline: true },
      {
        name: 'Announce',
        value: `unlocks **${onOff(settings.announceUnlocks)}** · awards **${onOff(settings.announceAwards)}** · softcore unlocks **${onOff(settings.announceSoftcore)}**`,
      },
      {
        name: 'Delivery',
        value: delivery,
      },
      ...(delayedLines.length > 0
        ? [{ name: 'Waiting over 15 minutes', value: fitLines(delayedLines, 'channel') }]
        : []),
      ...(failingLines.length > 0
        ? [{ name: 'RetroAchievements keeps failing on', value: fitLines(failingLines, 'game') }]
        : []),
    ],
  };
}
