package travelwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import travelwatch.support.JarProcess;
import travelwatch.support.JobProbe;
import travelwatch.support.MailCertificates;
import travelwatch.support.Mailbox;
import travelwatch.support.StartTlsFront;
import travelwatch.support.TestServer;

/**
 * Mail over verified TLS, against real TLS SMTP servers with a certificate of their own:
 * GreenMail's SMTPS, and GreenMail behind a front that offers STARTTLS.
 */
@Timeout(120)
@DisplayName("Mail goes out over verified TLS only: STARTTLS or SMTPS, certificate and host name")
class MailTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<String> logLines = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
          logLines.add(e.getFormattedMessage());
        }
      };

  @BeforeEach
  void listen() {
    appender.start();
    root().addAppender(appender);
  }

  @AfterEach
  void stopListening() {
    root().detachAppender(appender);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static Email email() {
    return new Email(
        Email.Kind.ALERT,
        null,
        List.of("duty@council.test"),
        "[HIGH] run.late — over TLS",
        "text",
        "<p>html</p>",
        "<tls-test@council.test>",
        null);
  }

  private static Map<String, String> env(Map<String, String> smtp) {
    Map<String, String> env = new HashMap<>(smtp);
    env.put("TW_MAIL_RELAY_MS", "50");
    env.put("TW_MAIL_RETRY_FIRST_MS", "60000");
    return env;
  }

  /** The settings to send through the STARTTLS front, the default TLS mode. */
  private static Map<String, String> startTls(StartTlsFront front, java.nio.file.Path trust) {
    return Map.of(
        "TW_SMTP_HOST",
        "localhost",
        "TW_SMTP_PORT",
        String.valueOf(front.port()),
        "TW_SMTP_TRUST_STORE",
        trust.toString(),
        "TW_SMTP_TRUST_STORE_PASSWORD",
        MailCertificates.PASSWORD,
        "TW_MAIL_FROM",
        "travelwatch@council.test");
  }

  @Test
  @DisplayName(
      "By default the relay starts TLS on the SMTP connection, verifies the server's certificate"
          + " against TW_SMTP_TRUST_STORE and delivers")
  void startTlsByDefault() {
    try (Mailbox mailbox = new Mailbox();
        StartTlsFront front = new StartTlsFront(mailbox);
        TestServer server =
            new TestServer(env(startTls(front, MailCertificates.TRUSTED)), Clock.systemUTC())) {
      Outbox.enqueue(server.pool(), email(), Instant.now()).await();
      JarProcess.await("the email delivered", WAIT, () -> mailbox.copies().size() == 1);
      assertThat(front.secured.get()).isPositive();
      assertThat(front.refusedInClear.get()).as("commands sent in clear").isZero();
      assertThat(mailbox.copies().get(0).messageId()).isEqualTo("<tls-test@council.test>");
      JsonObject mail = new JobProbe(server).ready().getJsonObject("mail");
      assertThat(mail.getString("tls")).isEqualTo("starttls");
    }
  }

  @Test
  @DisplayName("With TW_SMTP_TLS=tls the relay speaks TLS from the first byte (SMTPS) and delivers")
  void smtps() {
    try (Mailbox mailbox = Mailbox.smtps();
        TestServer server = new TestServer(env(mailbox.env()), Clock.systemUTC())) {
      Outbox.enqueue(server.pool(), email(), Instant.now()).await();
      JarProcess.await("the email delivered", WAIT, () -> mailbox.copies().size() == 1);
      assertThat(new JobProbe(server).ready().getJsonObject("mail").getString("tls"))
          .isEqualTo("tls");
    }
  }

  /** A mail server the relay must not send to. */
  enum Unsafe {
    SMTPS_UNTRUSTED_CERTIFICATE("SMTPS with a certificate the trust store does not hold"),
    STARTTLS_UNTRUSTED_CERTIFICATE("STARTTLS with a certificate the trust store does not hold"),
    STARTTLS_OTHER_HOST_NAME("STARTTLS with a trusted certificate for another host name"),
    STARTTLS_NOT_OFFERED("a server that does not offer STARTTLS");

    final String label;

    Unsafe(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Unsafe.class)
  @DisplayName(
      "An email to a mail server whose connection cannot be secured is not sent, in clear or"
          + " otherwise: it waits in the outbox, and /health/ready and the log say why")
  void unsafeServerGetsNothing(Unsafe unsafe) {
    boolean smtps = unsafe.name().startsWith("SMTPS");
    try (Mailbox mailbox = smtps ? Mailbox.smtps() : new Mailbox();
        StartTlsFront front =
            new StartTlsFront(
                mailbox,
                unsafe == Unsafe.STARTTLS_OTHER_HOST_NAME
                    ? MailCertificates.ELSEWHERE
                    : MailCertificates.SERVER)) {
      Map<String, String> smtp =
          switch (unsafe) {
            case SMTPS_UNTRUSTED_CERTIFICATE -> {
              Map<String, String> e = new HashMap<>(mailbox.env());
              e.put("TW_SMTP_TRUST_STORE", MailCertificates.STRANGER.toString());
              yield e;
            }
            case STARTTLS_UNTRUSTED_CERTIFICATE -> startTls(front, MailCertificates.STRANGER);
            case STARTTLS_OTHER_HOST_NAME -> startTls(front, MailCertificates.TRUSTED);
            case STARTTLS_NOT_OFFERED -> {
              Map<String, String> e = new HashMap<>(mailbox.env());
              e.remove("TW_SMTP_TLS");
              yield e;
            }
          };
      try (TestServer server = new TestServer(env(smtp), Clock.systemUTC())) {
        JobProbe jobs = new JobProbe(server);
        Outbox.enqueue(server.pool(), email(), Instant.now()).await();

        JsonObject failed = jobs.await("mail_relay", "FAILED");
        assertThat(failed.getString("reason")).contains("could not be secured");
        JsonObject ready = jobs.ready();
        assertThat(ready.getString("status")).isEqualTo("DEGRADED");
        assertThat(ready.getJsonObject("mail").getInteger("pending")).isEqualTo(1);
        assertThat(
                server
                    .pool()
                    .query("select tries, state from outbox")
                    .execute()
                    .await()
                    .iterator()
                    .next()
                    .toJson())
            .isEqualTo(new JsonObject().put("tries", 1).put("state", "pending"));
        assertThat(logLines)
            .anySatisfy(l -> assertThat(l).contains("could not be secured, so nothing was sent"))
            .noneSatisfy(l -> assertThat(l).contains("duty@council.test"));
      }
      assertThat(mailbox.copies()).as("mail delivered").isEmpty();
      assertThat(front.refusedInClear.get()).as("commands sent in clear").isZero();
      assertThat(front.secured.get()).isZero();
    }
  }
}
