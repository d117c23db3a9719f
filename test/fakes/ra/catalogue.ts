/**
 * A generated RA catalogue with real-world naming, for the fake RA's API_GetConsoleIDs and
 * API_GetGameList: RA's console ids and names, well-known sets at fixed ids (what tests look
 * for) among thousands of seeded titles that look like RA's: subsets (`[Subset - Bonus]`),
 * `~Hack~`/`~Homebrew~` tags, `, The` suffixes, roman numerals and region tags.
 *
 *   const known = seedCatalogue(world, { size: 3000 });
 *   known.ff7   // the id of "Final Fantasy VII" (PlayStation)
 */
import type { FakeListedGame, FakeWorld } from './world.js';

export const FAKE_CONSOLES = [
  { id: 1, name: 'Genesis/Mega Drive' },
  { id: 2, name: 'Nintendo 64' },
  { id: 3, name: 'SNES/Super Famicom' },
  { id: 4, name: 'Game Boy' },
  { id: 5, name: 'Game Boy Advance' },
  { id: 6, name: 'Game Boy Color' },
  { id: 7, name: 'NES/Famicom' },
  { id: 8, name: 'PC Engine/TurboGrafx-16' },
  { id: 11, name: 'Master System' },
  { id: 12, name: 'PlayStation' },
  { id: 15, name: 'Game Gear' },
  { id: 18, name: 'Nintendo DS' },
  { id: 21, name: 'PlayStation 2' },
  { id: 27, name: 'Arcade' },
  { id: 41, name: 'PlayStation Portable' },
] as const;

/** The sets tests look for, and the near misses they must beat. */
const KNOWN = {
  sonic1: [1, 'Sonic the Hedgehog', 1],
  sonic2: [2, 'Sonic the Hedgehog 2', 1],
  sonic3: [3, 'Sonic the Hedgehog 3', 1],
  sonicSpinball: [5, 'Sonic Spinball', 1],
  sonic1Sms: [600, 'Sonic the Hedgehog', 11],
  sonic1Gg: [601, 'Sonic the Hedgehog', 15],
  sonic2Gg: [602, 'Sonic the Hedgehog 2', 15],
  sonic2Sms: [603, 'Sonic the Hedgehog 2', 11],
  sonicHack: [20_001, '~Hack~ Sonic the Hedgehog: Megamix', 1],
  sonicSubset: [20_002, 'Sonic the Hedgehog [Subset - Bonus]', 1],
  ff7: [11_279, 'Final Fantasy VII', 12],
  ff7Subset: [20_003, 'Final Fantasy VII [Subset - Bonus]', 12],
  ff7Hack: [20_004, '~Hack~ Final Fantasy VII: Remako', 12],
  ff6: [1_493, 'Final Fantasy VI', 3],
  ff4: [1_494, 'Final Fantasy IV', 3],
  ff8: [11_280, 'Final Fantasy VIII', 12],
  ffTactics: [11_281, 'Final Fantasy Tactics', 12],
  ff1: [1_495, 'Final Fantasy', 7],
  ffDawn: [5_001, 'Final Fantasy I & II: Dawn of Souls', 5],
  smb: [1_444, 'Super Mario Bros.', 7],
  smb2: [1_445, 'Super Mario Bros. 2', 7],
  smb3: [1_446, 'Super Mario Bros. 3', 7],
  smb3Hack: [20_005, '~Hack~ Super Mario Bros. 3Mix', 7],
  smb3Subset: [20_006, 'Super Mario Bros. 3 [Subset - Speedrun]', 7],
  sma4: [5_002, 'Super Mario Advance 4: Super Mario Bros. 3', 5],
  oot: [10_001, 'Legend of Zelda, The: Ocarina of Time', 2],
  ootSubset: [20_007, 'Legend of Zelda, The: Ocarina of Time [Subset - Bonus]', 2],
  ootHack: [20_008, '~Hack~ Legend of Zelda, The: Ocarina of Time - Master Quest Plus', 2],
  majora: [10_002, 'Legend of Zelda, The: Majora’s Mask', 2],
  alttp: [1_500, 'Legend of Zelda, The: A Link to the Past', 3],
  loz: [1_501, 'Legend of Zelda, The', 7],
  emerald: [5_003, 'Pokémon Emerald Version', 5],
  ruby: [5_004, 'Pokémon Ruby Version', 5],
  fireRed: [5_005, 'Pokémon FireRed Version', 5],
  megaManX: [1_502, 'Mega Man X', 3],
  megaMan2: [1_503, 'Mega Man 2', 7],
  castlevania3: [1_504, 'Castlevania III: Dracula’s Curse', 7],
  microMages: [20_009, '~Homebrew~ Micro Mages', 7],
  mother3: [5_006, 'Mother 3 (Japan)', 5],
} as const satisfies Record<string, readonly [number, string, number]>;

