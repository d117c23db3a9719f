/**
 * English: the source of truth for every sentence the bot says. Keys are ids (`area.what`);
 * `{{name}}` is a placeholder, `{{count, number}}` a number in the reader's locale; a key with
 * `_one`/`_other` (and `_zero`/`_two`/`_few`/`_many` where a language uses them) has plural forms.
 * Every other language file has the same keys and placeholders (test/i18n/catalogue.test.ts).
 * Outside text (RA names, titles) is escaped before it is passed in; these strings are markdown.
 */
export const en = {
  // Shared words
  'common.retroachievements': 'RetroAchievements',
  'common.game': 'Game {{id}}',
  'common.achievement': 'Achievement {{id}}',
  'common.player': 'Player',
  'common.points_one': '{{count, number}} pt',
  'common.points_other': '{{count, number}} pts',

  // Award wording (render/style.ts)
  'award.label.beaten-softcore': 'Beaten (softcore)',
  'award.label.beaten-hardcore': 'Beaten (hardcore)',
  'award.label.completed': 'Completed',
  'award.label.mastered': 'Mastered',
  'award.verb.beaten-softcore': 'beaten (softcore)',
  'award.verb.beaten-hardcore': 'beaten (hardcore)',
  'award.verb.completed': 'completed',
  'award.verb.mastered': 'mastered',

  // /profile (render/profile.ts)
  'profile.lastPlayed': '🎮 Last played: {{game}}',
  'profile.unranked': 'Unranked',
  'profile.rank': '#{{rank}}',
  'profile.rankOf': '#{{rank}} of {{total}}',
  'profile.points': 'Points',
  'profile.pointsHardcore': '**{{points}}** hardcore',
  'profile.pointsSoftcore': '{{points}} softcore',
  'profile.pointsRetro': '{{points}} RetroPoints',
  'profile.siteRank': 'Site rank',
  'profile.awards': 'Awards',
  'profile.mastered_one': '{{count, number}} mastered',
  'profile.mastered_other': '{{count, number}} mastered',
  'profile.completed_one': '{{count, number}} completed',
  'profile.completed_other': '{{count, number}} completed',
  'profile.beaten_one': '{{count, number}} beaten (+{{softcore}} softcore)',
  'profile.beaten_other': '{{count, number}} beaten (+{{softcore}} softcore)',
  'profile.latestUnlocks': 'Latest unlocks',
  'profile.latestAwards': 'Latest awards',
  'profile.memberSince': 'Member since',
  'profile.anonymousUser': 'RetroAchievements user',
  'profile.title': '{{user}} on RetroAchievements',
} as const;
