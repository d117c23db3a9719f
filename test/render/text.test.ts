import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import {
  collapseNewlines,
  escapeMarkdown,
  fitEmbeds,
  joinLinesWithin,
  neutralizeMentions,
  plainText,
  progressBar,
  safeText,
  shrinkText,
  stripControlChars,
  totalEmbedLength,
  truncate,
} from '../../src/render/text.js';
import { HOSTILE, HOSTILE_VALUES, RAW_MENTION } from './fixtures.js';

const isLoneSurrogate = (s: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('escapeMarkdown', () => {
  it('escapes bold, italics, spoilers, inline code and strikethrough', () => {
    const out = escapeMarkdown('**bold** _x_ ||spoiler|| `code` ~~s~~');
    expect(out).toBe('\\*\\*bold\\*\\* \\_x\\_ \\|\\|spoiler\\|\\| \\`code\\` \\~\\~s\\~\\~');
  });

  it('escapes every square bracket so a title cannot open or close a masked link', () => {
    expect(escapeMarkdown('[click](https://evil.example)')).toBe('\\[click\\](https://evil.example)');
    expect(escapeMarkdown('a]b')).toBe('a\\]b');
  });

  it('escapes headings, lists, block quotes and subtext at the start of a line', () => {
    expect(escapeMarkdown('# big')).toBe('\\# big');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('> quote')).toBe('\\> quote');
    expect(escapeMarkdown('-# small')).toBe('\\-# small');
  });

  it('escapes line-start markdown on every line of multi-line text, not only the first', () => {
    const text = 'first\n> quoted\n-# small\n# big\n  > indented quote';
    expect(escapeMarkdown(text)).toBe('first\n\\> quoted\n\\-# small\n\\# big\n  \\> indented quote');
    expect(safeText(text, 200)).toBe('first\n\\> quoted\n\\-# small\n\\# big\n  \\> indented quote');
  });

  it('escapes a backslash so it cannot escape markup that follows the text', () => {
    expect(escapeMarkdown('ends with \\')).toBe('ends with \\\\');
  });
});

describe('neutralizeMentions', () => {
  it.each([
    '@everyone',
    '@here',
    '<@123456789012345678>',
    '<@!123456789012345678>',
    '<@&123456789012345678>',
    '<#123456789012345678>',
    '</progress:123456789012345678>',
  ])('makes %s inert', (mention) => {
    expect(neutralizeMentions(`x ${mention} y`)).not.toMatch(RAW_MENTION);
  });

  it('changes nothing visible: only zero-width spaces are added', () => {
    expect(neutralizeMentions('@here <@1>').replace(/\u200B/g, '')).toBe('@here <@1>');
  });
});

describe('stripControlChars and collapseNewlines', () => {
  it('removes control, zero-width and bidi override characters but keeps emoji joiners and RTL text', () => {
    expect(stripControlChars(HOSTILE.invisible)).toBe('abcdef');
    expect(stripControlChars(HOSTILE.emoji)).toBe(HOSTILE.emoji);
    expect(stripControlChars(HOSTILE.rtl)).toBe(HOSTILE.rtl);
  });

  it('collapses line breaks to one space for single-line slots', () => {
    expect(collapseNewlines('a \r\n  b\u2028c', true)).toBe('a b c');
  });

  it('keeps at most one blank line in multi-line text', () => {
    expect(collapseNewlines(HOSTILE.newlines, false)).toBe('line one\nline two\n\nline three');
  });
});

