/**
 * What /link, /unlink and the follow proof say. Outside text (RA names) is escaped here; the
 * messages are plain content, sent with mentions disabled.
 */
import type { Messages } from '../i18n/index.js';
import { safeText } from './text.js';

export const PROOF_MINUTES = 15;

const bold = (name: string) => `**${safeText(name, 64, { singleLine: true })}**`;

/** The bot's RA account as a link the member can open. */
function botAccount(botName: string, botUrl: string): string {
  return `[${bold(botName)}](${botUrl})`;
}

export type ProofPhase = 'checking' | 'await-follow' | 'await-unfollow';

/** The proof's instructions; they change as the bot sees the member's RA account act. */
export function proofInstructions(
  input: {
    account: string;
    botName: string;
    botUrl: string;
    phase: ProofPhase;
  },
  m: Messages,
): string {
  const { botName, botUrl, phase } = input;
  const bot = botAccount(botName, botUrl);
  const account = bold(input.account);
  const signIn = m.t('link.signIn', { account });
  const tail = m.t('link.tail', { minutes: PROOF_MINUTES });
  if (phase === 'await-unfollow') return m.t('link.awaitUnfollow', { account, bot, signIn, tail });
  return m.t('link.awaitFollow', { account, bot, signIn, tail });
}

export function proofSawUnfollow(account: string, botName: string, botUrl: string, m: Messages): string {
  return m.t('link.sawUnfollow', { account: bold(account), bot: botAccount(botName, botUrl) });
}

export function linkedMessage(
  account: string,
  discordUserId: string | null,
  self: boolean,
  m: Messages,
): string {
  if (self) return m.t('link.linkedSelf', { account: bold(account) });
  return m.t('link.linkedOther', { member: `<@${discordUserId}>`, account: bold(account) });
}

export function proofExpired(
  account: string,
  botName: string,
  botUrl: string,
  listRead: boolean,
  m: Messages,
): string {
  const bot = botAccount(botName, botUrl);
  if (!listRead) return m.t('link.expiredUnread', { bot, minutes: PROOF_MINUTES });
  return m.t('link.expired', { account: bold(account), bot, minutes: PROOF_MINUTES });
}

export function linkTakenMessage(account: string, m: Messages): string {
  return m.t('link.taken', { account: bold(account) });
}

export function linkShow(
  account: string | null,
  linkedAt: number | null,
  pendingAccount: string | null,
  m: Messages,
): string {
  const lines: string[] = [];
  if (account) {
    lines.push(
      linkedAt
        ? m.t('link.showLinkedSince', {
            account: bold(account),
            date: `<t:${Math.floor(linkedAt / 1000)}:D>`,
          })
        : m.t('link.showLinked', { account: bold(account) }),
    );
  } else {
    lines.push(m.t('link.showNone'));
  }
  if (pendingAccount) lines.push(m.t('link.showPending', { account: bold(pendingAccount) }));
  return lines.join('\n');
}
