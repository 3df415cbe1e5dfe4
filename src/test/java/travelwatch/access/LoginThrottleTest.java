package travelwatch.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.config.AccessConfig;
import travelwatch.config.ConfigException;
import travelwatch.config.Settings;
import travelwatch.config.TravelWatchConfig;
import travelwatch.support.TestClock;

@DisplayName("Login throttling's arithmetic, on a virtual clock")
class LoginThrottleTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-12-07T08:00:00Z"));
  private final LoginThrottle throttle =
      new LoginThrottle(TravelWatchConfig.from(new Settings(null, Map.of()), null).access());

  private LoginThrottle.Tries fail(LoginThrottle.Tries tries) {
    return throttle.failed(tries, clock.instant());
  }

  @Test
  @DisplayName(
      "Five failures cost nothing; then each try waits 1 s, 2 s, 4 s … capped at 60 s after the"
          + " last failure")
  void delaysDoubleAfterFiveUpToSixty() {
    LoginThrottle.Tries tries = LoginThrottle.Tries.NONE;
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.wait(tries, clock.instant())).as("before failure " + (i + 1)).isEmpty();
      tries = fail(tries);
    }
    long[] expected = {1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60, 60};
    for (long seconds : expected) {
      assertThat(throttle.wait(tries, clock.instant()))
          .as("after %d failures", tries.failures())
          .hasValue(Duration.ofSeconds(seconds));
      clock.advance(Duration.ofSeconds(seconds).minusMillis(1));
      assertThat(throttle.wait(tries, clock.instant())).hasValue(Duration.ofMillis(1));
      clock.advance(Duration.ofMillis(1));
      assertThat(throttle.wait(tries, clock.instant())).isEmpty();
      tries = fail(tries);
    }
    assertThat(tries.failures()).isEqualTo(19);
    assertThat(throttle.locks(tries)).isFalse();
  }

  @Test
  @DisplayName("The 20th failure locks the account for 15 minutes; then it starts afresh")
  void twentiethFailureLocksForFifteenMinutes() {
    LoginThrottle.Tries tries = LoginThrottle.Tries.NONE;
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofSeconds(60));
      tries = fail(tries);
    }
    assertThat(throttle.locks(tries)).isTrue();
    tries = throttle.locked(tries, clock.instant());
    assertThat(throttle.locks(tries)).as("locked once").isFalse();
    assertThat(throttle.wait(tries, clock.instant())).hasValue(Duration.ofMinutes(15));
    clock.advance(Duration.ofMinutes(15).minusSeconds(1));
    assertThat(throttle.wait(tries, clock.instant())).hasValue(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.wait(tries, clock.instant())).isEmpty();
    assertThat(fail(tries).failures()).as("counting starts again after the lock").isEqualTo(1);
  }

  @Test
  @DisplayName("Failures are forgotten once 15 minutes pass without one")
  void failuresForgottenAfterTheWindow() {
    LoginThrottle.Tries tries = LoginThrottle.Tries.NONE;
    for (int i = 0; i < 8; i++) {
      tries = fail(tries);
    }
    clock.advance(Duration.ofMinutes(15).minusSeconds(1));
    assertThat(throttle.current(tries, clock.instant()).failures()).isEqualTo(8);
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.current(tries, clock.instant())).isEqualTo(LoginThrottle.Tries.NONE);
    assertThat(fail(tries).failures()).isEqualTo(1);
  }

  @Test
  @DisplayName("The limits are settings; a lock sooner than the first wait stops start-up")
  void limitsAreSettings() {
    AccessConfig config =
        TravelWatchConfig.from(
                new Settings(
                    null,
                    Map.of(
                        "TW_LOGIN_FREE_FAILURES", "3",
                        "TW_LOGIN_WINDOW_MINUTES", "5",
                        "TW_LOGIN_MAX_DELAY_SECONDS", "10",
                        "TW_LOGIN_LOCK_AFTER", "6",
                        "TW_LOGIN_LOCK_MINUTES", "30")),
                null)
            .access();
    LoginThrottle custom = new LoginThrottle(config);
    LoginThrottle.Tries tries = LoginThrottle.Tries.NONE;
    for (int i = 0; i < 3; i++) {
      tries = custom.failed(tries, clock.instant());
    }
    assertThat(custom.wait(tries, clock.instant())).hasValue(Duration.ofSeconds(1));
    assertThat(custom.delayAfter(10)).isEqualTo(Duration.ofSeconds(10));
    for (int i = 0; i < 3; i++) {
      tries = custom.failed(tries, clock.instant());
    }
    assertThat(custom.locks(tries)).isTrue();
    assertThat(custom.locked(tries, clock.instant()).lockedUntil())
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
    assertThatThrownBy(
            () ->
                TravelWatchConfig.from(
                    new Settings(
                        null, Map.of("TW_LOGIN_FREE_FAILURES", "10", "TW_LOGIN_LOCK_AFTER", "5")),
                    null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TW_LOGIN_LOCK_AFTER: must be at least");
  }

  @Test
  @DisplayName("Retry-After is whole seconds, rounded up, at least one")
  void retryAfterRoundsUp() {
    assertThat(LoginThrottle.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(LoginThrottle.retryAfterSeconds(Duration.ofMillis(1001))).isEqualTo(2);
    assertThat(LoginThrottle.retryAfterSeconds(Duration.ofSeconds(900))).isEqualTo(900);
  }
}
