package travelwatch.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP server that offers STARTTLS (GreenMail's SMTP does not): it greets, answers EHLO with
 * STARTTLS, refuses everything else until the client starts TLS with the test certificate, then
 * hands the secured conversation to a plain GreenMail {@link Mailbox} behind it.
 */
public final class StartTlsFront implements AutoCloseable {
  private final ServerSocket listener;
  private final int backendPort;
  private final SSLContext tls;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "starttls-front");
            t.setDaemon(true);
            return t;
          });

  /** Conversations secured with TLS so far. */
  public final AtomicInteger secured = new AtomicInteger();

  /** Commands refused because they came before STARTTLS (sent in clear). */
  public final AtomicInteger refusedInClear = new AtomicInteger();

  public StartTlsFront(Mailbox backend) {
    this(backend, MailCertificates.SERVER);
  }

  /** A front that shows the certificate of {@code keyStore} (one of {@link MailCertificates}). */
  public StartTlsFront(Mailbox backend, java.nio.file.Path keyStore) {
    this.backendPort = backend.port;
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = java.nio.file.Files.newInputStream(keyStore)) {
        keys.load(in, MailCertificates.PASSWORD.toCharArray());
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, MailCertificates.PASSWORD.toCharArray());
      tls = SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), null, null);
      listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    threads.submit(this::accept);
  }

  public int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        threads.submit(() -> converse(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void converse(Socket client) {
    try (client) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = client.getOutputStream();
      write(out, "220 localhost ESMTP\r\n");
      String line;
      while ((line = in.readLine()) != null) {
        String verb = line.split(" ", 2)[0].toUpperCase();
        switch (verb) {
          case "EHLO" -> write(out, "250-localhost\r\n250 STARTTLS\r\n");
          case "STARTTLS" -> {
            write(out, "220 Ready to start TLS\r\n");
            relaySecured(client);
            return;
          }
          case "QUIT" -> {
            write(out, "221 Bye\r\n");
            return;
          }
          default -> {
            refusedInClear.incrementAndGet();
            write(out, "530 Must issue a STARTTLS command first\r\n");
          }
        }
      }
    } catch (IOException e) {
      // The client went away, or refused the certificate.
    }
  }

  private void relaySecured(Socket client) throws IOException {
    SSLSocket secure =
        (SSLSocket)
            tls.getSocketFactory().createSocket(client, "localhost", client.getPort(), false);
    secure.setUseClientMode(false);
    secure.startHandshake();
    secured.incrementAndGet();
    try (secure;
        Socket backend = new Socket(InetAddress.getByName("127.0.0.1"), backendPort)) {
      InputStream fromBackend = backend.getInputStream();
      // The client greeted already: GreenMail's greeting is not passed on.
      int c;
      while ((c = fromBackend.read()) != -1 && c != '\n') {
        // skip
      }
      threads.submit(() -> copy(secure.getInputStream(), backend.getOutputStream(), backend));
      copy(fromBackend, secure.getOutputStream(), secure);
    }
  }

  private static Void copy(InputStream from, OutputStream to, Socket closeAfter)
      throws IOException {
    try {
      from.transferTo(to);
    } finally {
      closeAfter.close();
    }
    return null;
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    threads.shutdownNow();
  }
}
