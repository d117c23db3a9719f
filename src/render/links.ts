/**
 * What /link, /unlink and the follow proof say. Outside text (RA names) is escaped here; the
 * messages are plain content, sent with mentions disabled.
 */
import { safeText } from './text.js';

export const PROOF_MINUTES = 15;

const bold = (name: string) => `**${safeText(name, 64, { singleLine: true })}**`;

/** The bot's RA account as a link the member can open. */
function botAccount(botName: string, botUrl: string): string {
  return `[${bold(botName)}](${botUrl})`;
}

export type ProofPhase = 'checking' | 'await-follow' | 'await-unfollow';

/** The proof's instructions; they change as the bot sees the member's RA account act. */
export function proofInstructions(input: {
  account: string;
  botName: string;
  botUrl: string;
  phase: ProofPhase;
}): string {
  const { account, botName, botUrl, phase } = input;
  const bot = botAccount(botName, botUrl);
  const signIn = `sign in to RetroAchievements as ${bold(account)}`;
  const tail = `I check about once a minute and update this message. This request expires in ${PROOF_MINUTES} minutes.`;
  if (phase === 'await-unfollow') {
    return `${bold(account)} already follows ${bot}, which proves nothing by itself. To prove it’s yours, ${signIn}, **unfollow** ${bot}, wait until this message says I saw it, then follow it again. ${tail}`;
  }
  return `To link ${bold(account)}, prove it’s yours: ${signIn} and follow ${bot} (open the page, press **Follow**). ${tail}`;
}

export function proofSawUnfollow(account: string, botName: string, botUrl: string): string {
  return `Seen: ${bold(account)} no longer follows ${botAccount(botName, botUrl)}. Now follow it again to finish linking.`;
}

export function linkedMessage(account: string, discordUserId: string | null, self: boolean): string {
  if (self) {
    return `✅ Linked: your Discord account is now tied to ${bold(account)}. Commands that take a user (\`/profile\`, \`/progress\`) use it when you leave \`user\` out. You can unfollow the bot’s account now if you like.`;
  }
  return `✅ Linked <@${discordUserId}> to ${bold(account)}.`;
}

export function proofExpired(account: string, botName: string, botUrl: string, listRead: boolean): string {
  if (!listRead) {
    return `❌ Not linked: I couldn’t read ${botAccount(botName, botUrl)}’s follower list from RetroAchievements for ${PROOF_MINUTES} minutes, so I can’t check the follow. Try \`/link\` again later.`;
  }
  return `❌ Not linked: I didn’t see ${bold(account)} follow ${botAccount(botName, botUrl)} within ${PROOF_MINUTES} minutes. Follow it (or check you signed in as ${bold(account)}), then run \`/link\` again.`;
}

export function linkTakenMessage(account: string): string {
  return `${bold(account)} is already linked to another Discord account, so it can’t be linked to this one. If it’s yours, ask a server manager for help (they can \`/unlink\` the other member).`;
}

export function linkShow(
  account: string | null,
  linkedAt: number | null,
  pendingAccount: string | null,
): string {
  const lines: string[] = [];
  if (account) {
    const since = linkedAt ? ` since <t:${Math.floor(linkedAt / 1000)}:D>` : '';
    lines.push(`Your Discord account is linked to ${bold(account)}${since}. \`/unlink\` removes the link.`);
  } else {
    lines.push(
      'Your Discord account isn’t linked to a RetroAchievements account. Run `/link user:` with your RA username.',
    );
  }
  if (pendingAccount) lines.push(`A link to ${bold(pendingAccount)} is waiting for the follow proof.`);
  return lines.join('\n');
}
