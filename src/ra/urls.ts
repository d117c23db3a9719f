/** Links and image URLs for RA data, built from the configured media and site bases. */
export interface RaUrls {
  badge(badgeName: string, locked?: boolean): string;
  /** A site-relative image path from RA (`/Images/067895.png`) made absolute. */
  image(path: string): string;
  avatar(userPicPathOrName: string): string;
  game(gameId: number): string;
  user(displayName: string): string;
  /** Stable profile link that survives renames. */
  userById(ulid: string): string;
  achievement(achievementId: number): string;
}

const enc = encodeURIComponent;

export function createRaUrls(bases: { mediaUrl: string; siteUrl: string }): RaUrls {
  const media = bases.mediaUrl.replace(/\/+$/, '');
  const site = bases.siteUrl.replace(/\/+$/, '');
  return {
    badge: (badgeName, locked = false) => `${media}/Badge/${enc(badgeName)}${locked ? '_lock' : ''}.png`,
    image: (path) => {
      const clean = path.trim() || '/Images/000001.png';
      // Only RA-relative paths are accepted; anything else falls back to the placeholder image.
      return /^\/[A-Za-z0-9_./-]+$/.test(clean) && !clean.includes('..')
        ? `${media}${clean}`
        : `${media}/Images/000001.png`;
    },
    avatar: (userPic) => {
      const path = userPic.startsWith('/') ? userPic : `/UserPic/${userPic}.png`;
      return /^\/UserPic\/[A-Za-z0-9_.-]+$/.test(path) ? `${media}${path}` : `${media}/UserPic/_User.png`;
    },
    game: (id) => `${site}/game/${id}`,
    user: (name) => `${site}/user/${enc(name)}`,
    userById: (ulid) => `${site}/u/${enc(ulid)}`,
    achievement: (id) => `${site}/achievement/${id}`,
  };
}
