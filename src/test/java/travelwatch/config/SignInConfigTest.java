package travelwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Sign-in settings: a council provider configured whole or not at all")
class SignInConfigTest {
  private static final Map<String, String> PROVIDER =
      Map.of(
          "TW_OIDC_ISSUER", "https://login.microsoftonline.com/tenant-id/v2.0/",
          "TW_OIDC_CLIENT_ID", "travelwatch",
          "TW_OIDC_CLIENT_SECRET", "s3cret",
          "TW_OIDC_ROLE_MAP", "tw-controller=controller, tw-school-SCH1=school:SCH1");

  private static SignInConfig load(Map<String, String> env) {
    return TravelWatchConfig.from(new Settings(null, env), null).signIn();
  }

  private static Map<String, String> provider(String name, String value) {
    Map<String, String> env = new HashMap<>(PROVIDER);
    if (value == null) {
      env.remove(name);
    } else {
      env.put(name, value);
    }
    return env;
  }

  @Test
  @DisplayName("By default passwords are the way in and there is no council provider")
  void passwordsByDefault() {
    SignInConfig config = load(Map.of());
    assertThat(config.council()).isEmpty();
    assertThat(config.localLogin()).isTrue();
  }

  @Test
  @DisplayName("A whole provider is read: issuer without its slash, roles claim, the map in order")
  void providerRead() {
    SignInConfig config = load(provider("TW_LOCAL_LOGIN", "false"));
    SignInConfig.CouncilProvider council = config.council().orElseThrow();
    assertThat(council.issuer())
        .isEqualTo(URI.create("https://login.microsoftonline.com/tenant-id/v2.0"));
    assertThat(council.clientId()).isEqualTo("travelwatch");
    assertThat(council.roleClaim()).isEqualTo("roles");
    assertThat(council.roleMap())
        .containsExactly(
            Map.entry("tw-controller", "controller"), Map.entry("tw-school-SCH1", "school:SCH1"));
    assertThat(council.toString()).doesNotContain("s3cret");
    assertThat(config.localLogin()).isFalse();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "TW_OIDC_CLIENT_ID|-|TW_OIDC_CLIENT_ID: must be set when TW_OIDC_ISSUER is",
        "TW_OIDC_CLIENT_SECRET|-|TW_OIDC_CLIENT_SECRET: must be set when TW_OIDC_ISSUER is",
        "TW_OIDC_ROLE_MAP|-|TW_OIDC_ROLE_MAP: must be set when TW_OIDC_ISSUER is",
        "TW_OIDC_ISSUER|-|TW_OIDC_ISSUER: must be set when TW_OIDC_CLIENT_ID is",
        "TW_OIDC_ISSUER|http://idp.council.example|TW_OIDC_ISSUER: must be an https URL",
        "TW_OIDC_ISSUER|idp.council.example|TW_OIDC_ISSUER: must be an absolute URL",
        "TW_OIDC_ROLE_MAP|tw-controller|TW_OIDC_ROLE_MAP: must be claim-value=role pairs",
        "TW_OIDC_ROLE_MAP|tw-boss=boss|TW_OIDC_ROLE_MAP: maps 'tw-boss' to 'boss'",
        "TW_OIDC_ROLE_MAP|a=viewer,a=admin|TW_OIDC_ROLE_MAP: maps 'a' more than once",
        "TW_OIDC_ROLE_MAP|' , '|TW_OIDC_ROLE_MAP: maps no claim value to a role",
        "TW_OIDC_ROLE_CLAIM|two words|TW_OIDC_ROLE_CLAIM: must be a claim name",
      })
  @DisplayName("A provider set in part, or wrongly, stops start-up naming the setting")
  void partialProviderRefused(String name, String value, String message) {
    assertThatThrownBy(() -> load(provider(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  @DisplayName("Passwords cannot be switched off without a council provider: nobody could sign in")
  void passwordsOffNeedsProvider() {
    assertThatThrownBy(() -> load(Map.of("TW_LOCAL_LOGIN", "false")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TW_LOCAL_LOGIN: cannot be false without TW_OIDC_ISSUER");
  }

  @Test
  @DisplayName("Plain http is taken for a provider on this machine only")
  void localProviderOverHttp() {
    assertThat(load(provider("TW_OIDC_ISSUER", "http://localhost:8089/council")).council())
        .hasValueSatisfying(
            c -> assertThat(c.issuer()).isEqualTo(URI.create("http://localhost:8089/council")));
  }
}
