import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createImageFetcher } from '../../src/ra/media.js';

const RED = { r: 200, g: 30, b: 30 };

async function solidPng(color: typeof RED, size: number): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: color } })
    .png()
    .toBuffer();
}

describe('createImageFetcher', () => {
  const agents: MockAgent[] = [];
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.close()));
  });

  function mock() {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agents.push(agent);
    return { agent, pool: agent.get('https://media.example') };
  }

  it('returns the body of a 200 image response', async () => {
    const { agent, pool } = mock();
    const png = await solidPng(RED, 4);
    pool.intercept({ path: '/Badge/1.png' }).reply(200, png, { headers: { 'content-type': 'image/png' } });
    const fetchImage = createImageFetcher({ dispatcher: agent });
    expect((await fetchImage('https://media.example/Badge/1.png')).equals(png)).toBe(true);
  });

  it.each([
    ['a non-200 status', 404, 'image/png', Buffer.from('x'), /HTTP 404/],
    ['a non-image content type', 200, 'text/html', Buffer.from('<html>'), /not an image/],
    ['a body over the size limit', 200, 'image/png', Buffer.alloc(2048), /too large/],
  ])('rejects %s', async (_name, status, type, body, error) => {
    const { agent, pool } = mock();
    pool.intercept({ path: '/Badge/1.png' }).reply(status, body, { headers: { 'content-type': type } });
    const fetchImage = createImageFetcher({ dispatcher: agent, maxBytes: 1024 });
    await expect(fetchImage('https://media.example/Badge/1.png')).rejects.toThrow(error);
  });

  it('drops the body of a refused download without an uncaught error (real socket)', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json', 'content-length': 2 });
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const { port } = server.address() as AddressInfo;
      const fetchImage = createImageFetcher();
      await expect(fetchImage(`http://127.0.0.1:${port}/Badge/1.png`)).rejects.toThrow(/HTTP 404/);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives up on a slow server after the timeout', async () => {
    const { agent, pool } = mock();
    pool
      .intercept({ path: '/Badge/1.png' })
      .reply(200, Buffer.from('x'), { headers: { 'content-type': 'image/png' } })
      .delay(1000);
    const fetchImage = createImageFetcher({ dispatcher: agent, timeoutMs: 50 });
    await expect(fetchImage('https://media.example/Badge/1.png')).rejects.toThrow();
  });
});
