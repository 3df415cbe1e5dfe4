package travelwatch.notify;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import travelwatch.config.NotifyConfig;

/**
 * Trusts the mail server's certificate only when the trust store's authorities (or the JVM's) sign
 * it and it names the host the relay connects to. The host name is checked here, on every
 * handshake, STARTTLS's included: the mail client's own check does not cover the STARTTLS upgrade.
 */
final class MailServerTrust extends X509ExtendedTrustManager {
  private final X509TrustManager authorities;
  private final String host;

  MailServerTrust(X509TrustManager authorities, String host) {
    this.authorities = authorities;
    this.host = host.toLowerCase(Locale.ROOT);
  }

  /** The trust for {@code host}: the trust store's certificates, or the JVM's authorities. */
  static MailServerTrust of(Optional<NotifyConfig.TrustStore> store, String host) {
    try {
      KeyStore keys = null;
      if (store.isPresent()) {
        keys = KeyStore.getInstance(store.get().type());
        try (InputStream in = Files.newInputStream(store.get().path())) {
          keys.load(in, store.get().password().toCharArray());
        }
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(keys);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          return new MailServerTrust(x509, host);
        }
      }
      throw new IllegalStateException("no X.509 trust manager");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("the mail server's trust store cannot be read", e);
    }
  }

  /** Whether the certificate names {@code host}: a DNS or IP subject alternative name. */
  static boolean names(X509Certificate certificate, String host)
      throws CertificateParsingException {
    Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
    if (alternatives == null) {
      return false;
    }
    String wanted = host.toLowerCase(Locale.ROOT);
    for (List<?> name : alternatives) {
      int type = (Integer) name.get(0);
      String value = String.valueOf(name.get(1)).toLowerCase(Locale.ROOT);
      if (type == 7 && value.equals(wanted)) {
        return true;
      }
      if (type == 2 && dnsMatches(value, wanted)) {
        return true;
      }
    }
    return false;
  }

  /** RFC 6125: exact, or a wildcard standing for the whole leftmost label only. */
  private static boolean dnsMatches(String pattern, String host) {
    if (pattern.startsWith("*.")) {
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }
    return pattern.equals(host);
  }

  private void check(X509Certificate[] chain, String authType) throws CertificateException {
    authorities.checkServerTrusted(chain, authType);
    if (chain.length == 0 || !names(chain[0], host)) {
      List<String> subject = new ArrayList<>();
      if (chain.length > 0) {
        subject.add(chain[0].getSubjectX500Principal().getName());
      }
      throw new CertificateException(
          "the mail server's certificate " + subject + " does not name the host " + host);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("the relay is a client only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("the relay is a client only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("the relay is a client only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return authorities.getAcceptedIssuers();
  }
}
