/**
 * Languages end to end (issue 19): the real bot against the fake Discord and the fake RA. A reply
 * follows the invoker's Discord locale; a channel post follows the server's language.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeMember } from '../fakes/discord/index.js';
import type { Harness } from './harness.js';
import { BOT_RA, followerTick, replyText, startLinks } from './links-helpers.js';
import { ephemeralError, expectWithinLimits } from './progress-helpers.js';
import { addGame, MINUTE, messageText, startTracking, track } from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function slashIn(
  harness: Harness,
  who: FakeMember,
  locale: string,
  name: string,
  input: { subcommand?: string; options?: Record<string, string> } = {},
) {
  return harness.discord
    .sendSlashCommand({
      guildId: harness.guild.id,
      channelId: harness.channel.id,
      userId: who.user.id,
      name,
      locale,
      ...input,
    })
    .waitForReply(10_000);
}

describe('who reads which language', () => {
  it('a member with Discord in pt-BR gets /progress in Portuguese in a server whose posts are in German', async () => {
    const s = await startTracking({
      beforeLogin: (_discord, base) => {
        base.guild.preferredLocale = 'de';
      },
    });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const [first, second] = addGame(s.world, 1, 'Sonic the Hedgehog', [
      {
        id: 101,
        title: 'Ring Collector',
        description: 'Collect 100 rings',
        points: 1234,
        badgeName: '00101',
      },
      { id: 102, title: 'Speedy', points: 5 },
    ]);
    await track(h, 'Scott');
    s.clock.advance(MINUTE);
    s.world.unlock('Scott', first!, { hardcore: true });
    await h.pollAndDrain();

    // The post: the server's Discord language (German), numbers in German format.
    const [post] = h.discord.channelMessages(h.channel.id);
    const posted = messageText(post!);
    expect(post!.embeds[0]?.author?.name).toBe('Scott hat einen Erfolg freigeschaltet');
    expect(posted).toContain('1.234 Punkte');
    expect(post!.embeds[0]?.fields?.map((f) => f.name)).toEqual(
      expect.arrayContaining(['Punkte', 'Modus', 'Fortschritt']),
    );

    // The reply: the invoker's Discord language (Portuguese).
    const reply = await slashIn(h, h.member, 'pt-BR', 'progress', { options: { user: 'Scott', game: '1' } });
    expectWithinLimits(reply);
    const names = reply.embeds[0]?.fields?.map((f) => f.name);
    expect(names).toEqual([
      'Softcore',
      'Hardcore',
      'Prêmio',
      'Pontos',
      'Últimas conquistas',
      'Próximas a desbloquear',
    ]);
    const shown = messageText(reply);
    expect(shown).toContain('**1.234** / 1.239 pontos');
    expect(shown).toContain('Speedy');
    expect(shown).toContain('5 pts');
    expect(second).toBe(102);
    expect(reply.components.flatMap((row) => (row.components ?? []).map((c) => c.label))).toEqual([
      'Ver conquistas',
      'Desbloqueadas',
      'Bloqueadas',
    ]);

    // Refusals too: a member who isn't a manager, in Portuguese; an unknown RA user, in Portuguese.
    const refused = await slashIn(h, h.member, 'pt-BR', 'settings', { subcommand: 'show' });
    expect(refused.content).toBe(
      'Só membros com **Gerenciar Servidor** (ou o cargo de gerente deste servidor) podem alterar ou ver as configurações. Nada foi alterado.',
    );

    // A locale the bot doesn't speak falls back to the server's language; English Discord gets English.
    const japanese = await slashIn(h, h.member, 'ja', 'progress', { options: { user: 'Scott', game: '1' } });
    expect(japanese.embeds[0]?.fields?.[3]?.name).toBe('Punkte');
    const english = await slashIn(h, h.member, 'en-US', 'progress', {
      options: { user: 'Scott', game: '1' },
    });
    expect(english.embeds[0]?.fields?.[3]?.name).toBe('Points');
  });

  it('`/settings language fr` changes the next announcement, not the ones already posted', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const [first, second] = addGame(s.world, 1, 'Sonic the Hedgehog', 3);
    await track(h, 'Scott');
    s.clock.advance(MINUTE);
    s.world.unlock('Scott', first!, { hardcore: true });
    await h.pollAndDrain();
    const [before] = h.discord.channelMessages(h.channel.id);
    expect(before!.embeds[0]?.author?.name).toBe('Scott unlocked an achievement');
    const beforeJson = JSON.stringify(before);

    // The manager's reply is in the manager's own language (German Discord).
    const set = await slashIn(h, h.admin, 'de', 'settings', {
      subcommand: 'language',
      options: { locale: 'fr' },
    });
    expect(set.content).toContain('**Français**');
    expect(set.content).toContain('nicht die schon geposteten');
    const show = await slashIn(h, h.admin, 'en-US', 'settings', { subcommand: 'show' });
    expect(JSON.stringify(show.embeds)).toContain('Français (`/settings language`)');

    s.clock.advance(MINUTE);
    s.world.unlock('Scott', second!, { hardcore: false });
    await h.pollAndDrain();
    const posts = h.discord.channelMessages(h.channel.id);
    expect(posts).toHaveLength(2);
    expect(posts[1]!.embeds[0]?.author?.name).toBe('Scott a débloqué un succès');
    expect(messageText(posts[1]!)).toContain('Progression');
    // The post already made stays as it was: not edited, not re-sent.
    expect(JSON.stringify(h.discord.channelMessages(h.channel.id)[0])).toBe(beforeJson);
    expect(h.discord.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith('/channels/'))).toEqual(
      [],
    );

    // Automatic: back to the server's Discord language (English here).
    const auto = await slashIn(h, h.admin, 'en-US', 'settings', {
      subcommand: 'language',
      options: { locale: 'auto' },
    });
    expect(auto.content).toContain('**English (US)**');
  });
});

describe('linking and tracking in the reader’s language', () => {
  it('a member with Discord in German gets /link’s follow proof and its update in German, then /link’s summary', async () => {
    const s = await startLinks();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const handle = h.discord.sendSlashCommand({
      guildId: h.guild.id,
      channelId: h.channel.id,
      userId: h.member.user.id,
      name: 'link',
      options: { user: 'Scott' },
      locale: 'de',
    });
    const first = await handle.waitForReply(10_000);
    expect(first.content).toContain('Um **Scott** zu verknüpfen, beweise, dass es dein Konto ist');
    expect(first.content).toContain(`[**${BOT_RA}**](${h.ra.siteUrl}/user/${BOT_RA})`);
    expect(first.content).toContain('15 Minuten');

    // The proof's later update speaks the language the member asked in.
    expect(await followerTick(s)).toBe(0);
    s.world.follow('Scott');
    await followerTick(s);
    expect(replyText(handle)).toContain('✅ Verknüpft: Dein Discord-Konto gehört jetzt zu **Scott**.');
    expect((await slashIn(h, h.member, 'de', 'link')).content).toContain('Dein Discord-Konto ist seit <t:');
    // The same member with Discord in English reads English.
    expect((await slashIn(h, h.member, 'en-US', 'link')).content).toContain(
      'Your Discord account is linked to **Scott** since <t:',
    );
  });

  it('a manager with Discord in French gets /track add’s reply and watched line, and /track list, in French', async () => {
    const s = await startLinks();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    // Both lists read once (nobody follows either way): Scott is known not to be watched.
    for (const watcher of [h.bot.followers!, h.bot.following!]) {
      s.clock.advance(Math.max(0, watcher.nextDueAt() - s.clock.now().getTime()));
      await watcher.step();
      expect(watcher.count).toBe(0);
    }
    const added = await slashIn(h, h.admin, 'fr', 'track', { subcommand: 'add', options: { user: 'Scott' } });
    expect(added.content).toContain(`**Scott** est maintenant suivi : les nouveaux déblocages`);
    expect(added.content).toContain('**Scott** n’est pas surveillé');
    expect(added.content).toContain(`suivre [${BOT_RA}](`);
    const list = await slashIn(h, h.admin, 'fr', 'track', { subcommand: 'list' });
    expect(list.embeds[1]?.title).toBe('Annonces rapides : 0 sur 1 surveillés');
    expect(list.embeds[1]?.description).toContain(
      'Non surveillés (interrogés selon le calendrier, minutes) : Scott',
    );
    // /track me, refused in Spanish (self-tracking is off by default).
    const link = h.discord.sendSlashCommand({
      guildId: h.guild.id,
      channelId: h.channel.id,
      userId: h.member.user.id,
      name: 'track',
      subcommand: 'me',
      locale: 'es-419',
    });
    expect((await link.waitForReply(10_000)).content).toContain('`/track me` necesita una cuenta vinculada.');
  });
});

describe('RA’s refusals in the reader’s language', () => {
  it('a member with Discord in Portuguese is told in Portuguese that a username RA could never accept is invalid', async () => {
    const s = await startTracking();
    h = s.h;
    addGame(s.world, 1, 'Sonic the Hedgehog', 3);
    const ask = (locale: string) =>
      ephemeralError(
        h!.discord.sendSlashCommand({
          guildId: h!.guild.id,
          channelId: h!.channel.id,
          userId: h!.member.user.id,
          name: 'progress',
          options: { user: 'not a user!', game: '1' },
          locale,
        }),
      );
    expect((await ask('pt-BR')).content).toBe(
      'Esse usuário não é válido: um nome de usuário do RetroAchievements tem de 2 a 20 letras ou dígitos (ou use o ULID de 26 caracteres).',
    );
    expect((await ask('en-GB')).content).toBe(
      'That user isn’t valid: a RetroAchievements username has 2-20 letters or digits (or use the 26-character ULID).',
    );
    expect(h.ra.requests.count()).toBe(0);
  });
});
