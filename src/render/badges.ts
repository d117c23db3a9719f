/**
 * The badge grid image attached to /progress: every badge of the set (up to a cap) as a PNG,
 * earned in color, locked greyed out (RA's `_lock` variant).
 *
 * Speed on a warm cache is what matters (the reply must go out within Discord's patience and
 * the benchmark's 50 ms p95): each badge is decoded and resized once, then kept as raw RGB
 * pixels in an LRU cache; a render only copies those pixels into one raw canvas and encodes a
 * single PNG. No PNG is decoded on a warm render.
 */
import type SharpFactory from 'sharp';
import { type Achievement, isEarned } from '../ra/types.js';
import type { RaUrls } from '../ra/urls.js';

export const BADGE_SIZE = 64;
export const BADGE_GAP = 4;
export const BADGES_PER_ROW = 10;
/** Default cap on badges drawn: keeps the PNG small (~1 MB raw, far less encoded) and fast. */
export const DEFAULT_MAX_BADGES = 100;
/** Discord's dark background, so the grid blends into the embed. */
export const GRID_BACKGROUND = { r: 0x2b, g: 0x2d, b: 0x31 } as const;
/** Placeholder for a badge that could not be fetched or decoded. */
export const PLACEHOLDER_FILL = { r: 0x4e, g: 0x50, b: 0x58 } as const;
const PLACEHOLDER_BORDER = { r: 0x6d, g: 0x6f, b: 0x78 } as const;

const CHANNELS = 3;
const TILE_BYTES = BADGE_SIZE * BADGE_SIZE * CHANNELS;

/** Badge downloads in flight at once unless configured otherwise. */
export const DEFAULT_BADGE_CONCURRENCY = 12;

export type FetchImage = (url: string, signal?: AbortSignal) => Promise<Buffer>;

export interface BadgeGridOptions {
  fetchImage: FetchImage;
  /**
   * Badge downloads in flight at once (default DEFAULT_BADGE_CONCURRENCY): a first /progress of a 100-badge set at
   * 80 ms per badge took ~1.6 s at 6, close to the command's 2 s budget for the grid.
   */
  concurrency?: number;
  /** Decoded badges kept (default 2000, LRU; 12 KB each, so ~25 MB at the default). */
  cacheSize?: number;
  /** Per-badge download timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Finished grid PNGs kept for identical re-renders (default 16; 0 turns it off). */
  gridCacheSize?: number;
  /** How long a failed badge is not retried (default 60 s), so one broken badge can't slow every render. */
  failureTtlMs?: number;
}

export interface BadgeGridRenderOptions {
  /** Badges drawn at most, first ones in the order given (default 100). */
  maxBadges?: number;
}

export interface BadgeCacheStats {
  size: number;
  capacity: number;
  hits: number;
  misses: number;
  fetches: number;
  failures: number;
  /** Renders answered from the finished-grid cache. */
  gridHits: number;
}

export interface BadgeGridRenderer {
  /** PNG of the grid; null when there is nothing to draw or no badge could be loaded. */
  render(
    achievements: readonly Achievement[],
    urls: RaUrls,
    opts?: BadgeGridRenderOptions,
  ): Promise<Buffer | null>;
  cacheStats(): BadgeCacheStats;
}

/** A small LRU on Map's insertion order. */
class LruCache<V> {
  readonly #map = new Map<string, V>();
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#map.size;
  }

  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    while (this.#map.size > this.capacity) {
      const oldest = this.#map.keys().next();
      if (oldest.done) break;
      this.#map.delete(oldest.value);
    }
  }
}

/**
 * At most `limit` calls of the returned function run at once, across every caller: concurrent
 * renders share one budget, so RA's media server never sees more than `limit` downloads from us.
 */
