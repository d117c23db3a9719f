import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  type ChatInputCommandInteraction,
  type Client,
  DiscordAPIError,
  Client as DiscordClient,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  SlashCommandBuilder,
  type TextChannel,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordClient, DiscordLoginError, loginAndWaitReady } from '../../src/discord/client.js';
import { silentLogger } from '../../src/log.js';
import {
  type FakeChannel,
  type FakeDiscord,
  type FakeDiscordOptions,
  type FakeGuild,
  type FakeMember,
  startFakeDiscord,
} from '../fakes/discord/index.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.bot-token';

interface World {
  fake: FakeDiscord;
  client: Client<true>;
  guild: FakeGuild;
  channel: FakeChannel;
  alice: FakeMember;
}

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  // Client first, then the fake: a client outliving its server would try to reconnect.
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function startFake(options: Partial<FakeDiscordOptions> = {}): Promise<FakeDiscord> {
  const fake = await startFakeDiscord({ token: TOKEN, heartbeatIntervalMs: 500, ...options });
  cleanups.push(async () => {
    await fake.close();
    expect(fake.errors).toEqual([]);
  });
  return fake;
}

/**
 * The bot's own client (lean caches: no channels or roles), or a plain discord.js client with
 * default caches for tests of the fake that post through discord.js channel objects.
 */
function newClient(fake: FakeDiscord, kind: 'bot' | 'plain' = 'bot'): Client {
  const client =
    kind === 'bot'
      ? createDiscordClient({ apiUrl: fake.apiUrl, logger: silentLogger() })
      : new DiscordClient({ intents: [GatewayIntentBits.Guilds], shards: [0], rest: { api: fake.apiUrl } });
  cleanups.push(() => client.destroy());
  return client;
}

/** A fake with one guild, an announcement channel and a member, and a ready client. */
async function world(
  setup?: (fake: FakeDiscord, guild: FakeGuild) => void,
  options: Partial<FakeDiscordOptions> = {},
  kind: 'bot' | 'plain' = 'bot',
): Promise<World> {
  const fake = await startFake(options);
  const guild = fake.addGuild({ name: 'Retro Club' });
  const channel = fake.addChannel(guild.id, { name: 'announcements' });
  const alice = fake.addMember(guild.id, { username: 'alice', permissions: 0n });
  setup?.(fake, guild);
  const client = await loginAndWaitReady(newClient(fake, kind), TOKEN, 5000);
  return { fake, client, guild, channel, alice };
}

/** Registers simple global commands (Discord only delivers commands that are registered). */
async function register(client: Client<true>, ...commands: (SlashCommandBuilder | { toJSON(): unknown })[]) {
  await client.application.commands.set(commands.map((c) => c.toJSON()) as never);
}

const simple = (name: string) =>
  new SlashCommandBuilder().setName(name).setDescription(`The ${name} command`);
const progressCommand = () =>
  simple('progress')
    .addStringOption((o) =>
      o.setName('user').setDescription('RA user').setRequired(true).setAutocomplete(true),
    )
    .addStringOption((o) => o.setName('game').setDescription('Game').setRequired(true));

/** Runs `handler` for every interaction; failures surface as unhandled rejections in vitest. */
function onInteraction(client: Client, handler: (interaction: Interaction) => Promise<unknown>): void {
  client.on(Events.InteractionCreate, (interaction) => {
    void handler(interaction);
  });
}

function textChannel(client: Client, id: string): TextChannel {
  const channel = client.channels.cache.get(id);
  if (!channel?.isTextBased() || channel.isDMBased())
    throw new Error(`channel ${id} is not a guild text channel`);
  return channel as TextChannel;
}

