/**
 * The fake RA server's in-memory world: users, games, unlocks and the awards they imply.
 * Every lookup the server makes is a Map access or a binary search, so a benchmark world of
 * thousands of users stays cheap per request.
 */

import { FakeLeaderboards } from './leaderboards.js';

export type FakeAchievementType = 'progression' | 'win_condition' | 'missable' | null;
export type FakeAwardKind = 'beaten-softcore' | 'beaten-hardcore' | 'completed' | 'mastered';
/** Lowest prestige first, as RA ranks them. */
export const FAKE_AWARD_RANK: readonly FakeAwardKind[] = [
  'beaten-softcore',
  'beaten-hardcore',
  'completed',
  'mastered',
];

export interface FakeUserInit {
  username: string;
  /** Defaults to the username. */
  displayName?: string;
  /** Defaults to a deterministic generated ULID. */
  ulid?: string;
  /** Site-relative; defaults to `/UserPic/{username}.png`. */
  userPic?: string;
  memberSince?: Date;
  motto?: string;
  richPresenceMsg?: string;
  untracked?: boolean;
}

export interface FakeUser {
  readonly ulid: string;
  readonly username: string;
  displayName: string;
  userPic: string;
  memberSince: Date;
  motto: string;
  richPresenceMsg: string;
  untracked: boolean;
  deleted: boolean;
  lastGameId: number | null;
  /** Hardcore points. */
  totalPoints: number;
  /** Points of unlocks held in softcore only. */
  totalSoftcorePoints: number;
  totalTruePoints: number;
}

export interface FakeAchievementInit {
  id: number;
  title?: string;
  description?: string;
  points?: number;
  trueRatio?: number;
  /** Defaults to a zero-padded id, e.g. `"012345"`. */
  badgeName?: string;
  displayOrder?: number;
  type?: FakeAchievementType;
  author?: string;
  dateCreated?: Date;
  dateModified?: Date;
}

export interface FakeAchievement {
  readonly id: number;
  readonly gameId: number;
  title: string;
  description: string;
  points: number;
  trueRatio: number;
  badgeName: string;
  displayOrder: number;
  type: FakeAchievementType;
  author: string;
  dateCreated: Date;
  dateModified: Date;
  numAwarded: number;
  numAwardedHardcore: number;
}

export interface FakeGameInit {
  id: number;
  title: string;
  consoleId?: number;
  consoleName?: string;
  imageIcon?: string;
  imageTitle?: string;
  imageIngame?: string;
  imageBoxArt?: string;
  publisher?: string;
  developer?: string;
  genre?: string;
  /** `YYYY-MM-DD` or null. */
  released?: string | null;
  parentGameId?: number | null;
  achievements?: FakeAchievementInit[];
}

export interface FakeGame {
  readonly id: number;
  title: string;
  consoleId: number;
  consoleName: string;
  imageIcon: string;
  imageTitle: string;
  imageIngame: string;
  imageBoxArt: string;
  publisher: string;
  developer: string;
  genre: string;
  released: string | null;
  parentGameId: number | null;
  /** Users with at least one unlock. */
  numDistinctPlayers: number;
  readonly achievements: Map<number, FakeAchievement>;
}

export interface FakeUnlock {
  readonly achievementId: number;
  readonly gameId: number;
  readonly softcoreAt: Date;
  hardcoreAt: Date | null;
}

/** One row of the unlock feeds: a hardcore unlock is one hardcore row; an upgrade adds a row. */
export interface FakeUnlockEvent {
  readonly achievementId: number;
  readonly gameId: number;
  readonly at: Date;
  readonly hardcore: boolean;
}

export interface FakeAward {
  readonly ulid: string;
  readonly gameId: number;
  readonly kind: FakeAwardKind;
  readonly at: Date;
}

/** A console as API_GetConsoleIDs lists it. */
export interface FakeConsole {
  id: number;
  name: string;
  active: boolean;
  isGameSystem: boolean;
}

