package travelwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
@DisplayName("Where a webhook may be sent: public https addresses, loopback and private on request")
class WebhookDestinationTest {
  private static final Destination.Policy STRICT = new Destination.Policy(false, false);
  private static final Destination.Policy LOOPBACK = new Destination.Policy(true, false);
  private static final Destination.Policy PRIVATE = new Destination.Policy(false, true);

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "93.184.215.14, PUBLIC",
    "8.8.8.8, PUBLIC",
    "2606:4700::6810:85e5, PUBLIC",
    "127.0.0.1, LOOPBACK",
    "127.200.0.9, LOOPBACK",
    "::1, LOOPBACK",
    "10.0.0.1, PRIVATE",
    "172.16.0.1, PRIVATE",
    "172.31.255.255, PRIVATE",
    "192.168.1.1, PRIVATE",
    "100.64.0.1, PRIVATE",
    "fd12:3456::1, PRIVATE",
    "::ffff:10.0.0.1, PRIVATE",
    "64:ff9b::a00:1, PRIVATE",
    "2002:0a00:0001::1, PRIVATE",
    "169.254.169.254, LINK_LOCAL",
    "fe80::1, LINK_LOCAL",
    "::ffff:169.254.169.254, LINK_LOCAL",
    "0.0.0.0, OTHER",
    "::, OTHER",
    "224.0.0.1, OTHER",
    "255.255.255.255, OTHER",
    "ff02::1, OTHER",
    "172.32.0.1, PUBLIC",
    "100.128.0.1, PUBLIC"
  })
  @DisplayName("Each address is seen for what it is, IPv4 inside IPv6 as its IPv4")
  void kinds(String address, Destination.Kind kind) throws Exception {
    assertThat(Destination.kind(ip(address))).isEqualTo(kind);
  }

  @Test
  @DisplayName("Public https passes; loopback, private and link-local addresses do not")
  void strict() throws Exception {
    Destination d = Destination.parse("https://hooks.example.org/travelwatch?x=1", STRICT);
    assertThat(d.host()).isEqualTo("hooks.example.org");
    assertThat(d.port()).isEqualTo(443);
    assertThat(d.tls()).isTrue();
    assertThat(d.requestUri()).isEqualTo("/travelwatch?x=1");
    assertThat(d.check(List.of(ip("93.184.215.14")), STRICT)).isEqualTo(ip("93.184.215.14"));
    for (String refused : List.of("127.0.0.1", "10.0.0.1", "192.168.1.1", "169.254.169.254")) {
      assertThatThrownBy(() -> d.check(List.of(ip(refused)), STRICT))
          .isInstanceOf(Destination.Refused.class)
          .hasMessageContaining(refused);
    }
  }

  @Test
  @DisplayName("A name with a public and a private address is refused: every address must pass")
  void everyAddressMustPass() throws Exception {
    Destination d = Destination.parse("https://hooks.example.org/", STRICT);
    assertThatThrownBy(() -> d.check(List.of(ip("93.184.215.14"), ip("10.1.2.3")), STRICT))
        .isInstanceOf(Destination.Refused.class)
        .hasMessageContaining("hooks.example.org resolves to 10.1.2.3");
  }

  @Test
  @DisplayName("Plain http only to loopback, and only when loopback is allowed")
  void plainHttpOnlyToLoopback() throws Exception {
    assertThatThrownBy(() -> Destination.parse("http://example.org/", STRICT))
        .hasMessageContaining("must be https");
    assertThatThrownBy(() -> Destination.parse("http://127.0.0.1:8080/", STRICT))
        .hasMessageContaining("must be https");
    assertThatThrownBy(() -> Destination.parse("http://example.org/", LOOPBACK))
        .hasMessageContaining("must be https");
    Destination local = Destination.parse("http://localhost:8080/hook", LOOPBACK);
    assertThat(local.tls()).isFalse();
    assertThat(local.port()).isEqualTo(8080);
    assertThat(local.check(List.of(ip("127.0.0.1")), LOOPBACK)).isEqualTo(ip("127.0.0.1"));
    // A name that only looks local must still resolve to loopback.
    assertThatThrownBy(() -> local.check(List.of(ip("93.184.215.14")), LOOPBACK))
        .hasMessageContaining("is not a loopback address");
  }

  @Test
  @DisplayName("Private ranges only when allowed, and link-local never")
  void privateOnRequest() throws Exception {
    Destination d = Destination.parse("https://10.0.0.1/hook", PRIVATE);
    assertThat(d.check(List.of(ip("10.0.0.1")), PRIVATE)).isEqualTo(ip("10.0.0.1"));
    assertThatThrownBy(() -> d.check(List.of(ip("10.0.0.1")), STRICT))
        .hasMessageContaining("private range");
    Destination metadata = Destination.parse("https://169.254.169.254/", PRIVATE);
    assertThatThrownBy(() -> metadata.check(List.of(ip("169.254.169.254")), PRIVATE))
        .hasMessageContaining("link-local");
    assertThatThrownBy(
            () ->
                metadata.check(List.of(ip("169.254.169.254")), new Destination.Policy(true, true)))
        .hasMessageContaining("link-local");
  }

  @ParameterizedTest(name = "\"{0}\" {1}")
  @CsvSource({
    "'', is required",
    "not a url at all, is not a URL",
    "/relative/path, must be an absolute https URL",
    "mailto:ops@example.org, must be an absolute https URL",
    "https://user:secret@example.org/, may not carry a user name or password",
    "https://example.org/#part, may not have a fragment",
    "ftp://example.org/, must be https"
  })
  @DisplayName("A URL of the wrong form is refused, saying why")
  void wrongForms(String url, String message) {
    assertThatThrownBy(() -> Destination.parse(url, LOOPBACK))
        .isInstanceOf(Destination.Refused.class)
        .hasMessageContaining(message);
  }
}