describe('truncate', () => {
  it('returns short text unchanged', () => {
    expect(truncate('hello', 5)).toBe('hello');
  });

  it('cuts long text to exactly max characters ending with an ellipsis', () => {
    const out = truncate('a'.repeat(50), 10);
    expect(out).toBe(`${'a'.repeat(9)}…`);
  });

  it('never splits a surrogate pair or an emoji ZWJ sequence', () => {
    for (let max = 1; max <= 30; max++) {
      const out = truncate('😀😀😀😀😀👨‍👩‍👧‍👦👨‍👩‍👧‍👦', max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(isLoneSurrogate(out)).toBe(false);
    }
    expect(truncate('ab👨‍👩‍👧‍👦cd', 8)).toBe('ab…');
  });

  it('handles zero and tiny limits', () => {
    expect(truncate('abc', 0)).toBe('');
    expect(truncate('abc', 1)).toBe('…');
  });
});

describe('truncate at a word boundary, never inside markdown (issue 19)', () => {
  it('cuts a long German sentence after a whole word', () => {
    const out = truncate('Die Ankündigungen dieses Servers werden nach Zeitplan abgefragt', 30);
    expect(out).toBe('Die Ankündigungen dieses…');
  });

  it('cuts a long French sentence after a whole word, punctuation kept', () => {
    const text = 'Les déblocages des utilisateurs surveillés sont annoncés, en quelques secondes';
    expect(truncate(text, 64)).toBe('Les déblocages des utilisateurs surveillés sont annoncés, en…');
    expect(truncate(text, 58)).toBe('Les déblocages des utilisateurs surveillés sont annoncés,…');
  });

  it('still cuts text without spaces (Japanese, one long word) by character', () => {
    expect(truncate('ゲーム'.repeat(20), 10)).toBe(`${'ゲーム'.repeat(3)}…`);
    expect(truncate(`Ab ${'Donaudampfschifffahrtsgesellschaft'}`, 20)).toBe('Ab Donaudampfschiff…');
  });

  it('never ends inside a link: the whole link goes', () => {
    const text =
      'Vu : **Scott** ne suit plus [**CheevoBot**](https://retroachievements.org/user/CheevoBot). Suivez-le de nouveau.';
    for (let max = 30; max < 90; max++) {
      const out = truncate(text, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).toBe('Vu : **Scott** ne suit plus…');
    }
  });

  it('never leaves bold, italics, code or a spoiler open', () => {
    expect(truncate('Achtung: **Schnelle Ankündigungen** für alle Nutzer', 25)).toBe('Achtung:…');
    expect(truncate('Führ dann `/settings members self-tracking:True` aus', 30)).toBe('Führ dann…');
    expect(truncate('Ein ||sehr geheimer Spoiler|| am Ende', 20)).toBe('Ein…');
    expect(truncate('Un texte *très important* pour tous', 18)).toBe('Un texte…');
  });

  it('never cuts a mention or a timestamp in half', () => {
    expect(truncate('Dein Konto ist seit <t:1700000000:D> verknüpft', 30)).toBe('Dein Konto ist seit…');
    expect(truncate('Lié : <@123456789012345678> à Scott', 20)).toBe('Lié :…');
  });

  it('reads an underscore inside a word as a letter, not italics', () => {
    expect(truncate('Aus: RA_USERNAME nicht gesetzt, jeder Nutzer wird abgefragt', 35)).toBe(
      'Aus: RA_USERNAME nicht gesetzt,…',
    );
  });

  it('keeps whole lines and closed markup when a list is shrunk mid-line', () => {
    const line = 'Beobachtet: [**Spieler**](https://x.example/u/Spieler) folgt dem RA-Konto des Bots';
    const out = shrinkText(line, 40);
    expect(out).toBe('Beobachtet:…');
  });
});

describe('safeText', () => {
  it.each(HOSTILE_VALUES.map((v) => [v]))('never exceeds max and contains no raw mention: %j', (value) => {
    for (const max of [1, 5, 16, 40, 100, 256]) {
      const out = safeText(value, max, { singleLine: true });
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).not.toMatch(RAW_MENTION);
      expect(isLoneSurrogate(out)).toBe(false);
      expect(out).not.toMatch(/[\u0000-\u001F\u202A-\u202E\u2066-\u2069]/);
    }
  });

  it('escapes before truncating, so escapes count toward the limit', () => {
    const out = safeText('*'.repeat(100), 20);
    expect(out.length).toBeLessThanOrEqual(20);
    expect(out.startsWith('\\*\\*')).toBe(true);
  });

  it('never leaves a dangling backslash before the ellipsis', () => {
    for (let max = 2; max < 30; max++) {
      const out = safeText('_'.repeat(40), max);
      expect(out).not.toMatch(/(^|[^\\])(\\\\)*\\…$/);
    }
  });

  it('returns the fallback when nothing visible is left', () => {
    expect(safeText(HOSTILE.onlyInvisible, 50, { fallback: 'untitled' })).toBe('untitled');
    expect(safeText(null, 50)).toBe('');
  });

  it('keeps line breaks unless singleLine is set', () => {
    expect(safeText('a\nb', 10)).toBe('a\nb');
    expect(safeText('a\nb', 10, { singleLine: true })).toBe('a b');
  });

  it('plainText does not escape markdown (for slots Discord shows verbatim) but still neutralizes mentions', () => {
    expect(plainText('**Name**', 50)).toBe('**Name**');
    expect(plainText('@everyone', 50)).not.toMatch(RAW_MENTION);
  });
});

