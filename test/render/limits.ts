/**
 * Checks a rendered message the way Discord would: the discord-api-spec zod schemas (per-field
 * limits), @discordjs/builders' embed validation, and by hand what neither checks (the 6000
 * total, content length, custom_id rules, row/button counts) plus "no raw mention anywhere".
 */
import { EmbedBuilder } from '@discordjs/builders';
import type { APIEmbed } from 'discord.js';
import { expect } from 'vitest';
import { RAW_MENTION } from './fixtures.js';

interface SafeParse {
  safeParse(value: unknown): { success: boolean; error?: { issues: unknown[] } };
}

// The package's zod export ships no .d.ts: a non-literal specifier keeps TypeScript from
// resolving it, and the shape we use is declared above.
const specifier = 'discord-api-spec/zod';
const spec = (await import(specifier)) as { MessageCreateRequestSchema: SafeParse };

export interface RenderedMessage {
  content?: string;
  embeds: APIEmbed[];
  components?: { type: number; components: { type: number; custom_id?: string }[] }[];
}

function embedTotal(embeds: readonly APIEmbed[]): number {
  return embeds.reduce(
    (sum, e) =>
      sum +
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.footer?.text.length ?? 0) +
      (e.author?.name.length ?? 0) +
      (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0),
    0,
  );
}

/** Every string in a payload, for the "no mention" check. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

function buildEmbed(embed: APIEmbed): EmbedBuilder {
  const builder = new EmbedBuilder()
    .setTitle(embed.title ?? null)
    .setDescription(embed.description ?? null)
    .setURL(embed.url ?? null)
    .setColor(embed.color ?? null)
    .setThumbnail(embed.thumbnail?.url ?? null)
    .setImage(embed.image?.url ?? null)
    .setTimestamp(embed.timestamp ? new Date(embed.timestamp) : null)
    .setFields(embed.fields ?? []);
  if (embed.footer) builder.setFooter({ text: embed.footer.text });
  if (embed.author) builder.setAuthor({ name: embed.author.name });
  return builder;
}

export function expectWithinDiscordLimits(message: RenderedMessage): void {
  const parsed = spec.MessageCreateRequestSchema.safeParse({ ...message, allowed_mentions: { parse: [] } });
  expect(parsed.error?.issues ?? []).toEqual([]);
  expect(parsed.success).toBe(true);

  expect(message.embeds.length).toBeLessThanOrEqual(10);
  expect(embedTotal(message.embeds)).toBeLessThanOrEqual(6000);
  expect(message.content?.length ?? 0).toBeLessThanOrEqual(2000);
  for (const embed of message.embeds) {
    // The builders' setters throw on an over-long title/description/field, an empty field value, > 25 fields, ...
    expect(() => buildEmbed(embed)).not.toThrow();
    expect(embed.description?.length ?? 0).toBeLessThanOrEqual(4096);
    expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeGreaterThan(0);
      expect(field.value.trim().length).toBeGreaterThan(0);
      expect(field.value.length).toBeLessThanOrEqual(1024);
    }
  }

  const rows = message.components ?? [];
  expect(rows.length).toBeLessThanOrEqual(5);
  const ids = rows.flatMap((row) => row.components.map((c) => c.custom_id ?? ''));
  for (const row of rows) expect(row.components.length).toBeLessThanOrEqual(5);
  for (const id of ids) {
    expect(id.length).toBeGreaterThan(0);
    expect(id.length).toBeLessThanOrEqual(100);
  }
  expect(new Set(ids).size).toBe(ids.length);

  for (const text of strings(message)) expect(text).not.toMatch(RAW_MENTION);
}
