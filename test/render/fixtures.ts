import type { Achievement, GameProgress, UserProfile } from '../../src/ra/types.js';
import { createRaUrls } from '../../src/ra/urls.js';

export const urls = createRaUrls({
  mediaUrl: 'https://media.retroachievements.org',
  siteUrl: 'https://retroachievements.org',
});

export const NOW = new Date('2025-06-01T12:00:00Z');
export const INVOKER = '123456789012345678';
export const ULID = '01H8XGJWBWBAQ4Z4G1PRYNMPSG';

/** Text an attacker could put in an RA title, description or display name. */
export const HOSTILE = {
  markdown: '**bold** _x_ ||spoiler|| `code` ~~strike~~ [link](https://evil.example) # heading',
  everyone: '@everyone look',
  here: 'hey @here',
  role: 'ping <@&123456789012345678> now',
  user: 'hi <@123456789012345678> and <@!123456789012345678>',
  channel: 'see <#123456789012345678> or </progress:123456789012345678>',
  long: `${'W'.repeat(150)}${'😀'.repeat(75)}`,
  emoji: '👨‍👩‍👧‍👦 family 🎮 🏆',
  rtl: 'مرحبا بالعالم שלום עולם',
  invisible: 'a\u200Bb\u202Ec\u0000d\u0007e\u2066f',
  newlines: 'line one\r\nline two\n\n\n\nline three',
  empty: '',
  onlyInvisible: '\u200B\u200B\u0000',
} as const;

export const HOSTILE_VALUES: readonly string[] = Object.values(HOSTILE);

/** Patterns Discord turns into a mention (or a ping). None may appear in rendered text. */
export const RAW_MENTION = /@everyone|@here|<@[!&]?\d+>|<#\d+>|<\/[^:>]+:\d+>/;

export function achievement(id: number, overrides: Partial<Achievement> = {}): Achievement {
  return {
    id,
    title: `Achievement ${id}`,
    description: `Do thing number ${id}`,
    points: 5,
    retroPoints: 10,
    badgeName: String(100000 + id),
    displayOrder: id,
    numAwarded: 50,
    numAwardedHardcore: 20,
    author: 'dev',
    type: null,
    earnedAt: null,
    earnedHardcoreAt: null,
    ...overrides,
  };
}

export function earned(
  id: number,
  at: Date,
  hardcore: boolean,
  overrides: Partial<Achievement> = {},
): Achievement {
  return achievement(id, { earnedAt: at, earnedHardcoreAt: hardcore ? at : null, ...overrides });
}

export function game(achievements: Achievement[], overrides: Partial<GameProgress> = {}): GameProgress {
  const numAwardedToUser = achievements.filter((a) => a.earnedAt || a.earnedHardcoreAt).length;
  const numAwardedToUserHardcore = achievements.filter((a) => a.earnedHardcoreAt).length;
  return {
    id: 1234,
    title: 'Super Mario 64',
    consoleId: 2,
    consoleName: 'Nintendo 64',
    imageIcon: '/Images/012345.png',
    imageTitle: '/Images/012346.png',
    imageIngame: '/Images/012347.png',
    imageBoxArt: '/Images/012348.png',
    publisher: 'Nintendo',
    developer: 'Nintendo',
    genre: 'Platformer',
    released: '1996-06-23',
    parentGameId: null,
    numDistinctPlayers: 1000,
    numAchievements: achievements.length,
    numAwardedToUser,
    numAwardedToUserHardcore,
    userCompletion: achievements.length ? (numAwardedToUser / achievements.length) * 100 : 0,
    userCompletionHardcore: achievements.length ? (numAwardedToUserHardcore / achievements.length) * 100 : 0,
    highestAwardKind: null,
    highestAwardDate: null,
    achievements,
    ...overrides,
  };
}

export function profile(overrides: Partial<UserProfile> = {}): UserProfile {
  return {
    user: 'Player1',
    ulid: ULID,
    userPic: '/UserPic/Player1.png',
    totalPoints: 1000,
    totalSoftcorePoints: 10,
    totalTruePoints: 2000,
    memberSince: new Date('2020-01-01T00:00:00Z'),
    richPresenceMsg: '',
    lastGameId: 1234,
    motto: '',
    untracked: false,
    ...overrides,
  };
}

/** A 400-achievement set with hostile 300-character titles/descriptions, half earned. */
export function hugeHostileGame(): GameProgress {
  const achievements = Array.from({ length: 400 }, (_, i) => {
    const id = i + 1;
    const hostile = HOSTILE_VALUES[i % HOSTILE_VALUES.length] ?? '';
    const title = `${hostile} ${'*_~|`<@&1>'.repeat(30)}`.slice(0, 300);
    const description = `${'[x](y) @everyone '.repeat(20)}${hostile}`.slice(0, 300);
    const at = new Date(NOW.getTime() - id * 3600_000);
    return i % 2 === 0
      ? earned(id, at, i % 4 === 0, { title, description, type: 'progression' })
      : achievement(id, { title, description, type: i % 3 === 0 ? 'missable' : null });
  });
  return game(achievements, { title: `${HOSTILE.role} ${'G'.repeat(300)}` });
}
