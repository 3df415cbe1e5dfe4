package travelwatch.config;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How staff sign in: with the council's identity provider (OpenID Connect), with a password stored
 * here, or both. Without a provider, passwords are the only way in, so they cannot be switched off.
 */
public record SignInConfig(Optional<CouncilProvider> council, boolean localLogin) {

  /**
   * The council's OpenID Connect provider: its issuer (where {@code
   * /.well-known/openid-configuration} is found), this service's registration with it, and which
   * values of which claim of the ID token give which role here ({@code roleMap}: claim value to
   * {@code viewer}, {@code controller}, {@code manager}, {@code admin} or {@code school:ID}).
   */
  public record CouncilProvider(
      URI issuer,
      String clientId,
      String clientSecret,
      String roleClaim,
      Map<String, String> roleMap) {
    @Override
    public String toString() {
      // Never the secret, should a record ever be logged.
      return "CouncilProvider[issuer=" + issuer + ", clientId=" + clientId + "]";
    }
  }

  private static final Set<String> STAFF_ROLES = Set.of("viewer", "controller", "manager", "admin");
  private static final Pattern SCHOOL_GRANT = Pattern.compile("school:[A-Za-z0-9_.-]{1,64}");
  private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_:/.-]{1,200}");

  static SignInConfig from(Settings s) {
    Optional<String> issuer = s.text("oidcIssuer");
    Optional<String> clientId = s.text("oidcClientId");
    Optional<String> secret = s.text("oidcClientSecret");
    Optional<String> roleMap = s.text("oidcRoleMap");
    String roleClaim = s.text("oidcRoleClaim", "roles");
    boolean localLogin = s.bool("localLogin", true);
    if (issuer.isEmpty()) {
      for (String name : new String[] {"oidcClientId", "oidcClientSecret", "oidcRoleMap"}) {
        if (s.text(name).isPresent()) {
          throw new ConfigException(
              s.label("oidcIssuer"), "must be set when " + s.label(name) + " is");
        }
      }
      if (!localLogin) {
        throw new ConfigException(
            s.label("localLogin"),
            "cannot be false without " + s.label("oidcIssuer") + ": nobody could sign in");
      }
      return new SignInConfig(Optional.empty(), true);
    }
    String id = required(s, "oidcClientId", clientId);
    String clientSecret = required(s, "oidcClientSecret", secret);
    if (!CLAIM.matcher(roleClaim).matches()) {
      throw new ConfigException(
          s.label("oidcRoleClaim"),
          "must be a claim name (letters, digits, _ : / . -; a dot reaches into an object), got '"
              + roleClaim
              + "'");
    }
    return new SignInConfig(
        Optional.of(
            new CouncilProvider(
                issuer(s, issuer.get()),
                id,
                clientSecret,
                roleClaim,
                roleMap(s, required(s, "oidcRoleMap", roleMap)))),
        localLogin);
  }

  private static String required(Settings s, String name, Optional<String> value) {
    return value.orElseThrow(
        () ->
            new ConfigException(
                s.label(name), "must be set when " + s.label("oidcIssuer") + " is"));
  }

  /**
   * An https URL (plain http only on this machine, for a provider run beside the service), without
   * the trailing slash, as providers' discovery documents name themselves.
   */
  private static URI issuer(Settings s, String text) {
    String label = s.label("oidcIssuer");
    URI uri;
    try {
      uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(label, "is not a URL: " + e.getMessage());
    }
    if (uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
      throw new ConfigException(label, "must be an absolute URL without query, got '" + text + "'");
    }
    boolean local = uri.getHost().equals("localhost") || uri.getHost().equals("127.0.0.1");
    if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && local)) {
      throw new ConfigException(
          label, "must be an https URL (http only for localhost), got '" + text + "'");
    }
    return uri;
  }

  /** {@code value=role,value=role}: each claim value once, each role one this service knows. */
  private static Map<String, String> roleMap(Settings s, String text) {
    String label = s.label("oidcRoleMap");
    Map<String, String> map = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.lastIndexOf('=');
      String value = eq < 0 ? "" : pair.substring(0, eq).trim();
      String grant = eq < 0 ? "" : pair.substring(eq + 1).trim();
      if (value.isEmpty() || grant.isEmpty()) {
        throw new ConfigException(
            label, "must be claim-value=role pairs separated by commas, got '" + pair.trim() + "'");
      }
      if (!STAFF_ROLES.contains(grant) && !SCHOOL_GRANT.matcher(grant).matches()) {
        throw new ConfigException(
            label,
            "maps '"
                + value
                + "' to '"
                + grant
                + "': the role must be viewer, controller, manager, admin or school:SCHOOL-ID");
      }
      if (map.put(value, grant) != null) {
        throw new ConfigException(label, "maps '" + value + "' more than once");
      }
    }
    if (map.isEmpty()) {
      throw new ConfigException(label, "maps no claim value to a role: nobody could sign in");
    }
    return Collections.unmodifiableMap(map);
  }
}
