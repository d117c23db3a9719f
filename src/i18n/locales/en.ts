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

  // Numbers and durations (render/style.ts)
  'ordinal.one': '{{n}}st',
  'ordinal.two': '{{n}}nd',
  'ordinal.few': '{{n}}rd',
  'ordinal.other': '{{n}}th',
  'duration.underAMinute': 'under a minute',
  'duration.years_one': '{{count, number}} year',
  'duration.years_other': '{{count, number}} years',
  'duration.days_one': '{{count, number}} day',
  'duration.days_other': '{{count, number}} days',
  'duration.hours_one': '{{count, number}} hour',
  'duration.hours_other': '{{count, number}} hours',
  'duration.minutes_one': '{{count, number}} minute',
  'duration.minutes_other': '{{count, number}} minutes',
  'duration.pair': '{{first}} {{second}}',

  // Shared by /progress and announcements
  'common.unknownConsole': 'Unknown console',
  'common.someone': 'Someone',
  'common.hardcore': 'hardcore',
  'common.softcore': 'softcore',
  'common.moreLines': '+{{count, number}} more',

  // /progress summary (render/progress.ts)
  'progress.footer': 'RetroAchievements · game {{id}}',
  'progress.players_one': '{{count, number}} player',
  'progress.players_other': '{{count, number}} players',
  'progress.noSet': 'No achievements yet: this game has no achievement set.',
  'progress.lastUnlock': 'Last unlock {{relative}} ({{date}})',
  'progress.noUnlocksYet': 'No achievements unlocked yet.',
  'progress.fieldSoftcore': 'Softcore',
  'progress.fieldHardcore': 'Hardcore',
  'progress.fieldAward': 'Award',
  'progress.fieldPoints': 'Points',
  'progress.fieldLatest': 'Latest unlocks',
  'progress.fieldNext': 'Next to unlock',
  'progress.noAward': 'None yet',
  'progress.pointsLine': '**{{earned}}** / {{total}} points (hardcore {{hardcore}})',
  'progress.retroLine': '**{{earned}}** / {{total}} RetroPoints',
  'progress.noLatest': 'No unlocks yet',
  'progress.allUnlocked': 'Nothing left: every achievement is unlocked!',
  'progress.moreLocked': '+{{count, number}} more locked',
  'progress.type.progression': 'progression',
  'progress.type.win_condition': 'win condition',
  'progress.type.missable': 'missable',
  'progress.browse': 'Browse achievements',
  'progress.filter.all': 'All',
  'progress.filter.earned': 'Earned',
  'progress.filter.locked': 'Locked',
  'progress.emptyEarned': 'No achievements unlocked yet.',
  'progress.emptyLocked': 'Nothing left to unlock: every achievement is earned!',
  'progress.emptyAll': 'No achievements.',
  'progress.moreOnPage': '+{{count, number}} more on this page did not fit',
  'progress.pageFooter': 'Page {{page}}/{{pages}} · {{filter}} ({{listed}}) · {{earned}}/{{total}} unlocked',
  'progress.first': '⏮ First',
  'progress.prev': '◀ Prev',
  'progress.next': 'Next ▶',
  'progress.last': 'Last ⏭',
  'progress.backToSummary': 'Back to summary',

  // Announcements (render/announce.ts)
  'announce.aotw': '⭐ Achievement of the Week',
  'announce.aotwValue': 'This week’s Achievement of the Week!',
  'announce.noSet': 'No achievements in this set',
  'announce.progressHardcore': ' (hardcore {{earned}}/{{total}})',
  'announce.pointsProgress': '{{earned}}/{{total}} points',
  'announce.pointsHardcore': ' (hardcore {{points}})',
  'announce.points_one': '{{count, number}} point',
  'announce.points_other': '{{count, number}} points',
  'announce.retroPoints': '{{points}} RetroPoints',
  'announce.rarity': '{{all}} of players',
  'announce.rarityHardcore': '{{all}} of players ({{hardcore}} hardcore)',
  'announce.mode.hardcore': 'hardcore',
  'announce.mode.softcore': 'softcore',
  'announce.mode.upgraded': 'upgraded to hardcore',
  'announce.modeTitle.hardcore': 'Hardcore',
  'announce.modeTitle.softcore': 'Softcore',
  'announce.modeTitle.upgraded': 'Upgraded to hardcore',
  'announce.fieldPoints': 'Points',
  'announce.fieldMode': 'Mode',
  'announce.fieldRarity': 'Rarity',
  'announce.fieldProgress': 'Progress',
  'announce.fieldEarned': 'Earned',
  'announce.fieldConsole': 'Console',
  'announce.fieldAward': 'Award',
  'announce.fieldAchievements': 'Achievements',
  'announce.fieldSet': 'Set',
  'announce.fieldTimeTaken': 'Time taken',
  'announce.fieldAwarded': 'Awarded',
  'announce.fieldMilestone': 'Milestone',
  'announce.unlockedOne': '{{name}} unlocked an achievement',
  'announce.unlockedMany_one': '{{name}} unlocked {{count, number}} achievement',
  'announce.unlockedMany_other': '{{name}} unlocked {{count, number}} achievements',
  'announce.bundleEarned': '**+{{points}}**',
  'announce.bundleRetro': ' · +{{points}} RetroPoints',
  'announce.award.mastered': '{{game}} mastered by {{name}}',
  'announce.award.completed': '{{game}} completed by {{name}}',
  'announce.award.beaten-hardcore': '{{game}} beaten (hardcore) by {{name}}',
  'announce.award.beaten-softcore': '{{game}} beaten (softcore) by {{name}}',
  'announce.awardAgain.mastered': '{{game}} mastered again by {{name}}',
  'announce.awardAgain.completed': '{{game}} completed again by {{name}}',
  'announce.awardAgain.beaten-hardcore': '{{game}} beaten (hardcore) again by {{name}}',
  'announce.awardAgain.beaten-softcore': '{{game}} beaten (softcore) again by {{name}}',
  'announce.awardIn': '{{sentence}} in {{duration}}!',
  'announce.awardDone': '{{sentence}}!',
  'announce.milestone.mastered': 'their {{nth}} mastery',
  'announce.milestone.completed': 'their {{nth}} completion',
  'announce.milestone.beaten-hardcore': 'their {{nth}} game beaten',
  'announce.milestone.beaten-softcore': 'their {{nth}} game beaten in softcore',
  'announce.milestoneYear': '{{milestone}}, {{nth}} in {{year}}',
  'announce.thatIs': ' That’s {{milestone}}.',

  // Weekly digest and Achievement of the Week (render/community.ts)
  'community.gainerLine': '{{points}} points · {{unlocks}} unlocks',
  'community.topGainers': 'Top gainers (hardcore points)',
  'community.noGainers': 'Nobody scored hardcore points this week.',
  'community.awards': 'Masteries and beaten games',
  'community.noAwards': 'None this week.',
  'community.rarest': 'Rarest unlock',
  'community.rarestLine': '{{achievement}} by {{name}} in {{game}}',
  'community.mostPlayed': 'Most played game',
  'community.mostPlayedLine_one': '{{count, number}} player, {{unlocks}} unlocks',
  'community.mostPlayedLine_other': '{{count, number}} players, {{unlocks}} unlocks',
  'community.digestTitle': '📰 Weekly digest',
  'community.trackedUsers_one': '{{count, number}} tracked users',
  'community.trackedUsers_other': '{{count, number}} tracked users',
  'community.digestFooter': 'Counted from what the bot saw since each user was tracked here',
  'community.fieldGame': 'Game',
  'community.runs': 'Runs',
  'community.runsValue': '{{start}} – {{end}} (ends {{relative}})',
  'community.aotwStarted': '⭐ A new Achievement of the Week has started: {{title}}!',
  'community.aotwNone': 'RetroAchievements has no Achievement of the Week set right now.',
  'community.aotwNotRead':
    'The Achievement of the Week hasn’t been read from RetroAchievements yet; try again in a minute.',
  'community.nobodyTracked': 'Nobody is tracked on this server.',
  'community.noHolders_one': 'None of the {{count, number}} tracked users yet.',
  'community.noHolders_other': 'None of the {{count, number}} tracked users yet.',
  'community.holders': 'Tracked here who have it ({{count, number}})',
  'community.readFooter': 'RetroAchievements · read',

  // /progress replies (commands/progress.ts)
  'progress.onlyInvokerPick': 'Only the person who ran this `/progress` can pick. Run `/progress` yourself.',
  'progress.invalidButton': 'This button is no longer valid. Run `/progress` again.',
  'progress.onlyInvokerBrowse':
    'Only the person who ran this `/progress` can page through it. Run `/progress` yourself to browse.',
  'progress.expired':
    'These buttons have expired (they work for 15 minutes). Run `/progress` again for a fresh view.',

  // /track list and /settings show (render/admin.ts)
  'admin.trackedTitle': 'Tracked users',
  'admin.trackedTitleCount': 'Tracked users ({{count, number}})',
  'admin.nobodyTracked': 'Nobody is tracked on this server yet. A manager can add someone with `/track add`.',
  'admin.trackedLine': '{{channel}} · since {{since}}',
  'admin.noChannel': '*no channel*',
  'admin.andMore': '… and {{count, number}} more',
  'admin.moreChannels_one': '… and {{count, number}} more channel',
  'admin.moreChannels_other': '… and {{count, number}} more channels',
  'admin.moreGames_one': '… and {{count, number}} more game',
  'admin.moreGames_other': '… and {{count, number}} more games',
  'admin.on': 'on',
  'admin.off': 'off',
  'admin.code': ' (code {{code}})',
  'admin.nextTryNextRun': 'next try on the next run',
  'admin.nextTryAt': 'next try {{when}}',
  'admin.notTriedYet': ': not tried yet',
  'admin.waitingSince': '{{count, number}} waiting since {{since}}, {{next}}',
  'admin.failingGame':
    '{{name}}, game {{id}}: since {{since}}, {{tries}} tries ({{error}}); its unlocks are announced once RA answers for it again',
  'admin.deliveryHead': '{{pending}} waiting · {{failed}} failed for good',
  'admin.deliveryHint': 'Fix the channel permissions ({{permissions}}) or pick another channel.',
  'admin.settingsTitle': 'cheevobot settings',
  'admin.channel': 'Announcement channel',
  'admin.channelNotSet': 'not set (`/settings channel`)',
  'admin.managerRole': 'Manager role',
  'admin.managerRoleNone': 'none (Manage Server only)',
  'admin.trackedOf': '{{tracked}} of {{cap}}',
  'admin.announce': 'Announce',
  'admin.announceValue':
    'unlocks **{{unlocks}}** · awards **{{awards}}** · softcore unlocks **{{softcore}}**',
  'admin.language': 'Language of posts',
  'admin.languageChosen': '{{language}} (`/settings language`)',
  'admin.languageDefault': '{{language}} (the server’s Discord language)',
  'admin.delivery': 'Delivery',
  'admin.waitingTitle': 'Waiting over 15 minutes',
  'admin.failingTitle': 'RetroAchievements keeps failing on',

  // /settings language (commands/settings.ts)
  'cmd.settings.language':
    'The language of this server’s posts (replies follow each member’s Discord language)',
  'cmd.settings.language.locale':
    'A language, or Automatic for the server’s Discord language (omit to see the current one)',
  'cmd.settings.language.locale.choice.auto': 'Automatic (the server’s Discord language)',
  'settings.languageSet':
    'This server’s posts will now be in **{{language}}**: the next announcements, digests and Achievement of the Week posts, not the ones already posted. Replies follow each member’s own Discord language when I speak it.',
  'settings.languageSetAuto':
    'This server’s posts now follow its Discord language, currently **{{language}}**, from the next post on. Replies follow each member’s own Discord language when I speak it.',
  'settings.languageIs': 'This server’s posts are in **{{language}}** (chosen with `/settings language`).',
  'settings.languageIsAuto':
    'This server’s posts are in **{{language}}**, its Discord language. `/settings language` picks another.',

  // /game and the game picker (render/game.ts)
  'game.hardcoreCount': ' ({{count, number}} hardcore)',
  'game.subsetOf': 'subset of {{link}}',
  'game.gameLower': 'game {{id}}',
  'game.achievements': 'Achievements',
  'game.achievementsValue': '{{count, number}} · {{points}} points',
  'game.players': 'Players',
  'game.playersHardcore': '{{count, number}} ({{hardcore}} hardcore)',
  'game.setBy': 'Set by',
  'game.inGuild': 'In {{guild}}',
  'game.inThisServer': 'In this server',
  'game.nobody': 'Nobody this server tracks has progress here yet.',
  'game.summary': '{{count, number}} tracked · {{mastered}} mastered or completed · {{beaten}} beaten',
  'game.id': 'id {{id}}',
  'game.pickerQuestion': '“{{query}}” matches several games. Which one did you mean?',
  'game.onlyInvokerPick': 'Only the person who ran this `/game` can pick. Run `/game` yourself.',
  'game.invalidButton': 'This button is no longer valid. Run `/game` again.',

  // /leaderboard (render/leaderboard.ts)
  'leaderboard.unlocks_one': '{{count, number}} unlock',
  'leaderboard.unlocks_other': '{{count, number}} unlocks',
  'leaderboard.awards': '{{mastered}} mastered · {{beaten}} beaten',
  'leaderboard.notRanked': '{{name}} isn’t ranked: nothing counted in this period yet.',
  'leaderboard.notRead':
    'RA’s totals for this server’s users haven’t been read yet; they are fetched in the background. Try again in a few minutes.',
  'leaderboard.nothingCounted': 'Nothing counted in this period yet.',
  'leaderboard.page': 'Page {{page}}/{{pages}}',
  'leaderboard.unranked': '{{count, number}} more tracked with nothing counted',
  'leaderboard.footerAll': 'RA totals, refreshed in the background',
  'leaderboard.footerCounted': 'counted since each user was tracked here',
  'leaderboard.title': '🏆 Leaderboard · {{period}} · {{by}}',
  'leaderboard.period.week': 'last 7 days',
  'leaderboard.period.month': 'last 30 days',
  'leaderboard.period.all': 'all time',
  'leaderboard.by.points': 'hardcore points',
  'leaderboard.by.awards': 'games mastered and beaten',
  'leaderboard.by.unlocks': 'achievements unlocked',
  'leaderboard.previous': '◀ Previous',
  'leaderboard.noAllTimeUnlocks':
    'RA has no all-time unlock count the bot can read cheaply. Rank all time by points or awards, or unlocks by week or month.',
  'leaderboard.notTracked': 'That user isn’t tracked on this server. See `/track list`.',
  'leaderboard.invalidButton': 'This button is no longer valid. Run `/leaderboard` again.',
  'leaderboard.onlyInvoker':
    'Only the person who ran this `/leaderboard` can page through it. Run `/leaderboard` yourself.',
  'leaderboard.expired': 'These buttons have expired (they work for 15 minutes). Run `/leaderboard` again.',
  // Discord's own names of the permissions the bot needs in an announcement channel, as its UI shows them
  'admin.announcePermissions': 'View Channel, Send Messages, Embed Links, Attach Files',

  // Slash command descriptions and choices, keyed by their path (commands/shared/locale.ts)
  'cmd.progress': 'Show a RetroAchievements user’s progress in a game',
  'cmd.progress.game':
    'Game title (the user’s recent games are suggested first), abbreviation like ff7, or id',
  'cmd.progress.user': 'RA username, display name or ULID (default: your linked account)',
  'cmd.track': 'Choose which RetroAchievements users this server follows',
  'cmd.track.add': 'Announce this RetroAchievements user’s new unlocks and awards',
  'cmd.track.add.user': 'RA username, display name or ULID',
  'cmd.track.add.channel': 'Where to announce (defaults to the server’s announcement channel)',
  'cmd.track.remove': 'Stop announcing a tracked user',
  'cmd.track.remove.user': 'A tracked user',
  'cmd.track.list': 'Show the users this server tracks',
  'cmd.track.me': 'Announce your own linked RA account here (if this server allows it)',
  'cmd.track.me.remove': 'Stop announcing your account instead',
  'cmd.settings': 'Where and what this server announces',
  'cmd.settings.channel': 'Set the default channel for announcements',
  'cmd.settings.channel.channel': 'Text or announcement channel',
  'cmd.settings.show': 'Show this server’s settings and delivery problems',
  'cmd.settings.retry': 'Send again the announcements that failed in the last 7 days',
  'cmd.settings.manager-role': 'Let members with this role manage tracking (omit the role to clear)',
  'cmd.settings.manager-role.role': 'The manager role',
  'cmd.settings.announce': 'Choose what gets announced',
  'cmd.settings.announce.unlocks': 'Announce achievement unlocks',
  'cmd.settings.announce.awards': 'Announce beaten/completed/mastered awards',
  'cmd.settings.announce.softcore': 'Also announce softcore unlocks',
  'cmd.settings.members': 'What linked members may do here (omit both to see the current choice)',
  'cmd.settings.members.self-tracking': 'Linked members may /track me (within the cap); off by default',
  'cmd.settings.members.name-members':
    'Announcements name the linked Discord member (never a ping); off by default',
  'cmd.link': 'Tie your Discord account to your RetroAchievements account (or see your link)',
  'cmd.link.user': 'Your RA username (leave out to see your current link)',
  'cmd.link.member': 'Managers: link this member by hand, without the follow proof',
  'cmd.unlink': 'Remove the link between your Discord and RetroAchievements accounts',
  'cmd.unlink.member': 'Managers: unlink this member instead',
  'cmd.profile': 'A RetroAchievements player card (yours if you linked your account)',
  'cmd.profile.user': 'RA username, display name or ULID (default: your linked account)',
  'cmd.game': 'A RetroAchievements set: its card, and who in this server plays it',
  'cmd.game.game': 'Game title (suggested as you type), abbreviation like ff7, or id',
  'cmd.leaderboard': 'Rank this server’s tracked users',
  'cmd.leaderboard.period': 'Last 7 days (default), last 30 days, or all time',
  'cmd.leaderboard.period.choice.week': 'week (last 7 days)',
  'cmd.leaderboard.period.choice.month': 'month (last 30 days)',
  'cmd.leaderboard.period.choice.all': 'all time',
  'cmd.leaderboard.by': 'What to rank by (default: hardcore points)',
  'cmd.leaderboard.by.choice.points': 'hardcore points',
  'cmd.leaderboard.by.choice.awards': 'awards (mastered, beaten)',
  'cmd.leaderboard.by.choice.unlocks': 'unlocks',
  'cmd.leaderboard.user': 'A tracked user whose position to show (default: yours, if known)',
  'cmd.aotw': 'RetroAchievements’ Achievement of the Week',
  'cmd.aotw.show': 'The current Achievement of the Week and who here has it',
  'cmd.aotw.announce': 'Post here when a new Achievement of the Week starts (omit the channel to stop)',
  'cmd.aotw.announce.channel': 'Text or announcement channel',
  'cmd.digest': 'A weekly recap of this server’s tracked users',
  'cmd.digest.on': 'Post the weekly digest on this day and hour',
  'cmd.digest.on.channel': 'Text or announcement channel',
  'cmd.digest.on.weekday': 'Day of the week',
  'cmd.digest.on.weekday.choice.0': 'Sunday',
  'cmd.digest.on.weekday.choice.1': 'Monday',
  'cmd.digest.on.weekday.choice.2': 'Tuesday',
  'cmd.digest.on.weekday.choice.3': 'Wednesday',
  'cmd.digest.on.weekday.choice.4': 'Thursday',
  'cmd.digest.on.weekday.choice.5': 'Friday',
  'cmd.digest.on.weekday.choice.6': 'Saturday',
  'cmd.digest.on.hour': 'Hour of the day, 0-23',
  'cmd.digest.on.timezone': 'IANA time zone, e.g. Europe/Berlin (default UTC)',
  'cmd.digest.off': 'Stop posting the weekly digest',
  'cmd.digest.show': 'When and where the digest is posted',
  'leaderboard.pickFromList': 'Pick a period and a ranking from the list.',
  'profile.discordMember': 'Discord: {{member}}',

  // Errors (src/discord/router.ts, commands/shared/)
  'errors.generic': 'Something went wrong while handling that command. It has been logged; please try again.',
  'errors.missingPermission':
    'I’m missing a permission in this channel to do that. Ask a server admin to check my role.',
  'errors.unknownCommand':
    'That command is no longer supported by this bot. Its command list may be out of date.',
  'errors.staleButton': 'This button is no longer active. Run the command again to get fresh buttons.',
  'errors.raNoUser':
    'RetroAchievements has no user called “{{query}}”. Check the spelling (a username, display name or ULID).',
  'errors.raNoGame': 'RetroAchievements has no game with id {{id}}.',
  'errors.raNothing': 'RetroAchievements found nothing for {{query}}. Check the user and the game id.',
  'errors.raMemberAllowance_one':
    'Slow down: you’ve used your share of the bot’s RetroAchievements requests for now, so others can use it too. Try again in {{count, number}} second.',
  'errors.raMemberAllowance_other':
    'Slow down: you’ve used your share of the bot’s RetroAchievements requests for now, so others can use it too. Try again in {{count, number}} seconds.',
  'errors.raRateLimited': 'RetroAchievements is asking the bot to slow down. Please try again in a minute.',
  'errors.raUnavailable': 'RetroAchievements isn’t answering right now. Please try again in a few minutes.',
  'errors.raMalformed': 'RetroAchievements sent an answer the bot could not read. Please try again later.',
  'errors.raAuth':
    'The bot’s RetroAchievements API key was rejected. The bot owner needs to check RA_API_KEY.',
  'errors.invalidUser':
    'That user isn’t valid: a RetroAchievements username has 2-20 letters or digits (or use the 26-character ULID).',
  'errors.invalidGameId': 'That game id isn’t valid: a game id is a positive whole number.',
  'errors.refusedUser': 'That user isn’t valid: RetroAchievements refused it (422).',
  'errors.refusedGameId': 'That game id isn’t valid: RetroAchievements refused it (422).',
  'errors.guildOnly': 'This command only works inside a server.',
  'errors.notAnnounceChannel': 'Announcements can only go to a text or announcement channel of this server.',
  'errors.cantPost':
    'I can’t post in {{channel}}: I’m missing {{permissions}} there. Give my role those permissions in that channel, then try again. Nothing was changed.',
  'errors.managersOnly':
    'Only members with **Manage Server** (or this server’s manager role) can {{action}}. Nothing was changed.',
  'errors.action.settings': 'change or view settings',
  'errors.action.link-others': 'link other members’ accounts',
  'errors.action.see-links': 'see other members’ links',
  'errors.action.tracking': 'change tracking',
  'errors.action.digest': 'change or view the weekly digest',
  'errors.action.aotw': 'change Achievement of the Week posts',
  'errors.action.unlink-others': 'unlink other members',
  'errors.linkHint':
    'Name a RetroAchievements user with `user:`, or link your own account once with `/link user:` and leave it out from then on.',
  'errors.notLinked': 'You haven’t linked a RetroAchievements account. {{hint}}',
  'errors.noGameGiven': 'Give a game title or id.',
  'errors.noGameMatch':
    'No game matches “{{query}}”. Try fewer words, or use the game id (the number in the game page’s address).',
  'errors.noGameMatchNoCatalogue':
    'No game matches “{{query}}”. The game catalogue isn’t built yet; until it is, use the game id (the number in the game page’s address).',
  'errors.you': '{{name}} (you)',
  'permission.ViewChannel': 'View Channel',
  'permission.SendMessages': 'Send Messages',
  'permission.EmbedLinks': 'Embed Links',
  'permission.AttachFiles': 'Attach Files',

  // /settings members, /digest, /aotw announce
  'settings.selfTracking': 'Self-service tracking (`/track me`): **{{state}}**.',
  'settings.selfTrackingCapped':
    'Self-service tracking (`/track me`): **{{state}}**, within the cap of {{cap}} tracked users.',
  'settings.nameMembers':
    'Name linked members in announcements: **{{state}}** (shown beside the RA name, never a ping).',
  'digest.off': 'The weekly digest is off for this server.',
  'digest.isOff': 'The weekly digest is off. Turn it on with `/digest on`.',
  'digest.show':
    'The weekly digest goes to {{channel}} every {{weekday}} at {{hour}}:00 {{zone}}; next {{next}} ({{relative}}).',
  'digest.on':
    'The weekly digest will go to {{channel}} every {{weekday}} at {{hour}}:00 {{zone}}. First one: {{next}} ({{relative}}).',
  'digest.moved':
    'The weekly digest will go to {{channel}} every {{weekday}} at {{hour}}:00 {{zone}}. Next one: {{next}} ({{relative}}).',
  'digest.pickChannel': 'Pick a channel for the digest.',
  'digest.badZone':
    '“{{zone}}” isn’t a time zone I know. Use an IANA name such as `Europe/Berlin` or `America/New_York` (suggestions appear as you type). Nothing was changed.',
  'aotw.postsOn': 'A post will go to {{channel}} whenever a new Achievement of the Week starts.',
  'aotw.postsOff': 'Achievement of the Week posts are off for this server.',

  // /settings (commands/settings.ts)
  'settings.pickChannel': 'Pick a channel for announcements.',
  'settings.channelSet':
    'Announcements will go to {{channel}} (unless a tracked user has their own channel).',
  'settings.roleSet': 'Members with {{role}} can now manage tracking and settings.',
  'settings.roleCleared':
    'Manager role cleared: only members with Manage Server can manage tracking and settings.',
  'settings.announceSet':
    'Announcements: unlocks **{{unlocks}}**, awards **{{awards}}**, softcore unlocks **{{softcore}}**.',
  'settings.retryNone': 'No announcement failed in the last 7 days: nothing to send again.',
  'settings.retried_one':
    '{{count, number}} failed announcement will be sent again now, in order, to each user’s current channel.',
  'settings.retried_other':
    '{{count, number}} failed announcements will be sent again now, in order, to each user’s current channel.',

  // /settings show: announcement speed (render/speed.ts)
  'speed.seconds': '{{n}} s',
  'speed.minutes': '{{n}} min',
  'speed.hours': '{{n}} h',
  'speed.none': 'no unlocks announced in the last 24 hours',
  'speed.latency':
    'median **{{median}}**, 95% within **{{p95}}** ({{count, number}} announcements, last 24 hours)',
  'speed.pollEveryRound': 'every user at least once per POLL_CRON round ({{schedule}})',
  'speed.hot': '{{hot}} of {{users}} playing now: polled about every {{every}}',
  'speed.othersRound': 'the others: once per POLL_CRON round ({{schedule}})',
  'speed.othersEvery': 'the others: about every {{every}} (POLL_CRON {{schedule}})',
  'speed.followersOff': 'off (RA_USERNAME not set)',
  'speed.followersUnknown': 'not read yet',
  'speed.followers':
    '{{either}} of {{tracked}} tracked users are watched ({{follows}} follow the bot’s RA account, it follows {{followed}}): announced within seconds. To watch another: they {{follow}}, or {{followFromBot}}.',
  'speed.followersShort':
    '{{either}} of {{tracked}} tracked users are watched ({{follows}} follow the bot’s RA account, it follows {{followed}}): announced within seconds.',
  'speed.howToFollowFromBot':
    'an admin signed in to RetroAchievements as {{bot}} follows them on the website',
  'speed.howToFollow': 'follow {{bot}} on RetroAchievements (the Follow button on its profile)',
  'speed.title': 'Announcement speed',
  'speed.unlockToPost': 'Unlock to post',
  'speed.polling': 'Polling',
  'speed.followersTitle': 'Watched users',

  // /unlink (commands/unlink.ts)
  'unlink.removed': 'Your link to {{account}} is removed. Tracking on servers stays as it is.',
  'unlink.removedOther': '{{member}}’s link to {{account}} is removed. Tracking on servers stays as it is.',
  'unlink.cancelled': 'Your pending link request is cancelled.',
  'unlink.cancelledOther': '{{member}}’s pending link request is cancelled.',
  'unlink.none': 'You have no linked RetroAchievements account. Nothing was changed.',
  'unlink.noneOther': '{{member}} has no linked RetroAchievements account. Nothing was changed.',

  // Routes, filters, milestones and the test post (issue 20: /settings route|filter|test)
  'route.kind.unlocks': 'Unlocks',
  'route.kind.awards': 'Awards (beaten, completed, mastered)',
  'route.kind.milestones': 'Progress milestones',
  'route.kind.digest': 'Weekly digest',
  'route.kind.aotw': 'Achievement of the Week',
  'route.kind.challenge': 'Challenges',
  'route.kind.arcade': 'Arcade',
  'route.unknownKind': 'That kind of post doesn’t exist. Nothing was changed.',
  'route.set': 'Route set: **{{kind}}** will be posted in {{channel}}.',
  'route.cleared': 'Route cleared: **{{kind}}** will go to {{fallback}} again.',
  'route.fallback.user': 'each user’s own channel, else the server’s default channel',
  'route.fallback.digest': 'the channel chosen with /digest',
  'route.fallback.aotw': 'the channel chosen with /aotw',
  'route.fallback.server': 'the server’s default channel',
  'route.moved_one': '{{count, number}} waiting post moved with it, in order.',
  'route.moved_other': '{{count, number}} waiting posts moved with it, in order.',
  'filter.none': 'none, every unlock is posted',
  'filter.hardcoreOnly': 'hardcore unlocks only',
  'filter.minPoints_one': 'at least {{count, number}} point',
  'filter.minPoints_other': 'at least {{count, number}} points',
  'filter.rarerThan': 'earned by fewer than {{percent}} of the game’s players',
  'filter.summary':
    'Unlock filters: {{filters}}.\nAwards are never filtered, and filtered unlocks still count in leaderboards, digests and challenges.',
  'filter.reset': 'Filters cleared: every unlock is posted again.',
  'routes.title': 'Routes, filters and milestones',
  'routes.where': 'Where each kind of post goes',
  'routes.line': '**{{kind}}** → {{channel}}',
  'routes.default': 'default',
  'routes.filters': 'Unlock filters',
  'routes.milestones': 'Progress milestones (25%, 50%, 75%)',
  'routes.milestonesOn': 'on',
  'routes.milestonesOff': 'off (turn on with `/settings announce milestones:true`)',
  'milestone.mode.hardcore': 'hardcore',
  'milestone.mode.softcore': 'softcore',
  'milestone.post':
    '📈 {{name}} has passed {{percent}} of {{game}} ({{mode}}): {{earned}}/{{total}} achievements.',
  'test.banner':
    '🧪 **Test post** ({{kind}}) from `/settings test`: a sample, nothing was earned. It only shows that I can post here.',
  'test.title': 'Test posts',
  'test.line': '**{{kind}}** → {{channel}}: {{result}}',
  'test.posted': '✅ posted',
  'test.missing': '❌ missing {{permissions}}',
  'test.unknownChannel': '❌ unknown channel (deleted, or one I can’t see)',
  'test.noChannel': '➖ no channel set',
  'test.failed': '❌ {{reason}}',
  'test.nothingOn': 'Nothing is switched on to be posted on this server.',
  'test.sampleUser': 'Sample player',
  'test.sampleGame': 'Sample game',
  'test.sampleAchievement': 'Sample achievement',
  // /link and the follow proof (render/links.ts, commands/link.ts)
  'link.signIn': 'sign in to RetroAchievements as {{account}}',
  'link.tail':
    'I check about once a minute and update this message. This request expires in {{minutes}} minutes.',
  'link.awaitUnfollow':
    '{{account}} already follows {{bot}}, which proves nothing by itself. To prove it’s yours, {{signIn}}, **unfollow** {{bot}}, wait until this message says I saw it, then follow it again. {{tail}}',
  'link.awaitFollow':
    'To link {{account}}, prove it’s yours: {{signIn}} and follow {{bot}} (open the page, press **Follow**). {{tail}}',
  'link.sawUnfollow': 'Seen: {{account}} no longer follows {{bot}}. Now follow it again to finish linking.',
  'link.linkedSelf':
    '✅ Linked: your Discord account is now tied to {{account}}. Commands that take a user (`/profile`, `/progress`) use it when you leave `user` out. You can unfollow the bot’s account now if you like.',
  'link.linkedOther': '✅ Linked {{member}} to {{account}}.',
  'link.expiredUnread':
    '❌ Not linked: I couldn’t read {{bot}}’s follower list from RetroAchievements for {{minutes}} minutes, so I can’t check the follow. Try `/link` again later.',
  'link.expired':
    '❌ Not linked: I didn’t see {{account}} follow {{bot}} within {{minutes}} minutes. Follow it (or check you signed in as {{account}}), then run `/link` again.',
  'link.taken':
    '{{account}} is already linked to another Discord account, so it can’t be linked to this one. If it’s yours, ask a server manager for help (they can `/unlink` the other member).',
  'link.showLinked': 'Your Discord account is linked to {{account}}. `/unlink` removes the link.',
  'link.showLinkedSince':
    'Your Discord account is linked to {{account}} since {{date}}. `/unlink` removes the link.',
  'link.showNone':
    'Your Discord account isn’t linked to a RetroAchievements account. Run `/link user:` with your RA username.',
  'link.showPending': 'A link to {{account}} is waiting for the follow proof.',
  'link.showOther': '{{member}} is linked to {{account}}.',
  'link.showOtherNone': '{{member}} has no linked RetroAchievements account.',
  'link.noBots': 'Bots can’t have a linked account. Nothing was changed.',
  'link.takenByHand':
    '{{account}} is already linked to another member. Unlink them first with `/unlink member:`. Nothing was changed.',
  'link.noBotAccount':
    'Linking needs the bot’s own RetroAchievements account (you prove yours by following it), and this bot has none configured (`RA_USERNAME`). Ask the bot’s owner to set it, or a server manager to link you by hand with `/link user: member:`.',
  'link.isBot': 'That’s the bot’s own RetroAchievements account; it can’t be linked.',
  'link.already': 'Your Discord account is already linked to {{account}}.',
  'link.busy':
    'Someone else is linking {{account}} right now. If that account is yours, try again in {{minutes}} minutes, or ask a server manager.',

  // Watched users: /track add and /track list (render/speed.ts)
  'watch.because.both': 'follows the bot’s RA account, and it follows them',
  'watch.because.follows': 'follows the bot’s RA account',
  'watch.because.followed': 'the bot’s RA account follows them',
  'watch.line.watched': '{{name}} is watched ({{because}}): their unlocks are announced within seconds.',
  'watch.line.unknown':
    'Unlocks are announced within seconds for watched users: those who {{follow}}, or whom an admin signed in to RetroAchievements as {{bot}} follows on the website. The bot is still reading who is watched.',
  'watch.line.notWatched':
    '{{name}} isn’t watched, so their unlocks can take minutes. Two ways to get them within seconds: {{name}} can {{follow}}, or an admin signed in to RetroAchievements as {{bot}} follows {{name}} on the website (no need to ask them).',
  'watch.title': 'Fast announcements',
  'watch.titleCount': 'Fast announcements: {{watched}} of {{total}} watched',
  'watch.off':
    'Off: the bot owner has not set RA_USERNAME. Every tracked user is polled on the schedule (minutes).',
  'watch.ways': 'Two ways to watch a user: they {{follow}}, or {{followFromBot}}.',
  'watch.unknown': 'The bot is still reading who is watched (announced within seconds). {{ways}}',
  'watch.watchedList': 'Watched (announced within seconds): {{names}}',
  'watch.nobody': 'Nobody tracked here is watched yet.',
  'watch.notWatchedList': 'Not watched (polled on the schedule, minutes): {{names}}',

  // /track add, /track remove (commands/track.ts)
  'track.noChannel':
    'There’s no announcement channel yet. Pass `channel:` here, or set a default with `/settings channel`. Nothing was changed.',
  'track.full':
    'This server already tracks {{cap}} users, the most allowed. Remove one with `/track remove` first. Nothing was changed.',
  'track.added':
    'Now tracking {{account}}: new unlocks and awards go to {{channel}}. Nothing they earned before now will be announced.',
  'track.already': '{{account}} was already tracked here; announcements go to {{channel}}.',
  'track.notTracked': '{{account}} isn’t tracked on this server. See `/track list`.',
  'track.removed': 'Stopped tracking {{account}}.',

  // /track me (commands/track-me.ts)
  'trackMe.needsLink': '`/track me` needs a linked account. {{hint}}',
  'trackMe.notTracked': '{{account}} isn’t tracked on this server. Nothing was changed.',
  'trackMe.stopped': 'Stopped announcing {{account}} here.',
  'trackMe.notAllowed':
    'This server doesn’t let members start their own tracking. A manager can allow it with `/settings members self-tracking:True`, or add you with `/track add`. Nothing was changed.',
  'trackMe.already': '{{account}} is already tracked here.',
  'trackMe.noChannel':
    'This server has no announcement channel yet; ask a manager to set one with `/settings channel`. Nothing was changed.',
  'trackMe.full':
    'This server already tracks {{cap}} users, the most allowed. Ask a manager to make room. Nothing was changed.',
  'trackMe.started':
    'Now announcing {{account}} in {{channel}}. Nothing you earned before now will be announced. `/track me remove:True` stops it.',
} as const;
