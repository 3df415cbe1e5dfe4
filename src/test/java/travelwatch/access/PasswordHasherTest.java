package travelwatch.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Passwords are stored as salted PBKDF2 hashes")
class PasswordHasherTest {

  @Test
  @DisplayName("The right password matches, a wrong one does not, and the hash hides the password")
  void matchesOnlyTheRightPassword() {
    String hash = PasswordHasher.hash("correct horse battery".toCharArray());
    assertThat(hash).startsWith("pbkdf2-sha256$600000$").doesNotContain("correct");
    assertThat(PasswordHasher.matches("correct horse battery".toCharArray(), hash)).isTrue();
    assertThat(PasswordHasher.matches("correct horse batterY".toCharArray(), hash)).isFalse();
  }

  @Test
  @DisplayName("The same password hashes differently each time (salted)")
  void salted() {
    assertThat(PasswordHasher.hash("same password".toCharArray()))
        .isNotEqualTo(PasswordHasher.hash("same password".toCharArray()));
  }
}