describe('fake Discord with the real discord.js client', () => {
  it('logs in with only the Guilds intent on one shard and keeps each server and its @everyone role, but no channels, other roles or members', async () => {
    const { fake, client, guild, channel } = await world((fake, guild) => {
      fake.addRole(guild.id, { name: 'Mods' });
    });

    expect(client.isReady()).toBe(true);
    expect(fake.identifies).toHaveLength(1);
    expect(fake.identifies[0]?.intents).toBe(1);
    expect(fake.identifies[0]?.shard).toEqual([0, 1]);

    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe('Retro Club');
    expect(cached?.ownerId).toBe(guild.ownerId);
    expect([...(cached?.roles.cache.keys() ?? [])]).toEqual([guild.id]);
    expect(cached?.channels.cache.size).toBe(0);
    expect(client.channels.cache.has(channel.id)).toBe(false);
    expect(cached?.members.cache.size).toBe(0);
    expect(client.user.id).toBe(fake.botUser.id);
    expect(client.application.id).toBe(fake.applicationId);
    expect(fake.violations).toEqual([]);
  });

  it('sends GUILD_CREATE with the channels, roles and bot member a default-cache client keeps', async () => {
    const { client, guild, channel } = await world(undefined, {}, 'plain');
    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.channels.cache.get(channel.id)?.name).toBe('announcements');
    expect(cached?.roles.cache.has(guild.botRoleId)).toBe(true);
    expect(cached?.members.me?.id).toBe(client.user.id);
  });

  it('rejects a wrong token with a clear error and destroys the client', async () => {
    const fake = await startFake();
    const client = newClient(fake);

    const login = loginAndWaitReady(client, 'not-the-token', 5000);

    await expect(login).rejects.toBeInstanceOf(DiscordLoginError);
    await expect(login).rejects.toMatchObject({
      reason: 'invalid-token',
      message: expect.stringMatching(/DISCORD_TOKEN/),
    });
    expect(fake.requests.find((r) => r.path === '/gateway/bot')?.status).toBe(401);
    expect(fake.identifies).toHaveLength(0);
  });

  it('times out when the gateway never becomes ready', async () => {
    const fake = await startFake();
    fake.faults.add({ route: '/gateway/bot', hang: true });

    const login = loginAndWaitReady(newClient(fake), TOKEN, 300);

    await expect(login).rejects.toMatchObject({
      reason: 'timeout',
      message: expect.stringMatching(/300 ms/),
    });
  });

  it('delivers a slash command with subcommand and options, and records the ephemeral reply', async () => {
    const { fake, client, guild, channel, alice } = await world();
    const track = new SlashCommandBuilder()
      .setName('track')
      .setDescription('Track a RetroAchievements user')
      .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
      .addSubcommand((sub) =>
        sub
          .setName('add')
          .setDescription('Start tracking')
          .addStringOption((o) => o.setName('user').setDescription('RA username').setRequired(true))
          .addChannelOption((o) => o.setName('channel').setDescription('Where to announce')),
      );
    await client.application.commands.set([track.toJSON()]);
    expect(fake.commands.global.map((c) => c.name)).toEqual(['track']);

    onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const user = interaction.options.getString('user', true);
      const target = interaction.options.getChannel('channel');
      await interaction.reply({
        content: `${interaction.options.getSubcommand()} ${user} in ${target?.name ?? 'default'}`,
        flags: MessageFlags.Ephemeral,
      });
    });

    // /track needs Manage Server (default_member_permissions): alice is a moderator here.
    fake.setRolePermissions(guild.id, alice.roles[0] ?? '', PermissionFlagsBits.ManageGuild);
    const handle = fake.sendSlashCommand({
      guildId: guild.id,
      channelId: channel.id,
      userId: alice.user.id,
      name: 'track',
      subcommand: 'add',
      options: { user: 'MaxMilyin', channel: channel.id },
    });
    const reply = await handle.waitForReply();

    expect(reply.content).toBe('add MaxMilyin in announcements');
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(handle.callbacks.map((c) => c.type)).toEqual([4]);
    expect(fake.requests.at(-1)?.body).toMatchObject({ data: { allowed_mentions: { parse: [] } } });
    expect(fake.violations).toEqual([]);
  });

  it('shows the edited original after a deferral', async () => {
    const { fake, client, guild, channel, alice } = await world();
    await register(client, progressCommand());
    onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.editReply({
        embeds: [new EmbedBuilder().setTitle('Progress').setDescription('42 / 60')],
      });
      await interaction.followUp({ content: 'Tip: try /track add', flags: MessageFlags.Ephemeral });
    });

    const handle = fake.sendSlashCommand({
      guildId: guild.id,
      channelId: channel.id,
      userId: alice.user.id,
      name: 'progress',
      options: { user: 'alice', game: '1234' },
    });
    const reply = await handle.waitForReply();

    expect(handle.callbacks.map((c) => c.type)).toEqual([5]);
    expect(reply.embeds[0]).toMatchObject({ title: 'Progress', description: '42 / 60' });
    expect(reply.flags & MessageFlags.Loading).toBe(0);
    expect(handle.edits).toHaveLength(1);
    await handle.waitFor((h) => h.followUps.length === 1, 2000, 'a follow-up');
    expect(handle.followUps[0]?.content).toBe('Tip: try /track add');
    expect(fake.violations).toEqual([]);
  });

  it('answers autocomplete with choices for the focused option', async () => {
    const { fake, client, guild, channel, alice } = await world();
    await register(client, progressCommand());
    onInteraction(client, async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const typed = interaction.options.getFocused();
      await interaction.respond(
        ['alice', 'albert', 'bob'].filter((n) => n.startsWith(typed)).map((n) => ({ name: n, value: n })),
      );
    });

    const handle = fake.sendAutocomplete({
      guildId: guild.id,
      channelId: channel.id,
      userId: alice.user.id,
      name: 'progress',
      focused: 'user',
      options: { user: 'al' },
    });

    expect(await handle.waitForChoices()).toEqual([
      { name: 'alice', value: 'alice' },
      { name: 'albert', value: 'albert' },
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('lets a test click a button on the reply and sees interaction.update', async () => {
    const { fake, client, guild, channel, alice } = await world();
    await register(
      client,
      simple('track').addSubcommand((sub) => sub.setName('list').setDescription('List')),
    );
    let replyIdSeenByBot: string | undefined;
    onInteraction(client, async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const next = new ButtonBuilder().setCustomId('page:2').setLabel('Next').setStyle(ButtonStyle.Primary);
        const response = await interaction.reply({
          content: 'page 1',
          components: [new ActionRowBuilder<ButtonBuilder>().addComponents(next)],
          withResponse: true,
        });
        replyIdSeenByBot = response.resource?.message?.id;
      } else if (interaction.isButton()) {
        await interaction.update({ content: `page ${interaction.customId.split(':')[1]}`, components: [] });
      }
    });

    const command = fake.sendSlashCommand({
      guildId: guild.id,
      channelId: channel.id,
      userId: alice.user.id,
      name: 'track',
      subcommand: 'list',
    });
    const first = await command.waitForReply();
    expect(first.components[0]?.components?.[0]?.custom_id).toBe('page:2');
    await fake.waitUntil(() => replyIdSeenByBot !== undefined);
    expect(replyIdSeenByBot).toBe(first.id);

    const click = fake.clickButton({
      guildId: guild.id,
      channelId: channel.id,
      userId: alice.user.id,
      customId: 'page:2',
      messageId: first.id,
    });
    const updated = await click.waitForReply();

    expect(click.callbacks.map((c) => c.type)).toEqual([7]);
    expect(updated.id).toBe(first.id);
    expect(updated.content).toBe('page 2');
    expect(updated.components).toEqual([]);
    expect(fake.message(first.id)?.content).toBe('page 2');
    expect(fake.violations).toEqual([]);
  });

  it('stores a multipart channel post once when the same nonce is enforced twice', async () => {
    const { fake, client, channel } = await world();
    // The bot's client keeps no channels: fetched over REST (not cached), as any post could.
    const announcements = (await client.channels.fetch(channel.id, { cache: false })) as TextChannel;
    const post = () =>
      announcements.send({
        content: 'alice unlocked **First Blood**',
        embeds: [new EmbedBuilder().setTitle('First Blood').setImage('attachment://badge.png')],
        files: [{ attachment: Buffer.alloc(1234, 1), name: 'badge.png' }],
        nonce: 'outbox-42',
        enforceNonce: true,
      });

    const first = await post();
    const second = await post();

    expect(second.id).toBe(first.id);
    const stored = fake.channelMessages(channel.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.attachments).toMatchObject([{ filename: 'badge.png', size: 1234 }]);
    expect(stored[0]?.embeds[0]?.image?.url).toBe(stored[0]?.attachments[0]?.url);
    const posts = fake.requests.filter(
      (r) => r.method === 'POST' && r.path === `/channels/${channel.id}/messages`,
    );
    expect(posts).toHaveLength(2);
    expect(posts[0]?.files).toMatchObject([{ field: 'files[0]', name: 'badge.png', size: 1234 }]);
    expect(posts[0]?.body).toMatchObject({
      nonce: 'outbox-42',
      enforce_nonce: true,
      allowed_mentions: { parse: [] },
    });
    expect(fake.violations).toEqual([]);
    expect(fake.warnings).toEqual([]);
  });

  it('refuses embeds over 6000 characters in total with 400 and records the violation', async () => {
    const { fake, client, channel } = await world(undefined, {}, 'plain');
    const embeds = Array.from({ length: 4 }, (_, i) =>
      new EmbedBuilder().setTitle(`Part ${i}`).setDescription('x'.repeat(1600)),
    );

    const error = await textChannel(client, channel.id)
      .send({ embeds })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 400, code: 50035 });
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]?.issues.join()).toMatch(/6000/);
    expect(fake.channelMessages(channel.id)).toEqual([]);
  });

  it('waits out an injected 429 with Retry-After, then succeeds', async () => {
    const { fake, client, channel } = await world(undefined, {}, 'plain');
    const route = `/channels/${channel.id}/messages`;
    fake.faults.add({ method: 'POST', route, status: 429, retryAfter: 0.3 });

    const started = Date.now();
    await textChannel(client, channel.id).send('after the rate limit');

    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const posts = fake.requests.filter((r) => r.path === route);
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(fake.channelMessages(channel.id).map((m) => m.content)).toEqual(['after the rate limit']);
  });

  it('surfaces an injected 403 as DiscordAPIError 50013', async () => {
    const { fake, client, channel } = await world(undefined, {}, 'plain');
    fake.faults.add({ method: 'POST', route: `/channels/${channel.id}/messages`, status: 403 });

    const error = await textChannel(client, channel.id)
      .send('hello')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 403, code: 50013 });
    expect(fake.channelMessages(channel.id)).toEqual([]);
  });

  it("reflects the bot's configured channel permissions in permissionsFor(me)", async () => {
    let noFiles: FakeChannel | undefined;
    const { fake, client, guild } = await world(
      (fake, guild) => {
        noFiles = fake.addChannel(guild.id, {
          name: 'no-files',
          permissionOverwrites: [
            { id: guild.botRoleId, type: 'role', deny: PermissionFlagsBits.AttachFiles },
          ],
        });
      },
      {},
      'plain',
    );
    const channel = textChannel(client, noFiles!.id);

    const permissions = channel.permissionsFor(client.user);
    expect(permissions?.has(PermissionFlagsBits.ViewChannel)).toBe(true);
    expect(permissions?.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(permissions?.has(PermissionFlagsBits.EmbedLinks)).toBe(true);
    expect(permissions?.has(PermissionFlagsBits.AttachFiles)).toBe(false);
    expect(permissions?.bitfield).toBe(fake.permissionsOf(guild.id, fake.botUser.id, channel.id));

    // The fake enforces them too: a file upload there is refused like on Discord.
    const error = await channel
      .send({ files: [{ attachment: Buffer.from('png'), name: 'a.png' }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 50013 });
  });

  it('sends GUILD_CREATE for a guild added after login', async () => {
    const { fake, client } = await world();
    const joined = new Promise<string>((resolve) => client.once(Events.GuildCreate, (g) => resolve(g.id)));

    const guild = fake.addGuild({ name: 'Late Joiners' });

    expect(await joined).toBe(guild.id);
    expect(client.guilds.cache.get(guild.id)?.name).toBe('Late Joiners');
  });

  it('refuses a second acknowledgement (40060) and an unknown interaction (10062)', async () => {
    const { fake, client, guild, channel, alice } = await world();
    await register(client, simple('ping'));
    onInteraction(client, async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: 'once' });
    });
    const handle = fake.sendSlashCommand({
      guildId: guild.id,
      channelId: channel.id,
      userId: alice.user.id,
      name: 'ping',
    });
    await handle.waitForReply();

    const again = client.rest.post(Routes.interactionCallback(handle.id, handle.token), {
      body: { type: 4, data: { content: 'twice' } },
      auth: false,
    });
    await expect(again).rejects.toMatchObject({ code: 40060 });
    const unknown = client.rest.post(Routes.interactionCallback(handle.id, 'wrong-token'), {
      body: { type: 4, data: { content: 'who?' } },
      auth: false,
    });
    await expect(unknown).rejects.toMatchObject({ code: 10062 });
    expect(fake.violations.map((v) => v.code)).toEqual([40060, 10062]);
  });

  it('refuses a late acknowledgement like Discord after 3 s', async () => {
    const { fake, client, guild, channel, alice: bob } = await world(undefined, { ackTimeoutMs: 50 });
    await register(client, simple('slow'));
    const failures: unknown[] = [];
    onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
      await interaction.reply('too late').catch((error: unknown) => failures.push(error));
    });

    fake.sendSlashCommand({ guildId: guild.id, channelId: channel.id, userId: bob.user.id, name: 'slow' });

    await fake.waitUntil(() => failures.length === 1);
    expect(failures[0]).toMatchObject({ code: 10062 });
    expect(fake.violations[0]?.issues[0]).toMatch(/acknowledged after \d+ms/);
  });
});

