import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Achievement } from '../../src/ra/types.js';
import {
  BADGE_SIZE,
  createBadgeGridRenderer,
  GRID_BACKGROUND,
  PLACEHOLDER_FILL,
  tileOrigin,
} from '../../src/render/badges.js';
import { achievement, earned, NOW, urls } from './fixtures.js';

type Rgb = { r: number; g: number; b: number };

async function solidPng(color: Rgb, size = BADGE_SIZE): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: color } })
    .png()
    .toBuffer();
}

async function pixelAt(png: Buffer, x: number, y: number): Promise<Rgb> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return { r: data[i] ?? -1, g: data[i + 1] ?? -1, b: data[i + 2] ?? -1 };
}

async function tileColor(png: Buffer, index: number): Promise<Rgb> {
  const { x, y } = tileOrigin(index);
  return pixelAt(png, x + BADGE_SIZE / 2, y + BADGE_SIZE / 2);
}

const RED = { r: 220, g: 20, b: 20 };
const GREEN = { r: 20, g: 200, b: 40 };
const BLUE = { r: 30, g: 60, b: 230 };
const GREY = { r: 90, g: 90, b: 90 };

/** A fetchImage stub serving PNGs by URL, counting calls and the most downloads in flight. */
function stubFetch(images: Map<string, Buffer>, delayMs = 0) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchImage = async (url: string): Promise<Buffer> => {
    calls.push(url);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const image = images.get(url);
      if (!image) throw new Error(`404 ${url}`);
      return image;
    } finally {
      inFlight -= 1;
    }
  };
  return { fetchImage, calls, maxInFlight: () => maxInFlight };
}

const set = (n: number, earnedEvery = 2): Achievement[] =>
  Array.from({ length: n }, (_, i) =>
    i % earnedEvery === 0 ? earned(i + 1, NOW, true) : achievement(i + 1),
  );

async function imagesFor(achievements: Achievement[], colorOf: (a: Achievement, locked: boolean) => Rgb) {
  const images = new Map<string, Buffer>();
  for (const a of achievements) {
    images.set(urls.badge(a.badgeName, false), await solidPng(colorOf(a, false)));
    images.set(urls.badge(a.badgeName, true), await solidPng(colorOf(a, true)));
  }
  return images;
}

