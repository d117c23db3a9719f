/**
 * Where each kind of post goes and which unlocks are posted (issue 20). Pure data and rules,
 * shared by the store (routes, filters), detection (fan-out) and the commands.
 */

/** The kinds an admin can route with `/settings route kind`. */
export const ROUTE_KINDS = [
  'unlocks',
  'awards',
  'milestones',
  'digest',
  'aotw',
  'challenge',
  'arcade',
] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];

/** A guild's routes: a kind without one follows the default rules. */
export type Routes = Partial<Record<RouteKind, string>>;

export function isRouteKind(value: string): value is RouteKind {
  return (ROUTE_KINDS as readonly string[]).includes(value);
}

/**
 * The channel for one kind of post in one guild. Precedence: the kind's route, then (for posts
 * about one user: unlocks, awards, milestones) the user's own channel, then the server's default.
 * A route wins over a user's channel because it is the narrower choice about WHAT is posted
 * ("masteries go to #hall-of-fame" must hold for every user); a user's channel still decides
 * where their posts of unrouted kinds go.
 */
export function resolveChannel(
  kind: RouteKind,
  where: { routes: Routes; userChannelId?: string | null; defaultChannelId: string | null },
): string | null {
  return where.routes[kind] ?? where.userChannelId ?? where.defaultChannelId ?? null;
}

/** Which unlocks a guild posts (`/settings filter`); awards are never filtered. */
export interface UnlockFilters {
  hardcoreOnly: boolean;
  /** Post only unlocks worth at least this many points; null: any. */
  minPoints: number | null;
  /** Post only unlocks earned by fewer than this percent of the game's players; null: any. */
  rarerThanPercent: number | null;
}

export const NO_FILTERS: Readonly<UnlockFilters> = {
  hardcoreOnly: false,
  minPoints: null,
  rarerThanPercent: null,
};

/** What the filters look at in an unlock. */
export interface FilteredUnlock {
  hardcore: boolean;
  points: number;
  /** RA's count of players who earned it (either mode). */
  numAwarded: number;
  /** RA's count of the game's players. */
  numDistinctPlayers: number;
}

/**
 * Rarity is RA's own: numAwarded / numDistinctPlayers. A game RA reports no players for can't be
 * measured, so the rarity filter lets its unlocks through rather than hiding them all.
 */
export function passesFilters(filters: UnlockFilters, unlock: FilteredUnlock): boolean {
  if (filters.hardcoreOnly && !unlock.hardcore) return false;
  if (filters.minPoints !== null && unlock.points < filters.minPoints) return false;
  if (filters.rarerThanPercent !== null && unlock.numDistinctPlayers > 0) {
    const share = (unlock.numAwarded / unlock.numDistinctPlayers) * 100;
    if (share >= filters.rarerThanPercent) return false;
  }
  return true;
}