describe('fake Discord computes like Discord', () => {
  it('forgets an enforced nonce after its window: a repeat within it returns the first message, later it posts again', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { fake, client, channel } = await world(
      undefined,
      { now: () => now, nonceWindowMs: 2 * 60_000 },
      'plain',
    );
    const post = () =>
      textChannel(client, channel.id).send({ content: 'hi', nonce: 'n-1', enforceNonce: true });

    const first = await post();
    now += 2 * 60_000;
    expect((await post()).id).toBe(first.id);
    now += 1;
    const later = await post();
    expect(later.id).not.toBe(first.id);
    expect(fake.channelMessages(channel.id).map((m) => m.id)).toEqual([first.id, later.id]);
    expect(fake.channelMessages(channel.id)[1]?.timestamp).toBe(new Date(now).toISOString());
  });

  it('denies implicitly: no View Channel means nothing there; no Send Messages means no Embed Links, Attach Files or Mention Everyone', async () => {
    const { fake, client, guild } = await world(undefined, {}, 'plain');
    const hidden = fake.addChannel(guild.id, {
      name: 'hidden',
      permissionOverwrites: [{ id: guild.botRoleId, type: 'role', deny: PermissionFlagsBits.ViewChannel }],
    });
    const muted = fake.addChannel(guild.id, {
      name: 'muted',
      permissionOverwrites: [
        {
          id: guild.botRoleId,
          type: 'role',
          allow: PermissionFlagsBits.MentionEveryone,
          deny: PermissionFlagsBits.SendMessages,
        },
      ],
    });
    await fake.waitUntil(() => client.channels.cache.has(muted.id));
    expect(fake.permissionsOf(guild.id, fake.botUser.id, hidden.id)).toBe(0n);
    const inMuted = fake.permissionsOf(guild.id, fake.botUser.id, muted.id);
    expect(inMuted & PermissionFlagsBits.ViewChannel).toBe(PermissionFlagsBits.ViewChannel);
    for (const bit of [
      PermissionFlagsBits.SendMessages,
      PermissionFlagsBits.EmbedLinks,
      PermissionFlagsBits.AttachFiles,
      PermissionFlagsBits.MentionEveryone,
    ]) {
      expect(inMuted & bit).toBe(0n);
    }
    await expect(textChannel(client, hidden.id).send('x')).rejects.toMatchObject({
      status: 403,
      code: 50001,
    });
    await expect(textChannel(client, muted.id).send('x')).rejects.toMatchObject({ status: 403, code: 50013 });
  });

  it('refuses an embed-only post without Embed Links (403 50013), and drops the embeds of one with text', async () => {
    const { fake, client, guild } = await world(undefined, {}, 'plain');
    const noEmbeds = fake.addChannel(guild.id, {
      name: 'no-embeds',
      permissionOverwrites: [{ id: guild.botRoleId, type: 'role', deny: PermissionFlagsBits.EmbedLinks }],
    });
    await fake.waitUntil(() => client.channels.cache.has(noEmbeds.id));
    const channel = textChannel(client, noEmbeds.id);
    const embed = new EmbedBuilder().setTitle('Unlocked');

    await expect(channel.send({ embeds: [embed] })).rejects.toMatchObject({ status: 403, code: 50013 });
    await channel.send({ content: 'text stays', embeds: [embed] });
    expect(fake.channelMessages(noEmbeds.id).map((m) => [m.content, m.embeds])).toEqual([['text stays', []]]);
  });

  it('records mentions from the content and allowed_mentions like Discord: defaults ping, parse [] pings nobody', async () => {
    const { fake, client, guild, channel, alice } = await world((fake, guild) => {
      fake.setBotPermissions(
        guild.id,
        PermissionFlagsBits.ViewChannel |
          PermissionFlagsBits.SendMessages |
          PermissionFlagsBits.MentionEveryone,
      );
    });
    const role = fake.addRole(guild.id, { name: 'Raiders', mentionable: true });
    const text = `@everyone <@&${role.id}> <@${alice.user.id}> **Embeds never ping**`;
    const send = (allowedMentions?: { parse: [] }) =>
      client.rest.post(Routes.channelMessages(channel.id), {
        body: allowedMentions ? { content: text, allowed_mentions: allowedMentions } : { content: text },
      });

    await send();
    await send({ parse: [] });

    const [pinging, silent] = fake.channelMessages(channel.id);
    expect(pinging).toMatchObject({ mention_everyone: true, mention_roles: [role.id] });
    expect(pinging?.mentions).toMatchObject([{ id: alice.user.id }]);
    expect(silent).toMatchObject({ mention_everyone: false, mention_roles: [], mentions: [] });

    // Without Mention Everyone, @everyone and unmentionable roles do not ping even when allowed.
    fake.setBotPermissions(guild.id, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages);
    const quiet = fake.addRole(guild.id, { name: 'Quiet' });
    await client.rest.post(Routes.channelMessages(channel.id), {
      body: { content: `@here <@&${quiet.id}> <@&${role.id}>` },
    });
    expect(fake.channelMessages(channel.id)[2]).toMatchObject({
      mention_everyone: false,
      mention_roles: [role.id],
    });
  });
});