function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/** Resolves the fetch or rejects after `ms`, aborting the fetch's signal. */
async function withTimeout(fetchImage: FetchImage, url: string, ms: number): Promise<Buffer> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`badge download timed out after ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([fetchImage(url, controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * sharp (libvips) is loaded on the first render, not at start-up: importing it adds ~30 MB RSS to
 * a bare Node process, which an idle bot that nobody has asked for /progress doesn't need
 * (bench/startup.ts, idle RSS after ready: 131-136 MB with sharp loaded, 112-124 MB without).
 */
let sharpLoading: Promise<typeof SharpFactory> | undefined;
function loadSharp(): Promise<typeof SharpFactory> {
  sharpLoading ??= import('sharp').then((module) => module.default);
  return sharpLoading;
}

/** Decodes any image sharp understands into a BADGE_SIZE square of raw RGB on the grid background. */
async function decodeBadge(image: Buffer): Promise<Buffer> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(image, { limitInputPixels: 4096 * 4096 })
    .resize(BADGE_SIZE, BADGE_SIZE, { fit: 'contain', background: { ...GRID_BACKGROUND, alpha: 1 } })
    .flatten({ background: GRID_BACKGROUND })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== CHANNELS || data.length !== TILE_BYTES)
    throw new Error('unexpected badge pixel format');
  return data;
}

/** A flat tile with a lighter border: visibly "a badge goes here" without pretending to be one. */
function placeholderTile(): Buffer {
  const tile = Buffer.alloc(TILE_BYTES);
  for (let y = 0; y < BADGE_SIZE; y++) {
    for (let x = 0; x < BADGE_SIZE; x++) {
      const edge = x < 2 || y < 2 || x >= BADGE_SIZE - 2 || y >= BADGE_SIZE - 2;
      const c = edge ? PLACEHOLDER_BORDER : PLACEHOLDER_FILL;
      const i = (y * BADGE_SIZE + x) * CHANNELS;
      tile[i] = c.r;
      tile[i + 1] = c.g;
      tile[i + 2] = c.b;
    }
  }
  return tile;
}
const PLACEHOLDER = placeholderTile();

/** Where tile `index` starts on the canvas, in pixels. */
export function tileOrigin(index: number): { x: number; y: number } {
  return {
    x: BADGE_GAP + (index % BADGES_PER_ROW) * (BADGE_SIZE + BADGE_GAP),
    y: BADGE_GAP + Math.floor(index / BADGES_PER_ROW) * (BADGE_SIZE + BADGE_GAP),
  };
}

/** Copies raw tiles into one raw canvas: far cheaper than a sharp composite of 100 inputs. */
function paintCanvas(tiles: readonly Buffer[]): { data: Buffer; width: number; height: number } {
  const columns = Math.min(BADGES_PER_ROW, tiles.length);
  const rows = Math.ceil(tiles.length / BADGES_PER_ROW);
  const width = BADGE_GAP + columns * (BADGE_SIZE + BADGE_GAP);
  const height = BADGE_GAP + rows * (BADGE_SIZE + BADGE_GAP);
  const data = Buffer.allocUnsafe(width * height * CHANNELS);
  const background = Buffer.from([GRID_BACKGROUND.r, GRID_BACKGROUND.g, GRID_BACKGROUND.b]);
  data.fill(background);
  const rowBytes = BADGE_SIZE * CHANNELS;
  tiles.forEach((tile, index) => {
    const { x, y } = tileOrigin(index);
    for (let line = 0; line < BADGE_SIZE; line++) {
      tile.copy(data, ((y + line) * width + x) * CHANNELS, line * rowBytes, (line + 1) * rowBytes);
    }
  });
  return { data, width, height };
}

function badgeUrl(a: Achievement, urls: RaUrls): string {
  const earned = isEarned(a);
  return urls.badge(a.badgeName, !earned);
}

export function createBadgeGridRenderer(options: BadgeGridOptions): BadgeGridRenderer {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_BADGE_CONCURRENCY));
  const timeoutMs = options.timeoutMs ?? 5000;
  const failureTtlMs = options.failureTtlMs ?? 60_000;
  const cache = new LruCache<Buffer>(Math.max(1, Math.floor(options.cacheSize ?? 2000)));
  /** Failed URLs and when they may be retried. */
  const failedUntil = new Map<string, number>();
  /** Downloads in progress, shared by concurrent renders that need the same badge. */
  const inFlight = new Map<string, Promise<Buffer | null>>();
  const stats = { hits: 0, misses: 0, fetches: 0, failures: 0, gridHits: 0 };
  /** Finished PNGs by their tile list; small, since a grid is up to ~1 MB. */
  const grids = new LruCache<Buffer>(Math.max(0, Math.floor(options.gridCacheSize ?? 16)));

  const limit = createLimiter(concurrency);

  async function load(url: string): Promise<Buffer | null> {
    try {
      // Decoding shares the slot with its download: it bounds CPU and memory the same way.
      const tile = await limit(async () => {
        stats.fetches += 1;
        return decodeBadge(await withTimeout(options.fetchImage, url, timeoutMs));
      });
      cache.set(url, tile);
      failedUntil.delete(url);
      return tile;
    } catch {
      stats.failures += 1;
      failedUntil.set(url, Date.now() + failureTtlMs);
      if (failedUntil.size > cache.capacity) failedUntil.delete(failedUntil.keys().next().value ?? '');
      return null;
    }
  }

  /** Tiles for `urls`, fetching the missing ones with bounded concurrency; null = failed. */
  async function tilesFor(urls: readonly string[]): Promise<(Buffer | null)[]> {
    const found = new Map<string, Buffer | null>();
    const missing: string[] = [];
    for (const url of new Set(urls)) {
      const cached = cache.get(url);
      if (cached) {
        stats.hits += 1;
        found.set(url, cached);
      } else if ((failedUntil.get(url) ?? 0) > Date.now()) {
        found.set(url, null);
      } else {
        stats.misses += 1;
        missing.push(url);
      }
    }
    await Promise.all(
      missing.map(async (url) => {
        let pending = inFlight.get(url);
        if (!pending) {
          pending = load(url).finally(() => inFlight.delete(url));
          inFlight.set(url, pending);
        }
        found.set(url, await pending);
      }),
    );
    return urls.map((url) => found.get(url) ?? null);
  }

  return {
    async render(achievements, urls, opts = {}) {
      const max = Math.max(0, Math.floor(opts.maxBadges ?? DEFAULT_MAX_BADGES));
      const shown = achievements.slice(0, max);
      if (shown.length === 0) return null;
      const tileUrls = shown.map((a) => badgeUrl(a, urls));
      // Re-running /progress on an unchanged game (or going back to the summary) draws the same grid.
      const gridKey = tileUrls.join('\n');
      const cachedGrid = grids.get(gridKey);
      if (cachedGrid) {
        stats.gridHits += 1;
        return cachedGrid;
      }
      const tiles = await tilesFor(tileUrls);
      if (tiles.every((tile) => tile === null)) return null;
      const { data, width, height } = paintCanvas(tiles.map((tile) => tile ?? PLACEHOLDER));
      // zlib level 4 without adaptive filtering: on badge-like pixel art this measured about as fast
      // as level 1 and a third the size of level 3; the default (6 + filtering) is 2-3x slower.
      const sharp = await loadSharp();
      const png = await sharp(data, { raw: { width, height, channels: CHANNELS } })
        .png({ compressionLevel: 4, adaptiveFiltering: false })
        .toBuffer();
      // A grid with placeholders is not kept: the next render may get the missing badges.
      if (tiles.every((tile) => tile !== null)) grids.set(gridKey, png);
      return png;
    },
    cacheStats() {
      return { size: cache.size, capacity: cache.capacity, ...stats };
    },
  };
}
