package travelwatch.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test mail servers' own certificate (for {@code localhost} only, made with the JDK's keytool
 * once a few days), a trust store that holds it, and a trust store of a stranger's certificate that
 * does not.
 */
public final class MailCertificates {
  public static final String PASSWORD = "changeit";

  /** The servers' key and certificate (PKCS12). */
  public static final Path SERVER;

  /** A key and certificate for another host name (mail.elsewhere.test), trusted like SERVER's. */
  public static final Path ELSEWHERE;

  /** A trust store holding the servers' certificate and ELSEWHERE's. */
  public static final Path TRUSTED;

  /** A trust store holding only another certificate: the servers' is untrusted with it. */
  public static final Path STRANGER;

  static {
    try {
      // Made once and kept under target/ (valid a week): keytool takes seconds on a busy machine.
      Path dir = Path.of("target", "test-mail-certs").toAbsolutePath();
      SERVER = dir.resolve("server.p12");
      TRUSTED = dir.resolve("trusted.p12");
      STRANGER = dir.resolve("stranger.p12");
      ELSEWHERE = dir.resolve("elsewhere.p12");
      Path done = dir.resolve("made-2");
      if (!Files.exists(done)
          || Files.getLastModifiedTime(done)
              .toInstant()
              .isBefore(Instant.now().minus(Duration.ofDays(5)))) {
        Files.createDirectories(dir);
        Path fresh = Files.createTempDirectory(dir, "new");
        Path other = fresh.resolve("other.p12");
        keyPair(fresh.resolve("server.p12"), "localhost");
        keyPair(other, "localhost");
        keyPair(fresh.resolve("elsewhere.p12"), "mail.elsewhere.test");
        trustStore(fresh.resolve("server.p12"), "mail", fresh.resolve("trusted.p12"));
        trustStore(fresh.resolve("elsewhere.p12"), "elsewhere", fresh.resolve("trusted.p12"));
        trustStore(other, "mail", fresh.resolve("stranger.p12"));
        for (String name : List.of("server.p12", "trusted.p12", "stranger.p12", "elsewhere.p12")) {
          Files.move(fresh.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(done, Instant.now().toString());
      }
      // GreenMail's SMTPS reads its key store from these, once per JVM.
      System.setProperty("greenmail.tls.keystore.file", SERVER.toString());
      System.setProperty("greenmail.tls.keystore.password", PASSWORD);
      System.setProperty("greenmail.tls.key.password", PASSWORD);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private MailCertificates() {}

  private static void keyPair(Path store, String host) {
    keytool(
        "-genkeypair",
        "-alias",
        "mail",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=" + host,
        "-ext",
        "SAN=dns:" + host,
        "-validity",
        "7",
        "-storetype",
        "PKCS12",
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
  }

  /** Adds the certificate of {@code keys} to the trust store {@code trust} as {@code alias}. */
  private static void trustStore(Path keys, String alias, Path trust) {
    Path pem = trust.resolveSibling(keys.getFileName() + ".pem");
    keytool(
        "-exportcert",
        "-alias",
        "mail",
        "-rfc",
        "-file",
        pem.toString(),
        "-keystore",
        keys.toString(),
        "-storepass",
        PASSWORD);
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        alias,
        "-file",
        pem.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        trust.toString(),
        "-storepass",
        PASSWORD);
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // A quick start: keytool's work is small.
    command.add("-J-XX:TieredStopAtLevel=1");
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + String.join(" ", args) + ": " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
