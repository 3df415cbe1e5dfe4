package travelwatch.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A real SMTP server (GreenMail) on a fixed free port, which a test can stop and start again (on
 * the same port) to play a mail server outage. It keeps every copy delivered by every run.
 */
public final class Mailbox implements AutoCloseable {
  /** One delivered copy, parsed. */
  public record Mail(
      String messageId,
      String inReplyTo,
      String references,
      String subject,
      List<String> to,
      String contentType,
      String text,
      String html,
      String raw) {}

  public final int port = TestServer.freePort();

  /** An alert's email of that type: its code is in the X-TravelWatch-Alert-Type header. */
  public static java.util.function.Predicate<Mail> alertType(String type) {
    return m ->
        m.raw().contains("X-TravelWatch-Alert-Type: " + type + "\r\n")
            || m.raw().contains("X-TravelWatch-Alert-Type: " + type + "\n");
  }

  private GreenMail server;
  private final List<Mail> earlier = new ArrayList<>();
  private final String user;
  private final String password;
  private final boolean smtps;

  public Mailbox() {
    this(null, null);
  }

  /** A server that takes mail only from a client that logs in with this user and password. */
  public Mailbox(String user, String password) {
    this(user, password, false);
  }

  private Mailbox(String user, String password, boolean smtps) {
    this.user = user;
    this.password = password;
    this.smtps = smtps;
    start();
  }

  /** A server that speaks TLS from the first byte (SMTPS) with the test certificate. */
  public static Mailbox smtps() {
    // The certificate is made, and GreenMail pointed at it, before its first TLS server.
    MailCertificates.SERVER.toFile();
    return new Mailbox(null, null, true);
  }

  public void start() {
    ServerSetup setup =
        new ServerSetup(
            port, "127.0.0.1", smtps ? ServerSetup.PROTOCOL_SMTPS : ServerSetup.PROTOCOL_SMTP);
    // A TLS server's first start loads its key store: slow on a busy machine.
    setup.setServerStartupTimeout(30_000);
    server = new GreenMail(setup);
    if (user != null) {
      server.setUser(user + "@council.test", user, password);
      server.getUserManager().setAuthRequired(true);
    }
    server.start();
  }

  /** Stops the server; what it received so far is kept. */
  public void stop() {
    earlier.addAll(parse(server.getReceivedMessages()));
    server.stop();
    server = null;
  }

  /**
   * The SMTP settings a TravelWatch process needs to send here: in clear to a plain server, with
   * TLS and the test certificate trusted to an SMTPS one.
   */
  public Map<String, String> env() {
    if (smtps) {
      return Map.of(
          "TW_SMTP_HOST",
          "localhost",
          "TW_SMTP_PORT",
          String.valueOf(port),
          "TW_SMTP_TLS",
          "tls",
          "TW_SMTP_TRUST_STORE",
          MailCertificates.TRUSTED.toString(),
          "TW_SMTP_TRUST_STORE_PASSWORD",
          MailCertificates.PASSWORD,
          "TW_MAIL_FROM",
          "travelwatch@council.test");
    }
    return Map.of(
        "TW_SMTP_HOST", "127.0.0.1",
        "TW_SMTP_PORT", String.valueOf(port),
        "TW_SMTP_TLS", "none",
        "TW_MAIL_FROM", "travelwatch@council.test");
  }

  /** Every copy delivered so far (one per recipient: an email to two people is two copies). */
  public List<Mail> copies() {
    List<Mail> all = new ArrayList<>(earlier);
    if (server != null) {
      all.addAll(parse(server.getReceivedMessages()));
    }
    return all;
  }

  public List<Mail> copies(Predicate<Mail> which) {
    return copies().stream().filter(which).collect(Collectors.toList());
  }

  /** Distinct emails (by Message-ID) matching, each once. */
  public List<Mail> emails(Predicate<Mail> which) {
    Map<String, Mail> byId = new java.util.LinkedHashMap<>();
    copies(which).forEach(m -> byId.putIfAbsent(m.messageId(), m));
    return new ArrayList<>(byId.values());
  }

  private static List<Mail> parse(MimeMessage[] messages) {
    List<Mail> mails = new ArrayList<>();
    for (MimeMessage m : messages) {
      try {
        String text = null;
        String html = null;
        Object content = m.getContent();
        if (content instanceof Multipart) {
          Multipart parts = (Multipart) content;
          for (int i = 0; i < parts.getCount(); i++) {
            BodyPart p = parts.getBodyPart(i);
            if (p.isMimeType("text/plain")) {
              text = String.valueOf(p.getContent());
            } else if (p.isMimeType("text/html")) {
              html = String.valueOf(p.getContent());
            }
          }
        } else {
          text = String.valueOf(content);
        }
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        m.writeTo(raw);
        mails.add(
            new Mail(
                m.getMessageID(),
                m.getHeader("In-Reply-To", null),
                m.getHeader("References", null),
                m.getSubject(),
                Arrays.stream(m.getRecipients(Message.RecipientType.TO))
                    .map(Object::toString)
                    .sorted()
                    .collect(Collectors.toList()),
                m.getContentType(),
                text,
                html,
                raw.toString(java.nio.charset.StandardCharsets.UTF_8)));
      } catch (jakarta.mail.MessagingException | IOException e) {
        throw new IllegalStateException("unreadable email", e);
      }
    }
    return mails;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
  }
}
