package travelwatch.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook secrets and signatures as the Standard Webhooks specification has them: a secret is
 * {@code whsec_} and the Base64 of random bytes; a delivery is signed with those bytes, HMAC-SHA256
 * over {@code id.timestamp.body}, and the signature sent as {@code v1,<Base64>}.
 */
public final class Signature {
  private static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signature() {}

  /** A new secret: 256 random bits. */
  public static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getEncoder().encodeToString(bytes);
  }

  /** The {@code Webhook-Signature} header's value for a message. */
  public static String sign(String secret, String id, long timestampSeconds, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
      byte[] signed =
          mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(signed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
    }
  }

  /** The bytes a secret stands for: the Base64 after the {@code whsec_} prefix. */
  static byte[] key(String secret) {
    if (!secret.startsWith(PREFIX)) {
      throw new IllegalArgumentException("A webhook secret starts with " + PREFIX);
    }
    return Base64.getDecoder().decode(secret.substring(PREFIX.length()));
  }
}