export type KnownGame = keyof typeof KNOWN;

const WORDS_A = [
  'Star',
  'Dragon',
  'Knight',
  'Galaxy',
  'Castle',
  'Ninja',
  'Turbo',
  'Shadow',
  'Crystal',
  'Thunder',
  'Mystic',
  'Iron',
  'Neon',
  'Pixel',
  'Royal',
  'Super',
  'Mega',
  'Mario',
  'Sonic',
  'Final',
  'Legend',
  'Pokémon',
];
const WORDS_B = [
  'Quest',
  'Blaster',
  'Racing',
  'Soccer',
  'Puzzle',
  'Warriors',
  'Saga',
  'Fighter',
  'Adventure',
  'Tactics',
  'Party',
  'Kart',
  'Golf',
  'Wars',
  'Chronicles',
  'Island',
  'Force',
  'Hunter',
  'Fantasy',
  'Land',
];
const SUBTITLES = [
  'Return of the King',
  'The Lost Temple',
  'Night of Fire',
  'Dark Tower',
  'Rise of Heroes',
  'Beyond the Stars',
  'Double Trouble',
  'Special Edition',
  'Director’s Cut',
  'Deluxe',
];
const REGIONS = ['(Japan)', '(Europe)', '[USA]', '(Brazil)'];
const SUBSETS = ['Bonus', 'Speedrun', 'Challenge', 'Professor Oak Challenge', 'Multiplayer'];

/** Mulberry32: a small seeded PRNG, so every run generates the same catalogue. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROMAN = ['II', 'III', 'IV', 'V', 'VI', 'VIII', 'IX', 'X'];

/** Generated titles, RA-style. Ids from 100,000 up. */
export function generateTitles(count: number, seed = 13): FakeListedGame[] {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const out: FakeListedGame[] = [];
  for (let n = 0; n < count; n++) {
    let title = `${pick(WORDS_A)} ${pick(WORDS_B)}`;
    const r = rand();
    if (r < 0.2) title += ` ${pick(ROMAN)}`;
    else if (r < 0.4) title += ` ${2 + Math.floor(rand() * 8)}`;
    if (rand() < 0.25) title += `: ${pick(SUBTITLES)}`;
    if (rand() < 0.1) title = `${title}, The`;
    if (rand() < 0.06) title += ` ${pick(REGIONS)}`;
    const kind = rand();
    if (kind < 0.12) title += ` [Subset - ${pick(SUBSETS)}]`;
    else if (kind < 0.2) title = `~Hack~ ${title}`;
    else if (kind < 0.24) title = `~Homebrew~ ${title}`;
    else if (kind < 0.26) title = `~Prototype~ ${title}`;
    out.push({
      id: 100_000 + n,
      title,
      consoleId: pick(FAKE_CONSOLES).id,
      numAchievements: 5 + Math.floor(rand() * 80),
      points: 50 + Math.floor(rand() * 900),
    });
  }
  return out;
}

/**
 * Adds RA's consoles (plus a hub pseudo-system and an inactive one, which the bot must skip),
 * the known sets and `size` generated titles. Returns the known sets' ids.
 */
export function seedCatalogue(world: FakeWorld, options: { size?: number; seed?: number } = {}) {
  for (const c of FAKE_CONSOLES) world.addConsole(c);
  world.addConsole({ id: 100, name: 'Hubs', isGameSystem: false });
  world.addConsole({ id: 102, name: 'Standalone', active: false });
  world.addListedGames(
    Object.values(KNOWN).map(([id, title, consoleId]) => ({
      id,
      title,
      consoleId,
      numAchievements: 40,
      points: 400,
    })),
  );
  world.addListedGames(generateTitles(options.size ?? 3000, options.seed));
  return Object.fromEntries(Object.entries(KNOWN).map(([key, [id]]) => [key, id])) as Record<
    KnownGame,
    number
  >;
}
