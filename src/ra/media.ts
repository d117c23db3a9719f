/**
 * Downloads of RA's media (badges, box art) for the renderers: the network side of the badge
 * grid, kept out of render/ so rendering stays pure.
 */
import { type Dispatcher, request } from 'undici';

/** One image download; the signal aborts it. */
export type FetchImage = (url: string, signal?: AbortSignal) => Promise<Buffer>;

export interface ImageFetcherOptions {
  /** Whole-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Largest accepted body (default 1 MiB); badges are a few KB. */
  maxBytes?: number;
  /** undici dispatcher, e.g. a MockAgent in tests or a shared Agent with keep-alive. */
  dispatcher?: Dispatcher;
}

/** An image download with undici: 200 and `image/*` only, bounded in time and size. */
export function createImageFetcher(options: ImageFetcherOptions = {}): FetchImage {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return async (url, signal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const { statusCode, headers, body } = await request(url, {
      method: 'GET',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      headers: { accept: 'image/png,image/*;q=0.8', 'user-agent': 'cheevobot' },
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    try {
      if (statusCode !== 200) throw new Error(`image download failed: HTTP ${statusCode}`);
      const type = String(headers['content-type'] ?? '');
      if (!type.toLowerCase().startsWith('image/'))
        throw new Error(`not an image: ${type || 'no content-type'}`);
      const declared = Number(headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes)
        throw new Error(`image too large: ${declared} bytes`);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of body) {
        const piece = chunk as Buffer;
        size += piece.length;
        if (size > maxBytes) throw new Error(`image too large: over ${maxBytes} bytes`);
        chunks.push(piece);
      }
      return Buffer.concat(chunks, size);
    } catch (error) {
      // An unread body would hold the connection: drop it. Destroying an unfinished body makes
      // undici emit an 'error' (RequestAbortedError) on it; without a listener that error is an
      // uncaught exception, which would take the whole bot down on any 404 from the media host.
      body.on('error', () => undefined);
      body.destroy();
      throw error;
    }
  };
}

/** The default download used in production. */
export const fetchImage: FetchImage = createImageFetcher();
