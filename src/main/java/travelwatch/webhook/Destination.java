package travelwatch.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a webhook may be sent, so that an endpoint cannot make the service call into its own
 * network (SSRF): an absolute {@code https} URL whose host resolves only to public addresses. The
 * URL is checked at registration and every address again at each delivery, after resolving, and the
 * delivery connects to the address that was checked. Loopback (and plain {@code http} to it) only
 * when allowed, for tests and local receivers; private ranges only when allowed; link-local (the
 * cloud metadata address among them), multicast and reserved addresses never. Plain Java.
 */
public record Destination(URI url, String host, int port, boolean tls, String requestUri) {

  /** What the settings allow besides public addresses. */
  public record Policy(boolean allowLoopback, boolean allowPrivate) {}

  /** A URL or an address a webhook may not be sent to; the message says why. */
  public static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** The kinds of address, as far as sending goes. */
  enum Kind {
    PUBLIC,
    LOOPBACK,
    PRIVATE,
    LINK_LOCAL,
    OTHER
  }

  private static final int MAX_LENGTH = 2000;

  /**
   * The URL, if its form may be a webhook's: absolute, {@code https} (or {@code http} to a loopback
   * host when loopback is allowed), a host, no user name or password, no fragment. Its host's
   * addresses are checked by {@link #check}.
   *
   * @throws Refused saying what is wrong
   */
  public static Destination parse(String text, Policy policy) {
    if (text == null || text.isBlank()) {
      throw new Refused("is required: the https URL to send to");
    }
    if (text.length() > MAX_LENGTH) {
      throw new Refused("must be at most " + MAX_LENGTH + " characters");
    }
    URI url;
    try {
      url = new URI(text);
    } catch (URISyntaxException e) {
      throw new Refused("is not a URL");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute() || url.isOpaque() || url.getHost() == null) {
      throw new Refused("must be an absolute https URL with a host (ASCII; punycode for others)");
    }
    if (url.getRawUserInfo() != null) {
      throw new Refused("may not carry a user name or password");
    }
    if (url.getRawFragment() != null) {
      throw new Refused("may not have a fragment");
    }
    String host = url.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    boolean tls = scheme.equals("https");
    if (!tls) {
      boolean loopbackHttp = scheme.equals("http") && policy.allowLoopback() && loopbackName(host);
      if (!loopbackHttp) {
        throw new Refused(
            "must be https"
                + (policy.allowLoopback() ? " (plain http only to 127.0.0.1 or localhost)" : ""));
      }
    }
    int port = url.getPort() == -1 ? (tls ? 443 : 80) : url.getPort();
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    String requestUri = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    return new Destination(url, host, port, tls, requestUri);
  }

  /**
   * The address to connect to, of those the host resolved to: every one must be allowed (a host
   * with one public and one private address could be switched to the private one), and plain http
   * goes to loopback only.
   *
   * @throws Refused naming the address that may not be used
   */
  public InetAddress check(List<InetAddress> addresses, Policy policy) {
    if (addresses.isEmpty()) {
      throw new Refused("has a host with no address: " + host);
    }
    for (InetAddress a : addresses) {
      Kind kind = kind(a);
      Optional<String> refusal =
          switch (kind) {
            case PUBLIC -> tls ? Optional.empty() : Optional.of("is not a loopback address");
            case LOOPBACK ->
                policy.allowLoopback()
                    ? Optional.empty()
                    : Optional.of("is a loopback address (TW_WEBHOOK_ALLOW_LOOPBACK is not set)");
            case PRIVATE ->
                !tls
                    ? Optional.of("is not a loopback address")
                    : policy.allowPrivate()
                        ? Optional.empty()
                        : Optional.of(
                            "is in a private range (TW_WEBHOOK_ALLOW_PRIVATE is not set)");
            case LINK_LOCAL -> Optional.of("is a link-local address");
            case OTHER -> Optional.of("is not a unicast address one may send to");
          };
      if (refusal.isPresent()) {
        String shown = a.getHostAddress();
        throw new Refused(
            "may not be used: "
                + (shown.equals(host) ? host : host + " resolves to " + shown)
                + ", which "
                + refusal.get());
      }
    }
    return addresses.get(0);
  }

  /** Resolves the host (blocking: call it off the event loop) and checks every address. */
  public InetAddress resolve(Policy policy) {
    try {
      return check(List.of(InetAddress.getAllByName(host)), policy);
    } catch (UnknownHostException e) {
      throw new Refused("has a host that cannot be resolved: " + host);
    }
  }

  private static boolean loopbackName(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("::1") || h.matches("127(\\.[0-9]{1,3}){3}");
  }

  /** What kind of address this is; IPv4 carried in IPv6 (mapped, NAT64, 6to4) as its IPv4. */
  static Kind kind(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address) {
      Optional<byte[]> v4 = embeddedIpv4(b);
      if (v4.isPresent()) {
        try {
          return kind(InetAddress.getByAddress(v4.get()));
        } catch (UnknownHostException e) {
          return Kind.OTHER;
        }
      }
      if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
        return Kind.OTHER;
      }
      if (address.isLoopbackAddress()) {
        return Kind.LOOPBACK;
      }
      if (address.isLinkLocalAddress()) {
        return Kind.LINK_LOCAL;
      }
      // fc00::/7 unique local, and the old site-local fec0::/10.
      if ((b[0] & 0xfe) == 0xfc || address.isSiteLocalAddress()) {
        return Kind.PRIVATE;
      }
      // Only global unicast (2000::/3) is the public internet.
      return (b[0] & 0xe0) == 0x20 ? Kind.PUBLIC : Kind.OTHER;
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (address.isLoopbackAddress()) {
      return Kind.LOOPBACK;
    }
    if (address.isLinkLocalAddress()) {
      return Kind.LINK_LOCAL;
    }
    // 10/8, 172.16/12, 192.168/16, and the carrier-grade NAT range 100.64/10.
    if (address.isSiteLocalAddress() || (first == 100 && (second & 0xc0) == 64)) {
      return Kind.PRIVATE;
    }
    // 0/8 "this network", multicast 224/4, reserved 240/4 and the broadcast address.
    if (first == 0 || first >= 224) {
      return Kind.OTHER;
    }
    return address instanceof Inet4Address ? Kind.PUBLIC : Kind.OTHER;
  }

  /** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96) or 6to4 one. */
  private static Optional<byte[]> embeddedIpv4(byte[] b) {
    boolean mapped = true;
    for (int i = 0; i < 10; i++) {
      mapped &= b[i] == 0;
    }
    mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    boolean nat64 =
        (b[0] & 0xff) == 0x00
            && (b[1] & 0xff) == 0x64
            && (b[2] & 0xff) == 0xff
            && (b[3] & 0xff) == 0x9b;
    for (int i = 4; nat64 && i < 12; i++) {
      nat64 = b[i] == 0;
    }
    if (mapped || nat64) {
      return Optional.of(new byte[] {b[12], b[13], b[14], b[15]});
    }
    if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      return Optional.of(new byte[] {b[2], b[3], b[4], b[5]});
    }
    return Optional.empty();
  }
}
