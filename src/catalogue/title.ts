/**
 * Pure text rules of game lookup: how a title or a query becomes search tokens, which titles
 * are subsets or hacks, and the abbreviations a title's initials allow. The index (store) and
 * the query (search) both go through here, so they can never disagree.
 */
import type { SetKind } from '../domain/catalogue.js';

const TILDE_TAGS: Record<string, SetKind> = {
  hack: 'hack',
  homebrew: 'homebrew',
  prototype: 'prototype',
  demo: 'demo',
  unlicensed: 'unlicensed',
};

/** `[Subset - Bonus]` anywhere, else a leading `~Hack~`-style tag; anything else is a main set. */
export function setKind(title: string): SetKind {
  if (/\[subset\b/i.test(title)) return 'subset';
  const tag = /~\s*([^~]+?)\s*~/.exec(title)?.[1]?.toLowerCase();
  if (tag === undefined) return 'main';
  return TILDE_TAGS[tag] ?? 'other';
}

/** Main sets first; the rest keep a stable order among themselves. */
export function kindRank(kind: SetKind): number {
  return kind === 'main' ? 0 : kind === 'subset' ? 1 : 2;
}

const ARTICLES = new Set(['the', 'a', 'an']);

/** Lower case, no accents, `&` as "and", apostrophes dropped ("Kirby's" -> "kirbys"). */
function fold(text: string): string {
  // Most titles are plain ASCII: skip Unicode decomposition for them (it dominated the cost).
  const plain = ASCII_ONLY.test(text) ? text : text.normalize('NFKD').replace(/\p{M}/gu, '');
  return plain
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`´]/g, '');
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;
const ASCII_WORD = /[a-z0-9]+/g;
const UNICODE_WORD = /[\p{L}\p{N}]+/gu;

/** Words of a piece of text: runs of letters and digits. */
export function words(text: string): string[] {
  const folded = fold(text);
  return folded.match(ASCII_ONLY.test(folded) ? ASCII_WORD : UNICODE_WORD) ?? [];
}

/** Roman numerals 1-39 in canonical form, e.g. "vii" -> 7 ("iiii" is not one). */
const ROMANS: ReadonlyMap<string, number> = new Map(
  Array.from({ length: 39 }, (_, i) => [numberToRoman(i + 1), i + 1] as const),
);

/** 1-39 written as a roman numeral ("vii" -> 7), or null. */
export function romanToNumber(word: string): number | null {
  return ROMANS.get(word) ?? null;
}

export function numberToRoman(n: number): string {
  const parts: Array<[number, string]> = [
    [10, 'x'],
    [9, 'ix'],
    [5, 'v'],
    [4, 'iv'],
    [1, 'i'],
  ];
  let rest = n;
  let out = '';
  for (const [value, letters] of parts) {
    while (rest >= value) {
      out += letters;
      rest -= value;
    }
  }
  return out;
}

/**
 * The other spelling of a number word: "vii" <-> "7". A lone "i" only counts as a numeral at
 * the end of a segment ("Final Fantasy I", not "I Have No Mouth").
 */
function numeralTwin(word: string, segmentEnd: boolean): string | null {
  if (/^\d{1,2}$/.test(word)) {
    const n = Number(word);
    return n >= 1 && n <= 39 ? numberToRoman(n) : null;
  }
  if (word === 'i' && !segmentEnd) return null;
  const n = romanToNumber(word);
  return n === null ? null : String(n);
}

/**
 * "Legend of Zelda, The: Ocarina of Time" -> segments split at `:`, ` - `, `|` and brackets,
 * tags (`~Hack~`) removed, a trailing ", The" moved back to the front of its segment.
 */
function segments(title: string): string[][] {
  const clean = title.replace(/~[^~]*~/g, ' ').replace(/\[[^\]]*\]|\([^)]*\)/g, '|');
  return clean
    .split(/[:|/]| - | – /)
    .map((part) => {
      const moved = /^(.*),\s*(the|a|an)\s*$/i.exec(part.trim());
      return words(moved ? `${moved[2]} ${moved[1]}` : part);
    })
    .filter((ws) => ws.length > 0);
}

export interface TitleIndex {
  /** Every word of the title (tags and brackets included), plus numeral twins; no articles. */
  terms: string;
  /** Abbreviations from initials: whole title and each segment, with and without articles. */
  initials: string;
  /** Words counted for ranking: fewer extra words than the query means a closer match. */
  wordCount: number;
}

function initialsOf(ws: readonly string[], romanAsNumber: boolean): string {
  return ws
    .map((w, i) => {
      if (/^\d+$/.test(w)) return w;
      const n = romanToNumber(w);
      if (n !== null && (w !== 'i' || i === ws.length - 1)) return romanAsNumber ? String(n) : w;
      return w[0]!;
    })
    .join('');
}

export function indexTitle(title: string): TitleIndex {
  const all = words(title);
  const terms = new Set<string>();
  const segs = segments(title);
  for (const seg of segs) {
    seg.forEach((w, i) => {
      const twin = numeralTwin(w, i === seg.length - 1);
      if (twin) terms.add(twin);
    });
  }
  for (const w of all) if (!ARTICLES.has(w)) terms.add(w);

  const initials = new Set<string>();
  const add = (ws: readonly string[]) => {
    if (ws.length < 2) return;
    initials.add(initialsOf(ws, true));
    initials.add(initialsOf(ws, false));
  };
  const noArticles = (ws: readonly string[]) => ws.filter((w) => !ARTICLES.has(w));
  for (const seg of segs) {
    add(seg);
    add(noArticles(seg));
  }
  if (segs.length > 1) {
    add(segs.flat());
    add(noArticles(segs.flat()));
  }
  const wordCount = all.filter((w) => !ARTICLES.has(w)).length;
  return { terms: [...terms].join(' '), initials: [...initials].join(' '), wordCount };
}

/** Query words as the index has them (articles dropped); empty when nothing searchable is left. */
export function queryWords(query: string): string[] {
  return words(query).filter((w) => !ARTICLES.has(w));
}

/**
 * Aliases players type for consoles, beyond the parts of RA's own names ("Genesis/Mega Drive"
 * already gives "genesis" and "mega drive"). Keys are folded words, joined by spaces.
 */
const CONSOLE_ALIASES: Record<string, string[]> = {
  'genesis/mega drive': ['md', 'megadrive', 'sega genesis'],
  'snes/super famicom': ['sfc', 'super nintendo'],
  'nes/famicom': ['fc', 'famicom'],
  'nintendo 64': ['n64'],
  'game boy': ['gb'],
  'game boy color': ['gbc'],
  'game boy advance': ['gba'],
  'nintendo ds': ['nds', 'ds'],
  playstation: ['ps1', 'psx'],
  'playstation 2': ['ps2'],
  'playstation portable': ['psp'],
  'master system': ['sms'],
  'game gear': ['gg'],
  'pc engine/turbografx-16': ['pce', 'tg16', 'turbografx'],
  gamecube: ['gc', 'ngc'],
  'sega cd': ['mega cd'],
  'atari 2600': ['2600', 'vcs'],
};

/** Every way a query may name this console, as folded word sequences. */
export function consoleAliases(consoleName: string): string[] {
  const name = words(consoleName).join(' ');
  const parts = consoleName
    .split('/')
    .map((p) => words(p).join(' '))
    .filter(Boolean);
  const key = consoleName.toLowerCase().replace(/\s+/g, ' ').trim();
  return [...new Set([name, ...parts, ...(CONSOLE_ALIASES[key] ?? [])])];
}

export interface ConsoleNarrowing {
  /** The query words left once the console was taken out. */
  rest: string[];
  /** Ids of consoles the query named (several RA consoles can share an alias). */
  consoleIds: number[];
}

/**
 * Finds a console named at the end (or the start) of the query: "sonic genesis", "gba pokemon".
 * Only when other words remain, so a game called like a console is still found by its title.
 */
export function narrowByConsole(
  ws: readonly string[],
  consoles: ReadonlyArray<{ id: number; aliases: readonly string[] }>,
): ConsoleNarrowing | null {
  let best: ConsoleNarrowing | null = null;
  let bestLength = 0;
  for (const console of consoles) {
    for (const alias of console.aliases) {
      const aw = alias.split(' ');
      if (aw.length >= ws.length || aw.length < bestLength) continue;
      const atEnd = aw.every((w, i) => ws[ws.length - aw.length + i] === w);
      const atStart = !atEnd && aw.every((w, i) => ws[i] === w);
      if (!atEnd && !atStart) continue;
      const rest = atEnd ? ws.slice(0, ws.length - aw.length) : ws.slice(aw.length);
      if (aw.length > bestLength) {
        best = { rest, consoleIds: [console.id] };
        bestLength = aw.length;
      } else if (best && !best.consoleIds.includes(console.id)) {
        best.consoleIds.push(console.id);
      }
    }
  }
  return best;
}
