import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from '../../src/log.js';

describe('logger', () => {
  it('removes known secrets and y= query parameters from every line', () => {
    const lines: string[] = [];
    const log = createLogger({
      secrets: ['SuperSecretKey42', 'discord.token.value'],
      destination: { write: (l) => lines.push(l) },
    });
    log.error(
      { err: new Error('GET https://ra.example/API/API_GetUserProfile.php?u=x&y=SuperSecretKey42 failed') },
      'request failed with token discord.token.value',
    );
    log.info({ url: 'http://h/API?y=anotherkey&u=bob', token: 'x', nested: { apiKey: 'k' } }, 'nested');
    const all = lines.join('\n');
    expect(all).not.toContain('SuperSecretKey42');
    expect(all).not.toContain('discord.token.value');
    expect(all).not.toContain('anotherkey');
    expect(all).toContain('[REDACTED]');
    expect(lines).toHaveLength(2);
  });

  it('scrubSecrets ignores empty and very short secrets instead of mangling text', () => {
    expect(scrubSecrets('a b c', ['', 'a'])).toBe('a b c');
  });
});
