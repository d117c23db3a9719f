/**
 * The one place that makes outside text (RA titles, descriptions, usernames) safe to put in a
 * Discord payload, and that shortens text to Discord's limits. Every other render module goes
 * through here, so a fix to escaping or truncation lands everywhere at once.
 */
import { escapeMarkdown as discordEscapeMarkdown } from '@discordjs/builders';
import type { APIEmbed } from 'discord.js';

/** Discord's embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  /** All embeds of one message together. */
  total: 6000,
  embedsPerMessage: 10,
  content: 2000,
} as const;

export const ELLIPSIS = '…';
/** Invisible, and breaks every mention/markup pattern it is inserted into. */
const ZWSP = '\u200B';

/**
 * Control characters, plus invisible characters that have no business in a title but can make
 * text look empty or reorder what follows it on the line (bidi overrides/isolates, which could
 * make "10 points" display as something else). Newlines and tabs are handled separately.
 * ZWJ/ZWNJ and LRM/RLM are kept: emoji sequences and right-to-left scripts need them.
 */
const INVISIBLE_OR_CONTROL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/g;
/** CR LF, lone CR, NEL and the Unicode line/paragraph separators all mean "new line". */
const LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;

/** Removes control and invisible formatting characters; normalizes line breaks to `\n` and tabs to spaces. */
export function stripControlChars(text: string): string {
  return text.replace(LINE_BREAKS, '\n').replace(/\t/g, ' ').replace(INVISIBLE_OR_CONTROL, '');
}

/**
 * For a single-line slot (a title, a list entry): every run of whitespace that contains a line
 * break becomes one space. Multi-line text keeps at most one blank line in a row.
 */
export function collapseNewlines(text: string, singleLine = true): string {
  const normalized = text.replace(LINE_BREAKS, '\n');
  return singleLine
    ? normalized.replace(/[^\S\n]*\n\s*/g, ' ')
    : normalized.replace(/[^\S\n]+\n/g, '\n').replace(/\n{3,}/g, '\n\n');
}

/**
 * Escapes Discord markdown. On top of discord.js' escaper (with headings and lists switched on)
 * this escapes every `[` and `]` (discord.js only escapes complete `[text](url)` links, but a
 * lone `]` would close the link text we wrap a title in), and block quotes and `-#` subtext at
 * the start of a line, which discord.js leaves alone.
 */
