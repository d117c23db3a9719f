/**
 * Fake RetroAchievements for tests and benchmarks: a real HTTP server on 127.0.0.1 (random port)
 * backed by a scriptable in-memory world.
 *
 *   const ra = await startFakeRa({ apiKey: 'k', latencyMs?: 0, strictBadges?: true, world?: new FakeWorld() });
 *   ra.url        // API base for createRaClient({ apiUrl: ra.url, apiKey: 'k', ... })
 *   ra.mediaUrl   // serves /Badge/{name}.png, /Badge/{name}_lock.png, /Images/*.png, /UserPic/*.png
 *   ra.siteUrl    // base for page links (not served)
 *   await ra.close()
 *
 * World (ra.world):
 *   addUser({ username, displayName?, ulid?, userPic?, motto?, ... }) -> FakeUser (ULID generated)
 *   rename(ref, newDisplayName)   deleteUser(ref)   user(ref) / findUser(ref)
 *     (ref = username, display name or ULID, case/accent-insensitive, like RA's `u`)
 *   addGame({ id, title, consoleId?, ..., achievements: [{ id, points?, type?, displayOrder?, badgeName?, ... }] })
 *   addAchievements(gameId, [...])          (a growing set keeps awards already granted)
 *   demote(achievementId) / promote(achievementId)   a set revision: out of the game and the feeds, then
 *     back with the users' original dates
 *   unlock(ref, achievementId, { hardcore?, at? }) -> 'new' | 'upgraded' | 'unchanged'
 *     hardcore sets both dates; a later hardcore unlock keeps the softcore date and adds a row.
 *     Awards follow automatically, dated when their condition became true:
 *     beaten = all progression + any win_condition (only sets that have them); completed = all
 *     softcore, mastered = all hardcore (only sets with >= masteryMinAchievements, default 6,
 *     as on RA: `new FakeWorld({ masteryMinAchievements: 1 })` for tiny test sets).
 *   play(ref, gameId, at?)   visit(ref, at?) (site activity: first followers page)   grantAward(ref, gameId, kind, at?)
 *   follow(ref) / unfollow(ref)   the user follows the key owner (API_GetUsersFollowingMe lists
 *     followers most recently active first); world.pointsLagMs delays points totals after unlocks.
 *   now = () => Date       the clock for default unlock times and the "recent" window.
 *
 * Endpoints (API_<name>.php): GetUserProfile, GetGameInfoAndUserProgress (a=1 award fields),
 * GetUserRecentAchievements, GetAchievementsEarnedBetween (500-row cap, oldest first),
 * GetUserRecentlyPlayedGames, GetRecentGameAwards, GetGame, GetUsersFollowingMe, GetUserSummary
 * (rank from points), GetUserAwards (counts + visible game awards), GetAchievementOfTheWeek
 * (`world.aotw = { achievementId, startAt }`; null: none set). Wrong `y` -> 401 like RA; a bad `u`
 * -> 422; unknown user/game -> 200 `[]` (GetUserProfile: 404 `[]`).
 *
 * ra.compat.stringNumbers / ra.compat.lowercaseType: older-server quirks (off by default).
 * ra.latencyMs: delay added to every API response (changeable at runtime).
 *
 * Faults (ra.faults), scoped to an endpoint name, 'media' or '*', consumed in order:
 *   ra.faults.add('GetUserProfile', { type: 'status', status: 429, retryAfter: 1 }, 2)
 *   { type: 'status', status, retryAfter?, body? } | { type: 'delay', ms } | { type: 'hang' }
 *   | { type: 'malformed-json' } | { type: 'wrong-shape', body? } | { type: 'empty-array' } | { type: 'reset' }
 *   ra.faults.clear(scope?)   ra.faults.pending(scope?)   (times = Infinity: until cleared)
 *   ra.faults.add('GetGameInfoAndUserProgress', fault, Infinity, { g: '12' })   (only requests with these params)
 *
 * Rate limit: startFakeRa({ ..., rateLimit: { max: 2, windowMs: 250, retryAfter: 'alternate' } }) refuses
 *   a key's API requests above max per sliding window with 429 (Retry-After always / never / every
 *   other time); ra.rateLimited counts the refusals.
 *
 * Requests (ra.requests), every arrival including faulted ones, API key removed:
 *   all(): { endpoint, path, params, atMs (performance.now()), receivedAt }[]
 *   count(endpoint?)   of(endpoint)   gapsMs(endpoint?)   clear()
 */

export * from './leaderboards.js';
export * from './server.js';
export * from './world.js';
