package travelwatch.access;

/**
 * API key material. A key is 256 random bits, so a fast SHA-256 hash is enough to store it safely
 * and keeps the hot ingest path cheap; the key itself is shown once and never stored.
 */
public final class ApiKeys {
  static final String PREFIX = "tw_";

  private ApiKeys() {}

  public static String newKey() {
    return PREFIX + Secrets.random();
  }

  public static byte[] hash(String key) {
    return Secrets.sha256(key);
  }

  /** The first characters, enough for a person to tell keys apart in a listing. */
  public static String prefix(String key) {
    return key.substring(0, Math.min(key.length(), 10));
  }
}