describe('progressBar', () => {
  it('draws filled and empty cells proportionally', () => {
    expect(progressBar(0.5, 10)).toBe('▰▰▰▰▰▱▱▱▱▱');
    expect(progressBar(0, 5)).toBe('▱▱▱▱▱');
    expect(progressBar(1, 5)).toBe('▰▰▰▰▰');
  });

  it('shows any progress as at least one cell and only 100% as full', () => {
    expect(progressBar(0.01, 10)).toBe('▰▱▱▱▱▱▱▱▱▱');
    expect(progressBar(0.99, 10)).toBe('▰▰▰▰▰▰▰▰▰▱');
  });

  it('treats NaN and out-of-range fractions safely', () => {
    expect(progressBar(Number.NaN, 4)).toBe('▱▱▱▱');
    expect(progressBar(7, 4)).toBe('▰▰▰▰');
    expect(progressBar(-1, 4)).toBe('▱▱▱▱');
  });
});

describe('joinLinesWithin', () => {
  it('keeps every line when they fit', () => {
    expect(joinLinesWithin(['a', 'b'], 10)).toBe('a\nb');
  });

  it('drops lines that do not fit and says how many', () => {
    const out = joinLinesWithin(['aaaa', 'bbbb', 'cccc', 'dddd'], 17);
    expect(out).toBe('aaaa\nbbbb\n+2 more');
  });

  it('counts items the caller already left out', () => {
    expect(joinLinesWithin(['a'], 100, (k) => `+${k} more`, 3)).toBe('a\n+3 more');
  });

  it('shortens a single over-long first line instead of dropping it', () => {
    const out = joinLinesWithin(['x'.repeat(100), 'y'], 40);
    expect(out.length).toBeLessThanOrEqual(40);
    expect(out).toMatch(/^x+…\n\+1 more$/);
  });
});

describe('fitEmbeds', () => {
  const big = (n: number): APIEmbed => ({
    title: `Embed ${n}`,
    description: Array.from({ length: 60 }, (_, i) => `line ${i} ${'d'.repeat(50)}`).join('\n'),
    fields: [{ name: 'Field', value: 'v'.repeat(1000) }],
    footer: { text: 'footer' },
    author: { name: 'author' },
  });

  it('leaves embeds within the total untouched', () => {
    const embeds = [{ title: 'a', description: 'b' }];
    expect(fitEmbeds(embeds)).toEqual(embeds);
  });

  it('shrinks the longest parts until all embeds together are at most 6000 characters', () => {
    const embeds = [big(1), big(2), big(3)];
    expect(totalEmbedLength(embeds)).toBeGreaterThan(6000);
    const fitted = fitEmbeds(embeds);
    expect(totalEmbedLength(fitted)).toBeLessThanOrEqual(6000);
    for (const e of fitted) {
      expect(e.title).toMatch(/^Embed \d$/);
      expect(e.fields?.[0]?.value.length).toBeGreaterThan(0);
    }
  });

  it('does not mutate its input', () => {
    const embeds = [big(1), big(2), big(3)];
    const copy = structuredClone(embeds);
    fitEmbeds(embeds);
    expect(embeds).toEqual(copy);
  });

  it('drops whole trailing lines of a list rather than cutting one in half', () => {
    const text = Array.from({ length: 10 }, (_, i) => `[**Title ${i}**](https://x.example/${i})`).join('\n');
    const out = shrinkText(text, 120);
    expect(out.length).toBeLessThanOrEqual(120);
    expect(out.endsWith('\n…')).toBe(true);
    for (const line of out.split('\n').slice(0, -1))
      expect(line).toMatch(/^\[\*\*Title \d\*\*\]\(https:\/\/x\.example\/\d\)$/);
  });

  it('falls back to titles and footers when descriptions and fields alone cannot make room', () => {
    const embeds: APIEmbed[] = Array.from({ length: 10 }, () => ({
      title: 't'.repeat(256),
      description: 'd',
      footer: { text: 'f'.repeat(2048) },
      author: { name: 'a'.repeat(256) },
    }));
    expect(totalEmbedLength(fitEmbeds(embeds))).toBeLessThanOrEqual(6000);
  });
});