describe('badge grid', () => {
  it('draws earned badges from the color URL and locked ones from the _lock URL, in order', async () => {
    const achievements = [earned(1, NOW, true), achievement(2), earned(3, NOW, false)];
    const images = await imagesFor(achievements, (a, locked) => (locked ? GREY : a.id === 1 ? RED : GREEN));
    const renderer = createBadgeGridRenderer({ fetchImage: stubFetch(images).fetchImage });
    const png = await renderer.render(achievements, urls);
    expect(png).not.toBeNull();
    if (!png) return;
    expect(await tileColor(png, 0)).toEqual(RED);
    expect(await tileColor(png, 1)).toEqual(GREY);
    expect(await tileColor(png, 2)).toEqual(GREEN);
    expect(await pixelAt(png, 1, 1)).toEqual(GRID_BACKGROUND);
  });

  it('lays out 10 badges per row with a 4 px gap', async () => {
    const achievements = set(23);
    const images = await imagesFor(achievements, () => BLUE);
    const renderer = createBadgeGridRenderer({ fetchImage: stubFetch(images).fetchImage });
    const png = await renderer.render(achievements, urls);
    const meta = await sharp(png ?? Buffer.alloc(0)).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(4 + 10 * 68);
    expect(meta.height).toBe(4 + 3 * 68);
    if (png) expect(await tileColor(png, 22)).toEqual(BLUE);
  });

  it('resizes badges that are not 64x64', async () => {
    const a = earned(1, NOW, true);
    const images = new Map([[urls.badge(a.badgeName), await solidPng(RED, 96)]]);
    const png = await createBadgeGridRenderer({ fetchImage: stubFetch(images).fetchImage }).render([a], urls);
    const meta = await sharp(png ?? Buffer.alloc(0)).metadata();
    expect([meta.width, meta.height]).toEqual([72, 72]);
    if (png) expect(await tileColor(png, 0)).toEqual(RED);
  });

  it('draws a placeholder tile for a badge that failed to download or decode', async () => {
    const achievements = [earned(1, NOW, true), earned(2, NOW, true), earned(3, NOW, true)];
    const images = new Map([
      [urls.badge('100001'), await solidPng(RED)],
      [urls.badge('100003'), Buffer.from('not an image')],
    ]);
    const png = await createBadgeGridRenderer({ fetchImage: stubFetch(images).fetchImage }).render(
      achievements,
      urls,
    );
    expect(png).not.toBeNull();
    if (!png) return;
    expect(await tileColor(png, 0)).toEqual(RED);
    expect(await tileColor(png, 1)).toEqual(PLACEHOLDER_FILL);
    expect(await tileColor(png, 2)).toEqual(PLACEHOLDER_FILL);
  });

  it('returns null when every badge fails, or there is nothing to draw', async () => {
    const renderer = createBadgeGridRenderer({ fetchImage: stubFetch(new Map()).fetchImage });
    expect(await renderer.render(set(5), urls)).toBeNull();
    expect(await renderer.render([], urls)).toBeNull();
  });

  it('times out a download that hangs and draws the placeholder', async () => {
    const a = [earned(1, NOW, true), earned(2, NOW, true)];
    const red = await solidPng(RED);
    const renderer = createBadgeGridRenderer({
      fetchImage: (url) => (url.includes('100001') ? Promise.resolve(red) : new Promise<Buffer>(() => {})),
      timeoutMs: 50,
    });
    const png = await renderer.render(a, urls);
    if (!png) throw new Error('expected a grid');
    expect(await tileColor(png, 1)).toEqual(PLACEHOLDER_FILL);
  });

  it('caches decoded badges so a second render fetches nothing', async () => {
    const achievements = set(30);
    const images = await imagesFor(achievements, () => GREEN);
    const stub = stubFetch(images);
    const renderer = createBadgeGridRenderer({ fetchImage: stub.fetchImage, gridCacheSize: 0 });
    const cold = await renderer.render(achievements, urls);
    const fetched = stub.calls.length;
    expect(fetched).toBe(30);
    const warm = await renderer.render(achievements, urls);
    expect(stub.calls.length).toBe(fetched);
    expect(warm?.equals(cold ?? Buffer.alloc(0))).toBe(true);
    expect(renderer.cacheStats()).toMatchObject({ size: 30, hits: 30, misses: 30, fetches: 30, failures: 0 });
  });

  it('reuses the finished PNG for an identical grid and redraws when an unlock changes it', async () => {
    const achievements = set(4);
    const images = await imagesFor(achievements, (_a, locked) => (locked ? GREY : GREEN));
    const renderer = createBadgeGridRenderer({ fetchImage: stubFetch(images).fetchImage });
    const first = await renderer.render(achievements, urls);
    expect(await renderer.render(achievements, urls)).toBe(first);
    expect(renderer.cacheStats().gridHits).toBe(1);
    const afterUnlock = achievements.map((a) => (a.id === 2 ? { ...a, earnedAt: NOW } : a));
    const redrawn = await renderer.render(afterUnlock, urls);
    if (!redrawn) throw new Error('expected a grid');
    expect(await tileColor(redrawn, 1)).toEqual(GREEN);
  });

  it('does not keep a grid with placeholders, so a later render can fill them in', async () => {
    const a = [earned(1, NOW, true)];
    const images = new Map<string, Buffer>();
    const renderer = createBadgeGridRenderer({
      fetchImage: stubFetch(images).fetchImage,
      failureTtlMs: 0,
    });
    const b = [...a, earned(2, NOW, true)];
    images.set(urls.badge('100001'), await solidPng(RED));
    const partial = await renderer.render(b, urls);
    if (!partial) throw new Error('expected a grid');
    expect(await tileColor(partial, 1)).toEqual(PLACEHOLDER_FILL);
    images.set(urls.badge('100002'), await solidPng(BLUE));
    const full = await renderer.render(b, urls);
    if (!full) throw new Error('expected a grid');
    expect(await tileColor(full, 1)).toEqual(BLUE);
  });

  it('evicts the least recently used badges beyond the cache size', async () => {
    const achievements = set(6, 1);
    const images = await imagesFor(achievements, () => GREEN);
    const stub = stubFetch(images);
    // One at a time, so badges enter the cache in order.
    const renderer = createBadgeGridRenderer({ fetchImage: stub.fetchImage, cacheSize: 4, concurrency: 1 });
    await renderer.render(achievements, urls);
    expect(renderer.cacheStats().size).toBe(4);
    await renderer.render(achievements.slice(4), urls); // the two newest: still cached
    expect(stub.calls.length).toBe(6);
    await renderer.render(achievements.slice(0, 1), urls); // evicted: fetched again
    expect(stub.calls.length).toBe(7);
  });

  it('does not retry a failed badge on every render', async () => {
    const stub = stubFetch(new Map());
    const renderer = createBadgeGridRenderer({ fetchImage: stub.fetchImage });
    await renderer.render(set(3), urls);
    await renderer.render(set(3), urls);
    expect(stub.calls.length).toBe(3);
  });

  it('keeps at most `concurrency` downloads in flight, also across concurrent renders', async () => {
    const achievements = set(40);
    const images = await imagesFor(achievements, () => BLUE);
    const stub = stubFetch(images, 5);
    const renderer = createBadgeGridRenderer({ fetchImage: stub.fetchImage, concurrency: 3 });
    await Promise.all([renderer.render(achievements, urls), renderer.render(achievements.slice(10), urls)]);
    expect(stub.maxInFlight()).toBe(3);
    // The shared in-flight map means the overlapping badges were downloaded once.
    expect(stub.calls.length).toBe(40);
  });

  it('draws at most maxBadges (default 100) badges, the first ones in the order given', async () => {
    const achievements = set(120);
    const images = await imagesFor(achievements, () => RED);
    const stub = stubFetch(images);
    const renderer = createBadgeGridRenderer({ fetchImage: stub.fetchImage });
    const png = await renderer.render(achievements, urls);
    const meta = await sharp(png ?? Buffer.alloc(0)).metadata();
    expect(meta.height).toBe(4 + 10 * 68);
    expect(stub.calls.length).toBe(100);
    const small = await renderer.render(achievements, urls, { maxBadges: 5 });
    expect((await sharp(small ?? Buffer.alloc(0)).metadata()).width).toBe(4 + 5 * 68);
  });
});
