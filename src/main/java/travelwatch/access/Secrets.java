package travelwatch.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import travelwatch.platform.Sha256;

/**
 * Random secrets (API keys, session ids, CSRF tokens) and their stored form. A secret of 256 random
 * bits needs no slow hash: SHA-256 is enough to store it safely and keeps each request cheap.
 */
final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** 256 random bits, URL-safe Base64 without padding. */
  static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] sha256(String secret) {
    return Sha256.of(secret);
  }

  /** Compares in time that does not depend on where the texts differ. */
  static boolean same(String a, String b) {
    return a != null
        && b != null
        && MessageDigest.isEqual(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