describe('fake Discord refuses what Discord would', () => {
  it('sends only registered commands, to members allowed to see them, with input the definition allows', async () => {
    const { fake, client, guild, channel, alice } = await world();
    const announce = fake.addChannel(guild.id, { name: 'news', type: 5 });
    const other = fake.addGuild({ name: 'Elsewhere' });
    const foreign = fake.addChannel(other.id, { name: 'foreign' });
    const command = simple('setup')
      .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
      .addSubcommand((sub) =>
        sub
          .setName('go')
          .setDescription('Go')
          .addStringOption((o) =>
            o
              .setName('mode')
              .setDescription('Mode')
              .setRequired(true)
              .addChoices({ name: 'Fast', value: 'fast' }),
          )
          .addIntegerOption((o) => o.setName('count').setDescription('Count').setMinValue(1).setMaxValue(5))
          .addStringOption((o) => o.setName('name').setDescription('Name').setMaxLength(4))
          .addChannelOption((o) =>
            o.setName('where').setDescription('Where').addChannelTypes(ChannelType.GuildText),
          ),
      );
    await register(client, command);
    const send =
      (options: Record<string, string | number>, subcommand = 'go', userId = alice.user.id) =>
      () =>
        fake.sendSlashCommand({
          guildId: guild.id,
          channelId: channel.id,
          userId,
          name: 'setup',
          subcommand,
          options,
        });

    expect(() =>
      fake.sendSlashCommand({
        guildId: guild.id,
        channelId: channel.id,
        userId: alice.user.id,
        name: 'nope',
      }),
    ).toThrow(/\/nope is not registered/);
    expect(send({ mode: 'fast' })).toThrow(/needs permissions 32/);

    fake.setRolePermissions(guild.id, alice.roles[0] ?? '', PermissionFlagsBits.ManageGuild);
    expect(send({})).toThrow(/requires option "mode"/);
    expect(send({ mode: 'slow' })).toThrow(/not one of the choices/);
    expect(send({ mode: 'fast', count: 6 })).toThrow(/6 outside 1-5/);
    expect(send({ mode: 'fast', count: 1.5 })).toThrow(/expected an integer/);
    expect(send({ mode: 'fast', name: 'toolong' })).toThrow(/length 7 outside 0-4/);
    expect(send({ mode: 'fast', where: announce.id })).toThrow(/channel type 5 is not one of 0/);
    expect(send({ mode: 'fast', where: foreign.id })).toThrow(/no channel/);
    expect(send({ mode: 'fast', extra: 1 })).toThrow(/no option "extra"/);
    expect(send({ mode: 'fast' }, 'stop')).toThrow(/needs a subcommand: one of go/);
    expect(() =>
      fake.sendAutocomplete({
        guildId: guild.id,
        channelId: channel.id,
        userId: alice.user.id,
        name: 'setup',
        subcommand: 'go',
        focused: 'mode',
        options: { mode: 'f' },
      }),
    ).toThrow(/has no autocomplete/);
    expect(send({ mode: 'fast', count: 5, name: 'abcd', where: channel.id })).not.toThrow();
  });

  it('lets a user press only an enabled button that is on the message', async () => {
    const { fake, client, guild, channel, alice } = await world(undefined, {}, 'plain');
    const message = await textChannel(client, channel.id).send({
      content: 'pick',
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('on').setLabel('On').setStyle(ButtonStyle.Primary),
          new ButtonBuilder()
            .setCustomId('off')
            .setLabel('Off')
            .setStyle(ButtonStyle.Primary)
            .setDisabled(true),
        ),
      ],
    });
    const click = (customId: string) => () =>
      fake.clickButton({
        guildId: guild.id,
        channelId: channel.id,
        userId: alice.user.id,
        customId,
        messageId: message.id,
      });

    expect(click('elsewhere')).toThrow(/no component with custom_id "elsewhere"/);
    expect(click('off')).toThrow(/is disabled/);
    expect(click('on')).not.toThrow();
  });

  it('refuses an interaction token after 15 minutes (401 50027) and records the violation', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { fake, client, guild, channel, alice: bob } = await world(undefined, { now: () => now });
    await register(client, simple('later'));
    const seen: Interaction[] = [];
    let deferred: Promise<unknown> | undefined;
    onInteraction(client, async (interaction) => {
      seen.push(interaction);
      if (interaction.isChatInputCommand()) deferred = interaction.deferReply();
    });
    const handle = fake.sendSlashCommand({
      guildId: guild.id,
      channelId: channel.id,
      userId: bob.user.id,
      name: 'later',
    });
    await fake.waitUntil(() => deferred !== undefined);
    await deferred;
    const interaction = seen[0] as ChatInputCommandInteraction;

    now += 15 * 60_000;
    await interaction.editReply('just in time');
    now += 1;
    await expect(interaction.editReply('too late')).rejects.toMatchObject({ status: 401, code: 50027 });
    await expect(interaction.followUp('too late')).rejects.toMatchObject({ status: 401, code: 50027 });
    expect(fake.violations.map((v) => v.code)).toEqual([50027, 50027]);
    expect(handle.reply?.content).toBe('just in time');
  });

  it('refuses bodies Discord refuses: empty or blank embed parts, an empty embed, blank content, bad image schemes', async () => {
    const { fake, client, channel } = await world();
    const post = (body: Record<string, unknown>) =>
      client.rest.post(Routes.channelMessages(channel.id), { body }).catch((e: unknown) => e);
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ embeds: [{}] }, 50035, /embeds\.0: Embed must not be empty/],
      [{ embeds: [{ title: ' ', description: 'd' }] }, 50035, /embeds\.0\.title/],
      [
        { embeds: [{ fields: [{ name: 'n', value: ' ' }] }] },
        50035,
        /fields\.0\.value: This field is required/,
      ],
      [
        { embeds: [{ fields: [{ name: '', value: 'v' }] }] },
        50035,
        /fields\.0\.name: This field is required/,
      ],
      [{ embeds: [{ title: 't', footer: { text: '' } }] }, 50035, /footer\.text/],
      [{ embeds: [{ title: 't', author: { name: ' ' } }] }, 50035, /author\.name/],
      [{ embeds: [{ title: 't', image: { url: 'ftp://x/y.png' } }] }, 50035, /image\.url: Scheme/],
      [{ content: '  \n ' }, 50006, /empty message/],
    ];
    for (const [body, code, issue] of cases) {
      const error = await post(body);
      expect(error).toMatchObject({ status: 400, code });
      expect(fake.violations.at(-1)?.issues.join('\n')).toMatch(issue);
    }
    expect(fake.violations).toHaveLength(cases.length);
    expect(fake.channelMessages(channel.id)).toEqual([]);
  });
});

