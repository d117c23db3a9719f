const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Generates Discord-shaped snowflakes (18-19 digits today). Real ids matter: @discordjs/rest
 * buckets routes by `\d{17,19}`, and discord.js derives timestamps from them.
 */
export class SnowflakeGenerator {
  #increment = 0n;

  next(at: number = Date.now()): string {
    this.#increment = (this.#increment + 1n) & 0xfffn;
    const timestamp = BigInt(at) - DISCORD_EPOCH;
    return ((timestamp << 22n) | (1n << 17n) | (1n << 12n) | this.#increment).toString();
  }
}