export function escapeMarkdown(text: string): string {
  return discordEscapeMarkdown(text, {
    heading: true,
    bulletedList: true,
    numberedList: true,
  })
    .replace(/[[\]]/g, '\\$&')
    .replace(/^(\s*)(>|-#)/gm, '$1\\$2');
}

/**
 * Makes mentions inert even if `allowed_mentions` were wrong: a zero-width space after every `@`
 * and `<` breaks `@everyone`, `@here`, `<@id>`, `<@!id>`, `<@&id>`, `<#id>`, `</cmd:id>`, `<t:…>`
 * and custom emoji alike, while looking identical to the reader.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(/[@<]/g, (c) => c + ZWSP);
}

let graphemeSegmenter: Intl.Segmenter | undefined;

/**
 * The longest prefix of `text` that is at most `max` UTF-16 units and ends on a grapheme boundary,
 * so neither a surrogate pair nor an emoji ZWJ sequence / combining mark is split.
 */
function graphemePrefix(text: string, max: number): string {
  if (text.length <= max) return text;
  graphemeSegmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let end = 0;
  for (const { index, segment } of graphemeSegmenter.segment(text)) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** A Discord mention, channel, role, emoji or timestamp: never cut in half. */
const ANGLE_TOKEN = /<(?:[@#][!&]?\d+|t:-?\d+(?::[A-Za-z])?|a?:\w+:\d+|\/[\w -]+:\d+)>/y;
/** A markdown link `[label](target)` starting at the index (labels may hold escapes and markup). */
const LINK = /\[(?:\\.|[^\]\\\n])*\]\([^)\s]*\)/y;
const PAIRED = ['**', '__', '~~', '||', '*', '_'] as const;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * The end (<= `end`) at which `text` can be cut with no markdown left open: before any link,
 * mention or timestamp the cut falls inside, before any bold, italics, strikethrough, spoiler
 * or code span it would leave unclosed. Escaped characters are text; an underscore inside a
 * word (`RA_USERNAME`) is a letter, as Discord reads it.
 */
function markdownSafeEnd(text: string, end: number): number {
  const open: { delimiter: string; at: number }[] = [];
  let i = 0;
  while (i < end) {
    const c = text[i] as string;
    if (c === '\\') {
      i += 2;
      continue;
    }
    // A link, mention or timestamp is kept whole or not at all.
    const whole = c === '<' ? ANGLE_TOKEN : c === '[' ? LINK : null;
    if (whole) {
      whole.lastIndex = i;
      if (whole.test(text)) {
        if (whole.lastIndex > end) return open[0]?.at ?? i;
        i = whole.lastIndex;
        continue;
      }
    }
    if (c === '`') {
      const close = text.indexOf('`', i + 1);
      if (close < 0 || close >= end) return open[0]?.at ?? i;
      i = close + 1;
      continue;
    }
    const delimiter = PAIRED.find((d) => text.startsWith(d, i));
    const intraword =
      delimiter === '_' && WORD_CHAR.test(text[i - 1] ?? '') && WORD_CHAR.test(text[i + 1] ?? '');
    if (delimiter && !intraword) {
      if (open.at(-1)?.delimiter === delimiter) open.pop();
      else open.push({ delimiter, at: i });
      i += delimiter.length;
      continue;
    }
    i++;
  }
  return open[0]?.at ?? end;
}

/**
 * The part of `text` kept when it is cut to `room` characters: at a word boundary when the last
 * whole word leaves at least half the room (text without spaces, such as Japanese, is cut
 * between characters), never inside a grapheme or an open markdown span.
 */
function keptPrefix(text: string, room: number): string {
  let kept = graphemePrefix(text, room);
  if (kept.length < text.length && !/\s/.test(text[kept.length] ?? '')) {
    const space = kept.search(/\s\S*$/);
    if (space >= kept.length / 2) kept = kept.slice(0, space);
  }
  return kept.slice(0, markdownSafeEnd(text, kept.length)).trimEnd();
}

/**
 * Shortens `text` to at most `max` characters (UTF-16 units, which is never less than what
 * Discord counts), ending in `…` when something was cut: after a whole word where there is one,
 * never inside a link, mention, timestamp or an open bold/italic/code span. Never splits a
 * surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  if (max === 1) return ELLIPSIS;
  return keptPrefix(text, max - 1) + ELLIPSIS;
}

/** Like `truncate`, for already-escaped text: never leaves a dangling `\` that would escape the `…`. */
function truncateEscaped(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  if (max === 1) return ELLIPSIS;
  let kept = keptPrefix(text, max - 1);
  const trailingBackslashes = /\\*$/.exec(kept)?.[0].length ?? 0;
  if (trailingBackslashes % 2 === 1) kept = kept.slice(0, -1).trimEnd();
  return kept + ELLIPSIS;
}

export interface SafeTextOptions {
  /** Collapse line breaks to spaces (titles, list entries). Default false. */
  singleLine?: boolean;
  /**
   * Escape markdown. Default true. Turn off only for slots Discord shows verbatim (author name,
   * footer), where a backslash would be displayed.
   */
  markdown?: boolean;
  /**
   * Returned when nothing visible is left (Discord rejects empty field values). Default ''. A
   * function is only called then (a translated fallback costs a catalogue lookup).
   */
  fallback?: string | (() => string);
}

/**
 * Outside text made safe for a Discord slot of `max` characters: control characters stripped,
 * markdown escaped, mentions neutralized, then truncated. Escaping happens first, so the
 * returned string (escapes included) is always <= max.
 */
export function safeText(
  text: string | null | undefined,
  max: number,
  options: SafeTextOptions = {},
): string {
  const { singleLine = false, markdown = true, fallback = '' } = options;
  let out = stripControlChars(text ?? '');
  out = collapseNewlines(out, singleLine).trim();
  if (out.length === 0) return truncate(typeof fallback === 'function' ? fallback() : fallback, max);
  if (markdown) out = escapeMarkdown(out);
  out = neutralizeMentions(out);
  return truncateEscaped(out, max);
}

/** Shorthand for slots Discord renders without markdown (embed author name, footer text). */
export function plainText(
  text: string | null | undefined,
  max: number,
  fallback: string | (() => string) = '',
): string {
  return safeText(text, max, { singleLine: true, markdown: false, fallback });
}

/** `▰▰▰▱▱` style bar. Any progress shows at least one filled cell; only 100% fills them all. */
export function progressBar(fraction: number, width = 10): string {
  const cells = Math.max(1, Math.floor(width));
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  let filled = Math.round(f * cells);
  if (f > 0 && filled === 0) filled = 1;
  if (f < 1 && filled === cells) filled = cells - 1;
  return '▰'.repeat(filled) + '▱'.repeat(cells - filled);
}

/** The characters Discord counts toward the 6000 total for one embed. */
export function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  n += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const field of embed.fields ?? []) n += field.name.length + field.value.length;
  return n;
}

export function totalEmbedLength(embeds: readonly APIEmbed[]): number {
  return embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
}

/**
 * Shortens multi-line text to `max`, preferring to drop whole trailing lines (our lists) over
 * cutting a line (which could break a link or bold markup in half).
 */
export function shrinkText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const marker = `\n${ELLIPSIS}`;
  const cut = text.lastIndexOf('\n', max - marker.length);
  // Only worth it when the kept lines are a fair share of the budget.
  if (cut > 0 && cut >= max / 2) return text.slice(0, cut).trimEnd() + marker;
  return truncateEscaped(text, max);
}