describe('fake Discord rate limits', () => {
  it('sends X-RateLimit headers that discord.js schedules by: a full bucket makes it wait, never 429', async () => {
    const { fake, client, channel } = await world(
      undefined,
      { rateLimit: { limit: 2, windowMs: 600 } },
      'plain',
    );
    const announcements = textChannel(client, channel.id);

    const started = Date.now();
    for (let i = 0; i < 5; i++) await announcements.send(`message ${i}`);

    const posts = fake.requests.filter((r) => r.path === `/channels/${channel.id}/messages`);
    expect(posts.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    // 5 posts in buckets of 2 per 600 ms: two full windows waited out.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_100);
    expect(fake.violations).toEqual([]);
  });

  it('refuses a request beyond the bucket with 429 and its headers, and records it', async () => {
    const { fake, client, channel } = await world(undefined, { rateLimit: { limit: 1, windowMs: 60_000 } });
    const route = Routes.channelMessages(channel.id);
    await client.rest.post(route, { body: { content: 'one' } });
    // A client that ignores the headers (raw fetch): refused like Discord.
    const second = await fetch(`${fake.apiUrl}/v10${route}`, {
      method: 'POST',
      headers: { authorization: `Bot ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'two' }),
    });
    expect(second.status).toBe(429);
    expect(second.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(second.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{16}$/);
    expect(fake.violations.map((v) => v.status)).toEqual([429]);
    expect(fake.invalidRequests).toBe(1);
  });

  it('counts invalid requests (401, 403, 429) over the last 10 minutes of its clock', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { fake, client, guild } = await world(undefined, { now: () => now });
    const hidden = fake.addChannel(guild.id, {
      name: 'hidden',
      permissionOverwrites: [{ id: guild.botRoleId, type: 'role', deny: PermissionFlagsBits.ViewChannel }],
    });
    const post = () =>
      client.rest.post(Routes.channelMessages(hidden.id), { body: { content: 'x' } }).catch(() => undefined);
    await post();
    now += 5 * 60_000;
    await post();
    await fetch(`${fake.apiUrl}/v10/users/@me`, { headers: { authorization: 'Bot wrong' } });
    expect(fake.invalidRequests).toBe(3);
    now += 5 * 60_000 + 1;
    expect(fake.invalidRequests).toBe(2);
  });
});
