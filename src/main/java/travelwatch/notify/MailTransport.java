package travelwatch.notify;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.ext.mail.mailencoder.MailEncoder;
import java.nio.file.Path;
import travelwatch.config.NotifyConfig;

/** Where the relay hands emails: an SMTP server, or a folder of {@code .eml} files. */
public interface MailTransport {
  Future<Void> send(long outboxId, Email email);

  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** The transport the configuration asks for. */
  static MailTransport of(Vertx vertx, NotifyConfig config) {
    return config.smtp().isPresent()
        ? new Smtp(vertx, config.smtp().get(), config.from(), config.domain())
        : new EmlFolder(vertx, config.mailDir(), config.from(), config.domain());
  }

  /** The message as the SMTP client and the {@code .eml} files both encode it. */
  static MailMessage message(String from, Email email) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Message-ID", email.messageId());
    if (email.inReplyTo() != null) {
      headers.add("In-Reply-To", email.inReplyTo()).add("References", email.inReplyTo());
    }
    if (email.alertType() != null) {
      headers.add("X-TravelWatch-Alert-Type", email.alertType());
    }
    if (email.unsubscribeUrl() != null) {
      // One click (RFC 8058): the mail client POSTs "List-Unsubscribe=One-Click" to the address.
      headers
          .add("List-Unsubscribe", "<" + email.unsubscribeUrl() + ">")
          .add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }
    return new MailMessage()
        .setFrom(from)
        .setTo(email.recipients())
        .setSubject(email.subject())
        .setText(email.text())
        .setHtml(email.html())
        .setHeaders(headers);
  }

  /**
   * The connection to the mail server could not be secured as configured: its certificate or host
   * name did not verify, or it does not offer STARTTLS. Nothing was sent; the email waits.
   */
  final class NotSecured extends RuntimeException {
    NotSecured(String message, Throwable cause) {
      super(message, cause);
    }

    /** The failure as a {@link NotSecured} if it is one of securing the connection, else null. */
    static NotSecured of(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof NotSecured n) {
          return n;
        }
        if (t instanceof javax.net.ssl.SSLException
            || t instanceof java.security.cert.CertificateException
            || String.valueOf(t.getMessage()).contains("STARTTLS required")) {
          Throwable root = t;
          while (root.getCause() != null && root.getCause().getMessage() != null) {
            root = root.getCause();
          }
          return new NotSecured(
              "the connection to the mail server could not be secured, so nothing was sent: "
                  + root.getMessage(),
              e);
        }
      }
      return null;
    }
  }

  /**
   * SMTP over TLS as configured (STARTTLS or SMTPS), with the server's certificate checked against
   * the trust store (or the JVM's authorities) and its host name against the certificate.
   */
  final class Smtp implements MailTransport {
    private final MailClient client;
    private final String from;

    Smtp(Vertx vertx, NotifyConfig.Smtp smtp, String from, String domain) {
      MailConfig config =
          new MailConfig()
              .setHostname(smtp.host())
              .setPort(smtp.port())
              .setStarttls(
                  smtp.tls() == NotifyConfig.Tls.STARTTLS
                      ? StartTLSOptions.REQUIRED
                      : StartTLSOptions.DISABLED)
              .setSsl(smtp.tls() == NotifyConfig.Tls.TLS)
              .setTrustAll(false)
              .setKeepAlive(true)
              .setConnectTimeout(10_000);
      if (smtp.tls() != NotifyConfig.Tls.NONE) {
        config.setHostnameVerificationAlgorithm("HTTPS");
      }
      if (smtp.tls() != NotifyConfig.Tls.NONE) {
        config.setTrustOptions(
            TrustOptions.wrap(MailServerTrust.of(smtp.trustStore(), smtp.host())));
      }
      config.setOwnHostname(domain);
      if (smtp.user().isPresent()) {
        config
            .setLogin(LoginOption.REQUIRED)
            .setUsername(smtp.user().get())
            .setPassword(smtp.password().orElse(""));
      } else {
        config.setLogin(LoginOption.DISABLED);
      }
      this.client = MailClient.create(vertx, config);
      this.from = from;
    }

    @Override
    public Future<Void> send(long outboxId, Email email) {
      return client
          .sendMail(message(from, email))
          .<Void>mapEmpty()
          .recover(
              e -> {
                NotSecured notSecured = NotSecured.of(e);
                return Future.failedFuture(notSecured != null ? notSecured : e);
              });
    }

    @Override
    public Future<Void> close() {
      return client.close();
    }
  }

  /** Without an SMTP server each email becomes a file a newcomer can open in a mail client. */
  final class EmlFolder implements MailTransport {
    private final Vertx vertx;
    private final Path folder;
    private final String from;
    private final String domain;

    EmlFolder(Vertx vertx, Path folder, String from, String domain) {
      this.vertx = vertx;
      this.folder = folder;
      this.from = from;
      this.domain = domain;
    }

    @Override
    public Future<Void> send(long outboxId, Email email) {
      String encoded = new MailEncoder(message(from, email), domain).encode();
      String name = String.format("%08d-%s.eml", outboxId, email.kind().wireName());
      return vertx
          .fileSystem()
          .mkdirs(folder.toString())
          .compose(
              v ->
                  vertx
                      .fileSystem()
                      .writeFile(folder.resolve(name).toString(), Buffer.buffer(encoded)));
    }
  }
}
