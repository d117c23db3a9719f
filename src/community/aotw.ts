/**
 * RA's Achievement of the Week, read at most once an hour for all servers together and kept in
 * the meta table (so a restart doesn't ask again). Commands and announcements read the stored
 * copy; a server that opted in gets one post when a new one starts.
 */
import type { AotwData, AotwPayload } from '../domain/community.js';
import type { Logger } from '../log.js';
import type { RaClient } from '../ra/client.js';
import type { AchievementOfTheWeek } from '../ra/types.js';
import type { Store } from '../store/index.js';
import { errorMessage } from '../util/error-message.js';

export const AOTW_REFRESH_MS = 60 * 60_000;
/** meta keys: the stored answer (JSON), when RA was last asked, the AotW last announced. */
export const AOTW_META_KEY = 'aotw_snapshot';
export const AOTW_CHECKED_META_KEY = 'aotw_checked_at';
export const AOTW_ANNOUNCED_META_KEY = 'aotw_announced';

/** The stored AotW: RA's answer with dates as ISO text; `current` null when none is set. */
export interface AotwSnapshot {
  checkedAt: string;
  current: AotwData | null;
}

export function toAotwData(aotw: AchievementOfTheWeek): AotwData {
  return {
    ...aotw,
    startAt: aotw.startAt?.toISOString() ?? null,
    unlocks: aotw.unlocks.map((u) => ({ ...u, date: u.date.toISOString() })),
  };
}

/** Identifies one AotW: the same achievement can come back in a later week. */
export function aotwKey(aotw: Pick<AotwData, 'achievement' | 'startAt'>): string {
  return `${aotw.achievement.id}@${aotw.startAt ?? ''}`;
}

export function readAotwSnapshot(store: Store): AotwSnapshot | null {
  const text = store.getMeta(AOTW_META_KEY);
  if (text === null) return null;
  try {
    return JSON.parse(text) as AotwSnapshot;
  } catch {
    return null;
  }
}

export interface AotwServiceOptions {
  store: Store;
  ra: RaClient;
  logger: Logger;
  now: () => Date;
}

export function createAotwService(options: AotwServiceOptions) {
  const { store, ra, logger, now } = options;

  /** Asks RA when the stored copy is an hour old (or missing); queues the opt-in posts of a new one. */
  async function refreshIfDue(): Promise<boolean> {
    const at = now();
    const checked = Number(store.getMeta(AOTW_CHECKED_META_KEY) ?? Number.NaN);
    if (Number.isFinite(checked) && at.getTime() - checked < AOTW_REFRESH_MS) return false;
    // Recorded before asking: a failing RA costs one request an hour, not one a tick.
    store.setMeta(AOTW_CHECKED_META_KEY, String(at.getTime()));
    let aotw: AchievementOfTheWeek | null;
    try {
      aotw = await ra.getAchievementOfTheWeek();
    } catch (error) {
      logger.warn(
        { err: errorMessage(error) },
        'could not read the Achievement of the Week; trying again in an hour',
      );
      return false;
    }
    const current = aotw ? toAotwData(aotw) : null;
    const firstRead = readAotwSnapshot(store) === null;
    store.setMeta(
      AOTW_META_KEY,
      JSON.stringify({ checkedAt: at.toISOString(), current } satisfies AotwSnapshot),
    );
    if (!current) return true;
    const key = aotwKey(current);
    if (firstRead && store.getMeta(AOTW_ANNOUNCED_META_KEY) === null) {
      // The bot's first look: this one didn't just start as far as it knows; announce the next.
      store.setMeta(AOTW_ANNOUNCED_META_KEY, key);
      return true;
    }
    const { unlocks: _unlocks, ...shown } = current;
    const posts = store.community.guildsWithAotw().map((guild) => ({
      guildId: guild.guildId,
      // An aotw route (/settings route aotw) wins over the channel given to /aotw.
      channelId: store.routes.routes(guild.guildId).aotw ?? guild.aotwChannelId!,
      kind: 'aotw' as const,
      payload: { version: 1, kind: 'aotw', aotw: shown } satisfies AotwPayload,
    }));
    const queued = store.community.queueOnce(AOTW_ANNOUNCED_META_KEY, key, posts, at);
    if (queued > 0) logger.info({ aotw: key, posts: queued }, 'new Achievement of the Week announced');
    return true;
  }

  return {
    refreshIfDue,
    /** The current AotW as last read (no RA request); null when none is set or not read yet. */
    current(): AotwData | null {
      return readAotwSnapshot(store)?.current ?? null;
    },
  };
}

export type AotwService = ReturnType<typeof createAotwService>;
