package travelwatch.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * API key material. A key is 256 random bits, so a fast SHA-256 hash is enough to store it safely
 * and keeps the hot ingest path cheap; the key itself is shown once and never stored.
 */
public final class ApiKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  static final String PREFIX = "tw_";

  private ApiKeys() {}

  public static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first characters, enough for a person to tell keys apart in a listing. */
  public static String prefix(String key) {
    return key.substring(0, Math.min(key.length(), 10));
  }
}
