package travelwatch.notify;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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

  /** SMTP with STARTTLS and authentication as configured. */
  final class Smtp implements MailTransport {
    private final MailClient client;
    private final String from;

    Smtp(Vertx vertx, NotifyConfig.Smtp smtp, String from, String domain) {
      MailConfig config =
          new MailConfig()
              .setHostname(smtp.host())
              .setPort(smtp.port())
              .setStarttls(
                  switch (smtp.startTls()) {
                    case NONE -> StartTLSOptions.DISABLED;
                    case OPTIONAL -> StartTLSOptions.OPTIONAL;
                    case REQUIRED -> StartTLSOptions.REQUIRED;
                  })
              .setKeepAlive(true)
              .setConnectTimeout(10_000);
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
      return client.sendMail(message(from, email)).mapEmpty();
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
