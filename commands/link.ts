import { SlashCommandBuilder } from '@discordjs/builders';
import type { ChatInputCommandInteraction, User } from 'discord.js';
import { type Command, type CommandContext, UserFacingError } from '../src/discord/command.js';
import { parseRaUser } from '../src/ra/validate.js';
import {
  linkedMessage,
  linkShow,
  linkTakenMessage,
  PROOF_MINUTES,
  proofExpired,
  proofInstructions,
  proofSawUnfollow,
} from '../src/render/links.js';
import { safeText } from '../src/render/text.js';
import type { ProofEvent } from '../src/tracking/link-proof.js';
import { requireGuild, requireManager } from './shared/guards.js';
import { replyMessages } from './shared/locale.js';
import { userChoices } from './shared/who.js';

const data = new SlashCommandBuilder()
  .setName('link')
  .setDescription('Tie your Discord account to your RetroAchievements account (or see your link)')
  .addStringOption((o) =>
    o
      .setName('user')
      .setDescription('Your RA username (leave out to see your current link)')
      .setAutocomplete(true)
      .setMaxLength(40),
  )
  .addUserOption((o) =>
    o.setName('member').setDescription('Managers: link this member by hand, without the follow proof'),
  )
  .toJSON();

const bold = (text: string) => `**${safeText(text, 64, { singleLine: true })}**`;

/** The bot's own RA account, which members follow to prove theirs. */
export function botAccount(ctx: CommandContext): { name: string; url: string } | null {
  const name = ctx.config.RA_USERNAME;
  return name ? { name, url: ctx.urls.user(name) } : null;
}

function show(interaction: ChatInputCommandInteraction, ctx: CommandContext, who: User): Promise<unknown> {
  const link = ctx.store.linkOf(who.id);
  const pending = ctx.linkProofs.pendingOf(who.id);
  const m = replyMessages(interaction, ctx);
  const member = `<@${who.id}>`;
  const text =
    who.id === interaction.user.id
      ? linkShow(link?.displayName ?? null, link?.linkedAt ?? null, pending?.displayName ?? null, m)
      : link
        ? m.t('link.showOther', { member, account: bold(link.displayName) })
        : m.t('link.showOtherNone', { member });
  return interaction.editReply({ content: text, allowedMentions: { parse: [] } });
}

/** A manager ties another member to an RA account: no proof, but never over someone else's link. */
async function linkByHand(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  target: User,
  input: string,
): Promise<void> {
  const guild = requireGuild(interaction);
  requireManager(interaction, ctx, guild.id, 'link-others');
  if (target.bot) throw new UserFacingError((m) => m.t('link.noBots'));
  const profile = await ctx.ra.getUserProfile(parseRaUser(input));
  const outcome = ctx.store.linkAccount({
    discordUserId: target.id,
    ulid: profile.ulid,
    displayName: profile.user,
    linkedBy: interaction.user.id,
    now: ctx.now(),
    guildId: guild.id,
  });
  if (outcome === 'taken') {
    throw new UserFacingError((m) => m.t('link.takenByHand', { account: bold(profile.user) }));
  }
  ctx.linkProofs.cancel(target.id);
  await interaction.editReply({
    content: linkedMessage(profile.user, target.id, false, replyMessages(interaction, ctx)),
    allowedMentions: { parse: [] },
  });
}

async function startProof(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  input: string,
): Promise<void> {
  const bot = botAccount(ctx);
  if (!bot) {
    throw new UserFacingError((m) => m.t('link.noBotAccount'));
  }
  const user = parseRaUser(input);
  const profile = await ctx.ra.getUserProfile(user);
  if (
    profile.user.toLowerCase() === bot.name.toLowerCase() ||
    user.toLowerCase() === bot.name.toLowerCase()
  ) {
    throw new UserFacingError((m) => m.t('link.isBot'));
  }
  const owner = ctx.store.linkOfAccount(profile.ulid);
  if (owner && owner.discordUserId !== interaction.user.id)
    throw new UserFacingError((m) => linkTakenMessage(profile.user, m));
  // The proof's later updates speak the language the member asked in.
  const m = replyMessages(interaction, ctx);
  if (owner) {
    await interaction.editReply(m.t('link.already', { account: bold(profile.user) }));
    return;
  }
  const say = (content: string) => interaction.editReply({ content, allowedMentions: { parse: [] } });
  const instructions = (phase: Parameters<typeof proofInstructions>[0]['phase']) =>
    proofInstructions({ account: profile.user, botName: bot.name, botUrl: bot.url, phase }, m);
  const notify = async (event: ProofEvent): Promise<void> => {
    const name = event.proof.displayName;
    if (event.kind === 'phase') {
      await say(
        event.from === 'await-unfollow'
          ? proofSawUnfollow(name, bot.name, bot.url, m)
          : instructions(event.proof.phase),
      );
    } else if (event.kind === 'linked') await say(linkedMessage(name, interaction.user.id, true, m));
    else if (event.kind === 'taken') await say(`❌ ${linkTakenMessage(name, m)}`);
    else await say(proofExpired(name, bot.name, bot.url, event.listRead, m));
  };
  const started = ctx.linkProofs.start({
    discordUserId: interaction.user.id,
    guildId: interaction.guildId,
    ulid: profile.ulid,
    displayName: profile.user,
    notify,
  });
  if (started.result === 'busy') {
    throw new UserFacingError((m) =>
      m.t('link.busy', { account: bold(profile.user), minutes: PROOF_MINUTES }),
    );
  }
  await say(instructions(started.proof.phase));
}

async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const input = interaction.options.getString('user')?.trim() ?? '';
  const target = interaction.options.getUser('member');
  const other = target && target.id !== interaction.user.id ? target : null;
  if (!input) {
    // Anyone sees their own link; another member's only a manager.
    if (other) requireManager(interaction, ctx, requireGuild(interaction).id, 'see-links');
    await show(interaction, ctx, other ?? interaction.user);
    return;
  }
  if (other) return linkByHand(interaction, ctx, other, input);
  return startProof(interaction, ctx, input);
}

export const linkCommand: Command = {
  data,
  deferMode: () => 'ephemeral',
  execute,
  async autocomplete(interaction, ctx) {
    return userChoices(interaction, ctx);
  },
};