/** A catalogue-only game (API_GetGameList): listed, but with no achievements to unlock here. */
export interface FakeListedGame {
  id: number;
  title: string;
  consoleId: number;
  numAchievements: number;
  points: number;
}

export interface FakeWorldOptions {
  /** RA grants mastery/completion only to sets with at least this many achievements. Default 6. */
  masteryMinAchievements?: number;
  /** Clock for unlocks without `at` and for the "recent" window. Default: real time. */
  now?: () => Date;
  /**
   * How long after an unlock (on the world's clock) the user's points totals show it, as RA's
   * queued jobs do (API_GetUsersFollowingMe). Default 0: at once. Changeable at runtime.
   */
  pointsLagMs?: number;
}

/** A follower of the key owner as API_GetUsersFollowingMe lists them (points as of now). */
export interface FakeFollowerRow {
  user: FakeUser;
  hardcorePoints: number;
  softcorePoints: number;
}

export interface UnlockOptions {
  hardcore?: boolean;
  /** Defaults to `world.now()`. May be in the past (backdated unlocks happen on RA). */
  at?: Date;
}

export type UnlockResult = 'new' | 'upgraded' | 'unchanged';

interface UserState {
  /** achievementId -> unlock */
  unlocks: Map<number, FakeUnlock>;
  /** gameId -> achievement ids unlocked in it */
  byGame: Map<number, Set<number>>;
  /** Sorted by time, ascending. */
  events: FakeUnlockEvent[];
  /** gameId -> last played (ms) */
  played: Map<number, number>;
  /** gameId -> kind -> award */
  awards: Map<number, Map<FakeAwardKind, FakeAward>>;
  /** Last unlock or play (ms): the followers list is ordered by it. */
  lastActiveMs: number;
  /** Points changes not yet visible in totals (pointsLagMs), oldest first. */
  pendingPoints: Array<{ visibleAtMs: number; hard: number; soft: number }>;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Deterministic, valid-looking ULIDs: a fixed time part and a counter. */
function generatedUlid(n: number): string {
  let tail = '';
  let rest = n;
  for (let i = 0; i < 16; i++) {
    tail = CROCKFORD[rest % 32] + tail;
    rest = Math.floor(rest / 32);
  }
  return `01HZZZZZZZ${tail}`;
}

/** RA matches names case- and accent-insensitively. */
export function nameKey(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** First index whose value is > `ms` (so equal times keep insertion order). */
function upperBound<T>(items: readonly T[], ms: number, time: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time(items[mid]!) <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is >= `ms`. */
function lowerBound<T>(items: readonly T[], ms: number, time: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time(items[mid]!) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const eventTime = (e: FakeUnlockEvent) => e.at.getTime();
/** The feed is newest first: stored ascending, read backwards. */
const awardTime = (a: FakeAward) => a.at.getTime();

/** RA's Achievement of the Week: one achievement from `startAt`. */
export interface FakeAotw {
  achievementId: number;
  startAt: Date;
}

export class FakeWorld {
  readonly masteryMinAchievements: number;
  /** RA's leaderboards: boards per game and each user's best entry (see leaderboards.ts). */
  readonly leaderboards = new FakeLeaderboards();
  now: () => Date;
  /** The current Achievement of the Week; null = none set (RA answers `{"Achievement":{"ID":null}}`). */
  aotw: FakeAotw | null = null;

  private readonly users = new Map<string, FakeUser>();
  private readonly state = new Map<string, UserState>();
  /** nameKey(username | displayName | ulid) -> ulid */
  private readonly names = new Map<string, string>();
  private readonly games = new Map<number, FakeGame>();
  private readonly consoles = new Map<number, FakeConsole>();
  private readonly listed = new Map<number, FakeListedGame>();
  private readonly achievementGame = new Map<number, number>();
  /** Demoted achievements (set revisions), out of their game until promoted again. */
  private readonly demoted = new Map<number, FakeAchievement>();
  private readonly badges = new Set<string>();
  /** Every award, ascending by date. */
  private readonly awardFeed: FakeAward[] = [];
  private ulidCounter = 0;
  /** ULIDs following the API key's owner (API_GetUsersFollowingMe). */
  private readonly followerSet = new Set<string>();
  /** ULIDs the API key's owner follows (API_GetUsersIFollow). */
  private readonly botFollowSet = new Set<string>();
  pointsLagMs: number;

  constructor(options: FakeWorldOptions = {}) {
    this.masteryMinAchievements = options.masteryMinAchievements ?? 6;
    this.now = options.now ?? (() => new Date());
    this.pointsLagMs = options.pointsLagMs ?? 0;
  }

  // ---- users -------------------------------------------------------------------------------

  addUser(init: FakeUserInit): FakeUser {
    const ulid = (init.ulid ?? generatedUlid(++this.ulidCounter)).toUpperCase();
    const displayName = init.displayName ?? init.username;
    for (const name of [init.username, displayName, ulid]) {
      if (this.names.has(nameKey(name))) throw new Error(`fake RA: user name ${name} is taken`);
    }
    const user: FakeUser = {
      ulid,
      username: init.username,
      displayName,
      userPic: init.userPic ?? `/UserPic/${init.username}.png`,
      memberSince: init.memberSince ?? new Date(Date.UTC(2020, 0, 1)),
      motto: init.motto ?? '',
      richPresenceMsg: init.richPresenceMsg ?? '',
      untracked: init.untracked ?? false,
      deleted: false,
      lastGameId: null,
      totalPoints: 0,
      totalSoftcorePoints: 0,
      totalTruePoints: 0,
    };
    this.users.set(ulid, user);
    this.state.set(ulid, {
      unlocks: new Map(),
      byGame: new Map(),
      events: [],
      played: new Map(),
      awards: new Map(),
      lastActiveMs: 0,
      pendingPoints: [],
    });
    for (const name of [init.username, displayName, ulid]) this.names.set(nameKey(name), ulid);
    return user;
  }

  /** By username, display name or ULID, case/accent-insensitive; deleted users are invisible. */
  findUser(ref: string): FakeUser | undefined {
    const ulid = this.names.get(nameKey(ref));
    const user = ulid === undefined ? undefined : this.users.get(ulid);
    return user && !user.deleted ? user : undefined;
  }

  /** Like findUser, but throws: for test setup. */
  user(ref: string): FakeUser {
    const user = this.findUser(ref);
    if (!user) throw new Error(`fake RA: no user ${ref}`);
    return user;
  }

  /** Changes the display name; the username and ULID still resolve, the old display name not. */
  rename(ref: string, newDisplayName: string): FakeUser {
    const user = this.user(ref);
    const taken = this.names.get(nameKey(newDisplayName));
    if (taken !== undefined && taken !== user.ulid) throw new Error(`fake RA: ${newDisplayName} is taken`);
    if (nameKey(user.displayName) !== nameKey(user.username)) this.names.delete(nameKey(user.displayName));
    user.displayName = newDisplayName;
    this.names.set(nameKey(newDisplayName), user.ulid);
    return user;
  }

  /** A deleted account answers like an unknown one everywhere. */
  deleteUser(ref: string): void {
    this.user(ref).deleted = true;
  }

  /** Every user that isn't deleted. */
  allUsers(): FakeUser[] {
    return [...this.users.values()].filter((u) => !u.deleted);
  }

  /** Every game award of the user, oldest first. */
  allAwardsOf(ulid: string): FakeAward[] {
    const byGame = this.state.get(ulid)?.awards ?? new Map<number, Map<FakeAwardKind, FakeAward>>();
    return [...byGame.values()]
      .flatMap((kinds) => [...kinds.values()])
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  // ---- followers of the key owner ------------------------------------------------------------

  /**
   * The user follows the API key's owner (done on RA's website; there is no API for it). The
   * follow alone does not move the user in the activity-ordered list (the worst case for the bot).
   */
  follow(ref: string): void {
    this.followerSet.add(this.user(ref).ulid);
  }

  unfollow(ref: string): void {
    this.followerSet.delete(this.user(ref).ulid);
  }

  /** The API key's owner follows the user (on RA's website): API_GetUsersIFollow lists them. */
  botFollow(ref: string): void {
    this.botFollowSet.add(this.user(ref).ulid);
  }

  botUnfollow(ref: string): void {
    this.botFollowSet.delete(this.user(ref).ulid);
  }

  /** The users the key's owner follows, as API_GetUsersIFollow lists them (same order as followers()). */
  botFollowing(): Array<FakeFollowerRow & { followsBack: boolean }> {
    return this.listOf(this.botFollowSet).map((row) => ({
      ...row,
      followsBack: this.followerSet.has(row.user.ulid),
    }));
  }

  /**
   * Visible followers, most recently active first (ties: the ULID), with the points totals RA
   * shows now: changes younger than `pointsLagMs` are not in them yet.
   */
  followers(): FakeFollowerRow[] {
    return this.listOf(this.followerSet);
  }

  private listOf(ulids: ReadonlySet<string>): FakeFollowerRow[] {
    const nowMs = this.now().getTime();
    const rows: Array<FakeFollowerRow & { activeMs: number }> = [];
    for (const ulid of ulids) {
      const user = this.users.get(ulid)!;
      if (user.deleted) continue;
      const state = this.state.get(ulid)!;
      let hard = user.totalPoints;
      let soft = user.totalSoftcorePoints;
      for (const change of state.pendingPoints) {
        if (change.visibleAtMs <= nowMs) continue;
        hard -= change.hard;
        soft -= change.soft;
      }
      rows.push({ user, hardcorePoints: hard, softcorePoints: soft, activeMs: state.lastActiveMs });
    }
    rows.sort((a, b) => b.activeMs - a.activeMs || (a.user.ulid < b.user.ulid ? -1 : 1));
    return rows.map(({ activeMs: _, ...row }) => row);
  }

  get userCount(): number {
    return this.users.size;
  }

  // ---- games -------------------------------------------------------------------------------

  addGame(init: FakeGameInit): FakeGame {
    if (this.games.has(init.id)) throw new Error(`fake RA: game ${init.id} exists`);
    // A catalogue-only game becomes a full one (with achievements to unlock).
    this.listed.delete(init.id);
    const pad = String(init.id).padStart(6, '0');
    const game: FakeGame = {
      id: init.id,
      title: init.title,
      consoleId: init.consoleId ?? 1,
      consoleName: init.consoleName ?? 'Genesis/Mega Drive',
      imageIcon: init.imageIcon ?? `/Images/${pad}.png`,
      imageTitle: init.imageTitle ?? '/Images/000002.png',
      imageIngame: init.imageIngame ?? '/Images/000002.png',
      imageBoxArt: init.imageBoxArt ?? '/Images/000002.png',
      publisher: init.publisher ?? '',
      developer: init.developer ?? '',
      genre: init.genre ?? '',
      released: init.released ?? null,
      parentGameId: init.parentGameId ?? null,
      numDistinctPlayers: 0,
      achievements: new Map(),
    };
    this.games.set(game.id, game);
    this.addAchievements(game.id, init.achievements ?? []);
    return game;
  }

  /** Adds achievements to a game (a set that grows keeps the awards already granted). */
  addAchievements(gameId: number, inits: readonly FakeAchievementInit[]): FakeAchievement[] {
    const game = this.game(gameId);
    return inits.map((init) => {
      if (this.achievementGame.has(init.id)) throw new Error(`fake RA: achievement ${init.id} exists`);
      const achievement: FakeAchievement = {
        id: init.id,
        gameId,
        title: init.title ?? `Achievement ${init.id}`,
        description: init.description ?? `Do thing ${init.id}`,
        points: init.points ?? 5,
        trueRatio: init.trueRatio ?? (init.points ?? 5) * 2,
        badgeName: init.badgeName ?? String(init.id).padStart(6, '0'),
        displayOrder: init.displayOrder ?? game.achievements.size + 1,
        type: init.type ?? null,
        author: init.author ?? 'FakeDev',
        dateCreated: init.dateCreated ?? new Date(Date.UTC(2020, 0, 1)),
        dateModified: init.dateModified ?? new Date(Date.UTC(2020, 0, 2)),
        numAwarded: 0,
        numAwardedHardcore: 0,
      };
      game.achievements.set(achievement.id, achievement);
      this.achievementGame.set(achievement.id, gameId);
      this.badges.add(achievement.badgeName);
      return achievement;
    });
  }

  /**
   * A set revision: the achievement is demoted to unofficial. It vanishes from its game's list and
   * from the unlock feeds; users keep their unlocks (stored stats still count them).
   */
  demote(achievementId: number): void {
    const game = this.game(this.gameOfAchievement(achievementId));
    const achievement = game.achievements.get(achievementId);
    if (!achievement) throw new Error(`fake RA: achievement ${achievementId} is not official`);
    game.achievements.delete(achievementId);
    this.demoted.set(achievementId, achievement);
  }

  /** Promoted again: it comes back, with every user's original unlock dates. */
  promote(achievementId: number): void {
    const achievement = this.demoted.get(achievementId);
    if (!achievement) throw new Error(`fake RA: achievement ${achievementId} is not demoted`);
    this.demoted.delete(achievementId);
    this.game(this.gameOfAchievement(achievementId)).achievements.set(achievementId, achievement);
  }

  isDemoted(achievementId: number): boolean {
    return this.demoted.has(achievementId);
  }

  /** The game an achievement belongs to. */
  gameOfAchievement(achievementId: number): number {
    const gameId = this.achievementGame.get(achievementId);
    if (gameId === undefined) throw new Error(`fake RA: no achievement ${achievementId}`);
    return gameId;
  }

  findGame(id: number): FakeGame | undefined {
    return this.games.get(id);
  }

  game(id: number): FakeGame {
    const game = this.games.get(id);
    if (!game) throw new Error(`fake RA: no game ${id}`);
    return game;
  }

  hasBadge(badgeName: string): boolean {
    return this.badges.has(badgeName);
  }

  // ---- catalogue ---------------------------------------------------------------------------

  addConsole(console: Partial<FakeConsole> & { id: number; name: string }): FakeConsole {
    const full = { active: true, isGameSystem: true, ...console };
    this.consoles.set(full.id, full);
    return full;
  }

  allConsoles(): FakeConsole[] {
    return [...this.consoles.values()].sort((a, b) => a.id - b.id);
  }

  /** Adds games to the catalogue only (API_GetGameList), cheaply: thousands for search tests. */
  addListedGames(games: readonly FakeListedGame[]): void {
    for (const g of games) {
      if (this.games.has(g.id) || this.listed.has(g.id)) throw new Error(`fake RA: game ${g.id} exists`);
      this.listed.set(g.id, g);
    }
  }

  /** API_GetGameList with f=1: full games with achievements and listed ones, by title. */
  gameList(consoleId: number): Array<FakeListedGame & { consoleName: string; imageIcon: string }> {
    const consoleName = this.consoles.get(consoleId)?.name ?? '';
    const rows = [...this.listed.values()]
      .filter((g) => g.consoleId === consoleId)
      .map((g) => ({ ...g, consoleName, imageIcon: `/Images/${String(g.id).padStart(6, '0')}.png` }));
    for (const g of this.games.values()) {
      if (g.consoleId !== consoleId || g.achievements.size === 0) continue;
      const points = [...g.achievements.values()].reduce((sum, a) => sum + a.points, 0);
      rows.push({
        id: g.id,
        title: g.title,
        consoleId,
        consoleName: g.consoleName,
        imageIcon: g.imageIcon,
        numAchievements: g.achievements.size,
        points,
      });
    }
    // Plain code-unit order: localeCompare over thousands of rows stalled the benchmark's process.
    return rows.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
  }

  // ---- unlocks -----------------------------------------------------------------------------

  /**
   * Unlocks an achievement. A hardcore unlock sets both dates; a later hardcore unlock of a
   * softcore one keeps the softcore date and adds a hardcore row to the feeds.
   */
  unlock(userRef: string, achievementId: number, options: UnlockOptions = {}): UnlockResult {
    const user = this.user(userRef);
    const state = this.state.get(user.ulid)!;
    const gameId = this.achievementGame.get(achievementId);
    if (gameId === undefined) throw new Error(`fake RA: no achievement ${achievementId}`);
    const game = this.game(gameId);
    const achievement = game.achievements.get(achievementId);
    if (!achievement) throw new Error(`fake RA: achievement ${achievementId} is demoted`);
    const at = options.at ?? this.now();
    const hardcore = options.hardcore ?? false;
    const existing = state.unlocks.get(achievementId);

    const hardBefore = user.totalPoints;
    const softBefore = user.totalSoftcorePoints;
    let result: UnlockResult;
    if (!existing) {
      state.unlocks.set(achievementId, {
        achievementId,
        gameId,
        softcoreAt: at,
        hardcoreAt: hardcore ? at : null,
      });
      let ids = state.byGame.get(gameId);
      if (!ids) {
        ids = new Set();
        state.byGame.set(gameId, ids);
        game.numDistinctPlayers++;
      }
      ids.add(achievementId);
      achievement.numAwarded++;
      if (hardcore) this.creditHardcore(user, achievement);
      else user.totalSoftcorePoints += achievement.points;
      result = 'new';
    } else if (hardcore && existing.hardcoreAt === null) {
      existing.hardcoreAt = at;
      user.totalSoftcorePoints -= achievement.points;
      this.creditHardcore(user, achievement);
      result = 'upgraded';
    } else {
      return 'unchanged';
    }
    this.delayPoints(state, user.totalPoints - hardBefore, user.totalSoftcorePoints - softBefore);
    const event: FakeUnlockEvent = { achievementId, gameId, at, hardcore };
    state.events.splice(upperBound(state.events, at.getTime(), eventTime), 0, event);
    this.play(user.ulid, gameId, at);
    this.updateAwards(user.ulid, game);
    return result;
  }

  /** Marks a game as played (recently-played list) without unlocking anything. */
  play(userRef: string, gameId: number, at: Date = this.now()): void {
    const user = this.user(userRef);
    this.game(gameId);
    const played = this.state.get(user.ulid)!.played;
    played.set(gameId, Math.max(played.get(gameId) ?? 0, at.getTime()));
    user.lastGameId = gameId;
    const state = this.state.get(user.ulid)!;
    state.lastActiveMs = Math.max(state.lastActiveMs, at.getTime(), this.now().getTime());
  }

  /**
   * Activity on the website without playing (reading pages, following someone): RA's followers
   * list is ordered by activity, so this moves the user to its first page like play does.
   */
  visit(userRef: string, at: Date = this.now()): void {
    const state = this.state.get(this.user(userRef).ulid)!;
    state.lastActiveMs = Math.max(state.lastActiveMs, at.getTime());
  }

  /**
   * A full reset of one game, as RA does it: the user's unlocks of it (and their unlock-feed
   * rows) and their awards for it (feed rows too) are deleted. Points totals are left alone.
   */
  resetGame(userRef: string, gameId: number): void {
    const user = this.user(userRef);
    const state = this.state.get(user.ulid)!;
    for (const id of state.byGame.get(gameId) ?? []) state.unlocks.delete(id);
    state.byGame.delete(gameId);
    state.events = state.events.filter((e) => e.gameId !== gameId);
    state.awards.delete(gameId);
    for (let i = this.awardFeed.length - 1; i >= 0; i--) {
      const award = this.awardFeed[i]!;
      if (award.ulid === user.ulid && award.gameId === gameId) this.awardFeed.splice(i, 1);
    }
  }

  /** Grants an award directly (e.g. to script the site-wide feed without unlocks). */
  grantAward(userRef: string, gameId: number, kind: FakeAwardKind, at: Date = this.now()): FakeAward {
    const user = this.user(userRef);
    this.game(gameId);
    return this.addAward(user.ulid, gameId, kind, at);
  }

  unlocksOf(ulid: string, gameId: number): FakeUnlock[] {
    const state = this.state.get(ulid);
    const ids = state?.byGame.get(gameId);
    if (!state || !ids) return [];
    return [...ids].map((id) => state.unlocks.get(id)!);
  }

  unlockOf(ulid: string, achievementId: number): FakeUnlock | undefined {
    return this.state.get(ulid)?.unlocks.get(achievementId);
  }

  /** Unlock rows with fromMs <= at < toMs, oldest first. */
  eventsBetween(ulid: string, fromMs: number, toMs: number): FakeUnlockEvent[] {
    const events = this.state.get(ulid)?.events ?? [];
    const window = events.slice(lowerBound(events, fromMs, eventTime), lowerBound(events, toMs, eventTime));
    // Demoted achievements are not in the feeds.
    return this.demoted.size === 0 ? window : window.filter((e) => !this.demoted.has(e.achievementId));
  }

  /** Games the user played, most recent first. */
  recentlyPlayed(ulid: string): Array<{ gameId: number; lastPlayed: Date }> {
    const played = this.state.get(ulid)?.played ?? new Map<number, number>();
    return [...played]
      .sort((a, b) => b[1] - a[1])
      .map(([gameId, ms]) => ({ gameId, lastPlayed: new Date(ms) }));
  }

  awardsOf(ulid: string, gameId: number): FakeAward[] {
    return [...(this.state.get(ulid)?.awards.get(gameId)?.values() ?? [])];
  }

  highestAward(ulid: string, gameId: number): FakeAward | null {
    let best: FakeAward | null = null;
    for (const award of this.awardsOf(ulid, gameId)) {
      if (!best || FAKE_AWARD_RANK.indexOf(award.kind) > FAKE_AWARD_RANK.indexOf(best.kind)) best = award;
    }
    return best;
  }

  /** Users who unlocked the achievement (either mode) at or after `fromMs`, oldest first. */
  unlockersOf(achievementId: number, fromMs: number): Array<{ user: FakeUser; unlock: FakeUnlock }> {
    const out: Array<{ user: FakeUser; unlock: FakeUnlock }> = [];
    for (const [ulid, state] of this.state) {
      const unlock = state.unlocks.get(achievementId);
      const user = this.users.get(ulid)!;
      if (!unlock || user.deleted) continue;
      const at = unlock.hardcoreAt ?? unlock.softcoreAt;
      if (at.getTime() >= fromMs) out.push({ user, unlock });
    }
    return out.sort(
      (a, b) =>
        (a.unlock.hardcoreAt ?? a.unlock.softcoreAt).getTime() -
        (b.unlock.hardcoreAt ?? b.unlock.softcoreAt).getTime(),
    );
  }

  /** Awards of visible users, newest first, with dates <= `beforeMs`. */
  *awardsNewestFirst(beforeMs = Number.POSITIVE_INFINITY, includeDeleted = false): Generator<FakeAward> {
    for (let i = upperBound(this.awardFeed, beforeMs, awardTime) - 1; i >= 0; i--) {
      const award = this.awardFeed[i]!;
      if (includeDeleted || !this.users.get(award.ulid)?.deleted) yield award;
    }
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Keeps a points change out of the visible totals for `pointsLagMs` (RA's async jobs). */
  private delayPoints(state: UserState, hard: number, soft: number): void {
    const nowMs = this.now().getTime();
    while (state.pendingPoints.length > 0 && state.pendingPoints[0]!.visibleAtMs <= nowMs) {
      state.pendingPoints.shift();
    }
    if (this.pointsLagMs > 0 && (hard !== 0 || soft !== 0)) {
      state.pendingPoints.push({ visibleAtMs: nowMs + this.pointsLagMs, hard, soft });
    }
  }

  private creditHardcore(user: FakeUser, achievement: FakeAchievement): void {
    achievement.numAwardedHardcore++;
    user.totalPoints += achievement.points;
    user.totalTruePoints += achievement.trueRatio;
  }

  private addAward(ulid: string, gameId: number, kind: FakeAwardKind, at: Date): FakeAward {
    const awards = this.state.get(ulid)!.awards;
    let kinds = awards.get(gameId);
    if (!kinds) {
      kinds = new Map();
      awards.set(gameId, kinds);
    }
    const award: FakeAward = { ulid, gameId, kind, at };
    kinds.set(kind, award);
    this.awardFeed.splice(upperBound(this.awardFeed, at.getTime(), awardTime), 0, award);
    return award;
  }

  /**
   * Grants the awards the unlocks now imply, dated when their condition became true. Awards are
   * never revoked (RA keeps a mastery when a set grows). A softcore award is not granted when
   * the hardcore one came at the same moment or earlier (RA grants only the better one then).
   */
  private updateAwards(ulid: string, game: FakeGame): void {
    const held = this.state.get(ulid)!.awards.get(game.id);
    const unlocks = this.state.get(ulid)!.unlocks;
    const grant = (
      soft: FakeAwardKind,
      hard: FakeAwardKind,
      dates: { soft: number | null; hard: number | null },
    ) => {
      const hardAward = held?.get(hard) ?? null;
      let hardMs = hardAward?.at.getTime() ?? null;
      if (!hardAward && dates.hard !== null) {
        this.addAward(ulid, game.id, hard, new Date(dates.hard));
        hardMs = dates.hard;
      }
      if (!held?.get(soft) && dates.soft !== null && (hardMs === null || dates.soft < hardMs)) {
        this.addAward(ulid, game.id, soft, new Date(dates.soft));
      }
    };
    grant('beaten-softcore', 'beaten-hardcore', beatenDates(game, unlocks));
    if (game.achievements.size >= this.masteryMinAchievements) {
      grant('completed', 'mastered', masteryDates(game, unlocks));
    }
  }
}

type DatePair = { soft: number | null; hard: number | null };

/** When all achievements were unlocked (softcore / hardcore), or null if not yet. */
function masteryDates(game: FakeGame, unlocks: Map<number, FakeUnlock>): DatePair {
  let soft: number | null = 0;
  let hard: number | null = 0;
  for (const id of game.achievements.keys()) {
    const unlock = unlocks.get(id);
    soft = unlock && soft !== null ? Math.max(soft, unlock.softcoreAt.getTime()) : null;
    hard = unlock?.hardcoreAt && hard !== null ? Math.max(hard, unlock.hardcoreAt.getTime()) : null;
  }
  return { soft, hard };
}

/** Beaten = all progression achievements plus any win_condition one (if the set has them). */
function beatenDates(game: FakeGame, unlocks: Map<number, FakeUnlock>): DatePair {
  const progression = [...game.achievements.values()].filter((a) => a.type === 'progression');
  const wins = [...game.achievements.values()].filter((a) => a.type === 'win_condition');
  if (progression.length === 0 && wins.length === 0) return { soft: null, hard: null };
  const dateFor = (pick: (u: FakeUnlock) => Date | null): number | null => {
    let latest = 0;
    for (const a of progression) {
      const at = unlocks.get(a.id);
      const d = at ? pick(at) : null;
      if (!d) return null;
      latest = Math.max(latest, d.getTime());
    }
    if (wins.length > 0) {
      const winTimes = wins.flatMap((a) => {
        const at = unlocks.get(a.id);
        const d = at ? pick(at) : null;
        return d ? [d.getTime()] : [];
      });
      if (winTimes.length === 0) return null;
      latest = Math.max(latest, Math.min(...winTimes));
    }
    return latest;
  };
  return { soft: dateFor((u) => u.softcoreAt), hard: dateFor((u) => u.hardcoreAt) };
}
