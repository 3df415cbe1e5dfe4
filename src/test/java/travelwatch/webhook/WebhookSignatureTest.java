package travelwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
@DisplayName("Webhook secrets and signatures, as the Standard Webhooks specification has them")
class WebhookSignatureTest {

  @Test
  @DisplayName("The specification's published example signs to its published signature")
  void standardWebhooksReferenceVector() {
    assertThat(
            Signature.sign(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                "{\"test\": 2432232314}"))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  @DisplayName("Another id, time, body or secret signs differently")
  void everyPartIsSigned() {
    String secret = Signature.newSecret();
    String signed = Signature.sign(secret, "msg_1", 1700000000, "{}");
    assertThat(Signature.sign(secret, "msg_2", 1700000000, "{}")).isNotEqualTo(signed);
    assertThat(Signature.sign(secret, "msg_1", 1700000001, "{}")).isNotEqualTo(signed);
    assertThat(Signature.sign(secret, "msg_1", 1700000000, "{ }")).isNotEqualTo(signed);
    assertThat(Signature.sign(Signature.newSecret(), "msg_1", 1700000000, "{}"))
        .isNotEqualTo(signed);
  }

  @Test
  @DisplayName("A new secret is whsec_ and the Base64 of 32 random bytes, never the same twice")
  void newSecrets() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String secret = Signature.newSecret();
      assertThat(secret).startsWith("whsec_");
      assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
      seen.add(secret);
    }
    assertThat(seen).hasSize(100);
    assertThatThrownBy(() -> Signature.sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1, ""))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