interface TextSlot {
  get(): string;
  set(value: string): void;
  min: number;
  /** Descriptions and field values go first; titles, names and footers only if that isn't enough. */
  primary: boolean;
}

function textSlots(embed: APIEmbed): TextSlot[] {
  const slots: TextSlot[] = [];
  if (embed.description !== undefined) {
    const e = embed;
    slots.push({ get: () => e.description ?? '', set: (v) => (e.description = v), min: 1, primary: true });
  }
  for (const field of embed.fields ?? []) {
    slots.push({ get: () => field.value, set: (v) => (field.value = v), min: 1, primary: true });
    slots.push({ get: () => field.name, set: (v) => (field.name = v), min: 1, primary: false });
  }
  if (embed.title !== undefined) {
    const e = embed;
    slots.push({ get: () => e.title ?? '', set: (v) => (e.title = v), min: 1, primary: false });
  }
  if (embed.footer) {
    const footer = embed.footer;
    slots.push({ get: () => footer.text, set: (v) => (footer.text = v), min: 1, primary: false });
  }
  if (embed.author) {
    const author = embed.author;
    slots.push({ get: () => author.name, set: (v) => (author.name = v), min: 1, primary: false });
  }
  return slots;
}

function cloneEmbed(embed: APIEmbed): APIEmbed {
  return {
    ...embed,
    ...(embed.fields ? { fields: embed.fields.map((f) => ({ ...f })) } : {}),
    ...(embed.footer ? { footer: { ...embed.footer } } : {}),
    ...(embed.author ? { author: { ...embed.author } } : {}),
  };
}

/**
 * Returns copies of `embeds` whose combined length is <= `limit` (Discord's 6000 across all
 * embeds of a message, which @discordjs/builders does not check). Shrinks the longest
 * description or field value first, then titles/names/footers if it must.
 */
export function fitEmbeds(embeds: readonly APIEmbed[], limit: number = EMBED_LIMITS.total): APIEmbed[] {
  const out = embeds.map(cloneEmbed);
  let excess = totalEmbedLength(out) - limit;
  if (excess <= 0) return out;
  const slots = out.flatMap(textSlots);
  for (const primary of [true, false]) {
    while (excess > 0) {
      let longest: TextSlot | undefined;
      let room = 0;
      for (const slot of slots) {
        const slotRoom = slot.get().length - slot.min;
        if (slot.primary === primary && slotRoom > room) {
          longest = slot;
          room = slotRoom;
        }
      }
      if (!longest) break;
      const before = longest.get().length;
      longest.set(shrinkText(longest.get(), Math.max(longest.min, before - excess)));
      const saved = before - longest.get().length;
      if (saved <= 0) {
        // shrinkText could not make progress (e.g. a single grapheme longer than the room): force it.
        longest.set(truncate(longest.get(), longest.min));
      }
      excess -= before - longest.get().length;
    }
  }
  return out;
}

/**
 * Joins list lines into at most `max` characters. Lines that don't fit are left off and counted
 * in a closing `more(k)` line, so a long list says how much is missing instead of being cut
 * mid-line. `alsoHidden` counts items the caller already left out (e.g. past a display cap).
 * A first line that alone is too long is shortened rather than dropped.
 */
export function joinLinesWithin(
  lines: readonly string[],
  max: number,
  more: (hidden: number) => string = (hidden) => `+${hidden} more`,
  alsoHidden = 0,
): string {
  let out = '';
  for (const [index, line] of lines.entries()) {
    const hiddenAfter = lines.length - index - 1 + alsoHidden;
    const reserve = hiddenAfter > 0 ? more(hiddenAfter).length + 1 : 0;
    const candidate = out === '' ? line : `${out}\n${line}`;
    if (candidate.length + reserve <= max) {
      out = candidate;
      continue;
    }
    if (out === '') {
      // Better a shortened first entry than a list that is only "+K more".
      if (hiddenAfter === 0) return truncateEscaped(line, max);
      const tail = `\n${more(hiddenAfter)}`;
      if (max - tail.length >= 16) return truncateEscaped(line, max - tail.length) + tail;
    }
    const tail = more(hiddenAfter + 1);
    return out === '' ? truncate(tail, max) : `${out}\n${tail}`;
  }
  if (alsoHidden > 0) {
    const tail = more(alsoHidden);
    return out === '' ? truncate(tail, max) : `${out}\n${tail}`;
  }
  return out;
}
