import type { APIEmbed } from 'discord.js';
import { type Messages, messagesFor } from '../i18n/index.js';
import type { RaUrls } from '../ra/urls.js';
import { safeText } from './text.js';

export const ADMIN_COLOR = 0x5865f2;
const FIELD_VALUE_MAX = 1024;
const ENGLISH = messagesFor('en-US');

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
  /** The reader's language (default English). */
  messages?: Messages;
}): APIEmbed {
  const { users, defaultChannelId, urls } = input;
  const m = input.messages ?? ENGLISH;
  if (users.length === 0) {
    return {
      title: m.t('admin.trackedTitle'),
      description: m.t('admin.nobodyTracked'),
      color: ADMIN_COLOR,
    };
  }
  const lines: string[] = [];
  let length = 0;
  for (const [index, user] of users.entries()) {
    const channel = user.channelId ?? defaultChannelId;
    const line = `• [${safeText(user.displayName, 40, { singleLine: true })}](${urls.userById(user.ulid)}) → ${m.t(
      'admin.trackedLine',
      {
        channel: channel ? `<#${channel}>` : m.t('admin.noChannel'),
        since: `<t:${Math.floor(user.trackedSince / 1000)}:d>`,
      },
    )}`;
    const more = `\n${m.t('admin.andMore', { count: users.length - index })}`;
    if (length + line.length + 1 + more.length > 4000) {
      lines.push(more.trim());
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return {
    title: m.t('admin.trackedTitleCount', { count: users.length }),
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
function fitLines(lines: readonly string[], more: (left: number) => string): string {
  const shown: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const left = lines.length - index;
    const moreText = more(left);
    const isLast = index === lines.length - 1;
    if (length + line.length + (isLast ? 0 : 1 + moreText.length) > FIELD_VALUE_MAX) {
      shown.push(moreText);
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
  /** The language of the server's posts, and whether a manager chose it (else Discord's server language). */
  language?: { name: string; chosen: boolean };
  /** The reader's language (default English). */
  messages?: Messages;
}): APIEmbed {
  const { settings, tracked, cap, outbox } = input;
  const m = input.messages ?? ENGLISH;
  const onOff = (v: boolean) => m.t(v ? 'admin.on' : 'admin.off');
  const failures = outbox.recentFailures
    .slice(0, 5)
    .map(
      (f) =>
        `• <#${f.channelId}> ${(f.count ?? 1) > 1 ? `${f.count}× ` : ''}${relative(f.at)}: ${safeText(f.reason, 150, { singleLine: true })}${f.code ? m.t('admin.code', { code: String(f.code) }) : ''}`,
    );
  const now = input.now ?? Date.now();
  const delayedLines = (outbox.delayed ?? []).map((d) => {
    const next =
      d.nextAttemptAt <= now
        ? m.t('admin.nextTryNextRun')
        : m.t('admin.nextTryAt', { when: relative(d.nextAttemptAt) });
    const error = d.lastError
      ? `: ${safeText(d.lastError, 160, { singleLine: true })}`
      : m.t('admin.notTriedYet');
    return `• <#${d.channelId}> ${m.t('admin.waitingSince', { count: d.count, since: relative(d.since), next })}${error}`;
  });
  const failingLines = (input.failingGames ?? []).map(
    (g) =>
      `• ${m.t('admin.failingGame', {
        name: `**${safeText(g.displayName, 40, { singleLine: true })}**`,
        id: String(g.gameId),
        since: relative(g.since),
        tries: g.failures,
        error: safeText(g.lastError, 120, { singleLine: true }),
      })}`,
  );
  const head = m.t('admin.deliveryHead', { pending: outbox.pending, failed: outbox.failed });
  const hint = m.t('admin.deliveryHint', { permissions: m.t('admin.announcePermissions') });
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
    title: m.t('admin.settingsTitle'),
    color: ADMIN_COLOR,
    fields: [
      {
        name: m.t('admin.channel'),
        value: settings.defaultChannelId ? `<#${settings.defaultChannelId}>` : m.t('admin.channelNotSet'),
        inline: true,
      },
      {
        name: m.t('admin.managerRole'),
        value: settings.managerRoleId ? `<@&${settings.managerRoleId}>` : m.t('admin.managerRoleNone'),
        inline: true,
      },
      { name: m.t('admin.trackedTitle'), value: m.t('admin.trackedOf', { tracked, cap }), inline: true },
      {
        name: m.t('admin.announce'),
        value: m.t('admin.announceValue', {
          unlocks: onOff(settings.announceUnlocks),
          awards: onOff(settings.announceAwards),
          softcore: onOff(settings.announceSoftcore),
        }),
      },
      ...(input.language
        ? [
            {
              name: m.t('admin.language'),
              value: m.t(input.language.chosen ? 'admin.languageChosen' : 'admin.languageDefault', {
                language: input.language.name,
              }),
            },
          ]
        : []),
      {
        name: m.t('admin.delivery'),
        value: delivery,
      },
      ...(delayedLines.length > 0
        ? [
            {
              name: m.t('admin.waitingTitle'),
              value: fitLines(delayedLines, (count) => m.t('admin.moreChannels', { count })),
            },
          ]
        : []),
      ...(failingLines.length > 0
        ? [
            {
              name: m.t('admin.failingTitle'),
              value: fitLines(failingLines, (count) => m.t('admin.moreGames', { count })),
            },
          ]
        : []),
    ],
  };
}
